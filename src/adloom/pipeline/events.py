"""What each pipeline decision records in the audit log: payload builders, no I/O."""

from __future__ import annotations

from pathlib import Path

from adloom.audit import NewEvent, kinds
from adloom.naming import ad_names
from adloom.pipeline.concepts import GovernedConcept
from adloom.platforms import PLATFORMS
from adloom.types import Asset, BrandObject, Concept, Document, sha256_file
from adloom.writers.base import ConceptTask


def brand_version_event(brand: BrandObject, version: str, status: str, documents: list[Document]) -> NewEvent:
    return NewEvent(kinds.BRAND_VERSION_CREATED, version, "system", {
        "brand": brand.slug, "version": version, "status": status,
        "documents": [{"id": d.id, "kind": d.kind, "file": d.provenance.file, "section": d.provenance.section,
                       "line": d.provenance.line_start} for d in documents]})


def concept_events(result: GovernedConcept, writer_id: str, rewrites: bool) -> list[NewEvent]:
    """Per attempt: what was written (by whom, from which prompt), its verdict, and any regeneration."""
    concept = result.concept
    base = {"brand_version": concept.brand_version, "angle": concept.angle.id, "segment": concept.segment_id,
            "writer": writer_id}
    events = []
    for verdict in result.verdicts:
        template = "rewrite@1" if rewrites and verdict.attempt > 1 else ConceptTask.template
        events.append(NewEvent(kinds.CONCEPT_GENERATED, concept.id, writer_id,
                               {**base, "template": template, "attempt": verdict.attempt}))
        events.append(NewEvent(kinds.VERDICT_RECORDED, concept.id, "governance", {
            "attempt": verdict.attempt, "route": verdict.route, "checks": verdict.checks,
            "scores": verdict.scores, "findings": [f.model_dump(mode="json") for f in verdict.findings]}))
        if verdict.route == "regenerate":
            events.append(NewEvent(kinds.REGENERATION_REQUESTED, concept.id, "governance", {
                "attempt": verdict.attempt,
                "reasons": [{"rule_id": f.rule_id, "field": f.field, "excerpt": f.excerpt, "hint": f.fix_hint}
                            for f in verdict.findings if f.severity != "warn"]}))
    if concept.status == "failed":
        events.append(NewEvent(kinds.CONCEPT_GENERATED, concept.id, writer_id,
                               {**base, "template": ConceptTask.template, "attempt": concept.attempt,
                                "error": concept.error}))
    return events


def asset_events(assets: dict[str, list[Asset]]) -> list[NewEvent]:
    return [NewEvent(kinds.ASSET_RENDERED, asset.concept_id, asset.generator, {
                "asset_id": asset.id, "concept_id": asset.concept_id, "path": asset.path, "sha256": asset.sha256,
                "placement": asset.placement, "kind": asset.kind})
            for items in assets.values() for asset in items]


def export_event(run_id: str, name: str, path: Path, concepts: list[Concept], brand: BrandObject) -> NewEvent:
    """An export.written event: the file's hash and which ads it carries, so lineage finds them."""
    payload: dict[str, object] = {"file": str(path), "name": name, "sha256": sha256_file(path)}
    platform = next((p for p in PLATFORMS if p == name), None)
    if platform is not None:
        payload["ads"] = [{"ad_name": n, "concept_id": c.id} for c in concepts if c.status == "approved"
                          for n in ad_names(c, brand, platform)]
    return NewEvent(kinds.EXPORT_WRITTEN, run_id, "system", payload)
