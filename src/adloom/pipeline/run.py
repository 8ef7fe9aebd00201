"""The driver: wires the stages top to bottom and injects every side effect (store, writer, audit, files).

    ingest -> brand -> angles -> concepts (write, govern, regenerate) -> dedupe -> render -> export

Every finished unit of work is committed as it completes, so an interrupted run reruns and finishes,
and a rerun of an unchanged brand reuses the stored concepts instead of writing them again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import DEFAULT_REDACTOR, AuditLog, NewEvent, kinds, prune_payloads, write_anchor
from adloom.brand.resolve import resolve_brand
from adloom.governance.constraints import constraints_for
from adloom.ingest.fetch import FetchOptions
from adloom.naming import ad_names, sha256_file
from adloom.pipeline import angles as angles_stage
from adloom.pipeline import concepts as concepts_stage
from adloom.pipeline import dedupe, export, govern, ingest
from adloom.platforms import PLATFORMS, Platform
from adloom.store import brands as brand_store
from adloom.store import concepts as concept_store
from adloom.store import patterns as pattern_store
from adloom.store.db import transaction
from adloom.types import (
    Angle,
    Asset,
    BrandObject,
    Campaign,
    Concept,
    Constraints,
    Finding,
    RunSummary,
    Segment,
    Verdict,
)
from adloom.writers.base import Writer


class Progress(Protocol):
    """What the driver reports; the CLI shows it with Rich, tests ignore it."""

    def stage(self, name: str, total: int | None = None) -> None: ...
    def advance(self, name: str, n: int = 1) -> None: ...


class NoProgress:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, name: str, n: int = 1) -> None:
        pass


@dataclass
class RunOptions:
    platforms: list[Platform] = field(default_factory=lambda: ["meta", "google", "tiktok"])
    n_angles: int = 5
    hooks_per_concept: int = 5
    max_attempts: int = 3
    concurrency: int = 8
    render: bool = True
    fetch: FetchOptions = field(default_factory=FetchOptions)
    audit_redact: bool = True
    audit_retention_days: float | None = None
    audit_anchor: Path | None = None       # written after the run so a truncated log is detectable


@dataclass
class RunResult:
    summary: RunSummary
    out_dir: Path
    brand: BrandObject
    concepts: list[Concept]
    verdicts: dict[str, list[Verdict]]
    outputs: dict[str, Path]


class _Timer:
    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.summary.stage_seconds[stage] = round(time.perf_counter() - start, 4)


async def run(folder: Path, *, factory: sessionmaker[Session], writer: Writer, campaign: Campaign,
              out_root: Path, options: RunOptions | None = None, progress: Progress | None = None,
              render_assets: RenderFn | None = None) -> RunResult:
    options = options or RunOptions()
    progress = progress or NoProgress()
    audit = AuditLog(factory, redact=DEFAULT_REDACTOR if options.audit_redact else None)
    started = datetime.now(UTC)

    progress.stage("ingest")
    ingested = await ingest.documents(folder, fetch=options.fetch)
    resolved = resolve_brand(folder, ingested.documents)
    brand = resolved.brand
    version = brand.version()
    run_id = f"{started:%Y%m%d-%H%M%S-%f}"[:-3] + f"-{version[:6]}"
    out_dir = out_root / brand.slug / run_id
    summary = RunSummary(run_id=run_id, brand_slug=brand.slug, brand_version=version, writer_id=writer.id,
                         started_at=started, documents=len(ingested.documents), warnings=ingested.warnings,
                         flagged_inputs=ingested.flagged, campaign=campaign)
    timer = _Timer(summary)
    summary.stage_seconds["ingest+brand"] = round((datetime.now(UTC) - started).total_seconds(), 4)

    with transaction(factory) as session:
        if brand_store.record_version(session, brand, [d.id for d in ingested.documents]):
            audit.append_in(session, kinds.BRAND_VERSION_CREATED, version, "system", {
                "brand": brand.slug, "version": version, "status": resolved.status,
                "documents": [{"id": d.id, "kind": d.kind, "file": d.provenance.file,
                               "section": d.provenance.section, "line": d.provenance.line_start}
                              for d in ingested.documents]})
        concept_store.start_run(session, summary, str(out_dir))
        audit.append_in(session, kinds.RUN_STARTED, run_id, "system",
                        {"brand_version": version, "writer": writer.id, "campaign": campaign.model_dump()})
        pattern_store.ensure_priors(session)
        patterns = pattern_store.load_patterns(session)

    with timer("angles"):
        chosen = angles_stage.angles(brand, patterns, n=options.n_angles)
    summary.angles = [a.id for a in chosen]

    units = [(angle, segment) for angle in chosen for segment in brand.segments]
    progress.stage("concepts", total=len(units))
    with timer("concepts"):
        governed = await _concepts(brand, units, writer=writer, campaign=campaign, options=options,
                                   factory=factory, audit=audit, summary=summary, progress=progress)

    with timer("dedupe"):
        concepts, suppressed = dedupe.suppress_near_duplicates([g.concept for g in governed])
    summary.suppressed_duplicates = suppressed
    reused = {g.concept.id for g in governed if g.reused}
    with transaction(factory) as session:
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])
        for concept in concepts:
            concept_store.update_concept_payload(session, concept)

    assets: dict[str, list[Asset]] = {}
    if options.render and render_assets is not None:
        with timer("render"):
            assets, summary.render_errors = await render_assets(concepts, brand, out_dir, folder,
                                                                options.platforms, progress)
            summary.assets = [a for items in assets.values() for a in items]
            _audit_assets(audit, assets)

    _fill_counts(summary, concepts, governed)
    summary.finished_at = datetime.now(UTC)
    progress.stage("export")
    with timer("export"):
        outputs = export.exports(concepts, verdicts, brand, campaign, summary, out_dir, assets=assets)
    summary.outputs = {k: str(v) for k, v in outputs.items()}
    with transaction(factory) as session:
        for name, path in outputs.items():
            audit.append_in(session, kinds.EXPORT_WRITTEN, run_id, "system",
                            _export_event(name, path, concepts, brand))
        concept_store.finish_run(session, summary, [c.id for c in concepts], reused)
        audit.append_in(session, kinds.RUN_FINISHED, run_id, "system", {"by_status": summary.by_status})
    if options.audit_retention_days is not None:
        prune_payloads(factory, options.audit_retention_days)
    if options.audit_anchor is not None:
        write_anchor(factory, options.audit_anchor)
    return RunResult(summary, out_dir, brand, concepts, verdicts, outputs)


class RenderFn(Protocol):
    async def __call__(self, concepts: list[Concept], brand: BrandObject, out_dir: Path, brand_dir: Path,
                       platforms: list[Platform], progress: Progress) -> tuple[dict[str, list[Asset]], list[str]]:
        ...


@dataclass
class _Unit:
    concept: Concept
    first_draft_failed: bool = False
    attempts: int = 0
    reused: bool = False


async def _concepts(brand: BrandObject, units: list[tuple[Angle, Segment]], *, writer: Writer,
                    campaign: Campaign, options: RunOptions, factory: sessionmaker[Session], audit: AuditLog,
                    summary: RunSummary, progress: Progress) -> list[_Unit]:
    """Fan out across angles under a bounded semaphore; each unit commits on its own.

    Within an angle the segments go in order, each told the hooks the earlier ones used, so one
    angle's concepts differ in substance rather than by rewording (prevention before suppression).
    """
    semaphore = asyncio.Semaphore(max(1, options.concurrency))
    version = brand.version()
    check = partial(govern.verdict, brand=brand, campaign=campaign, max_attempts=options.max_attempts)
    limits = partial(constraints_for, brand, campaign, hooks_per_concept=options.hooks_per_concept)

    async def one(angle: Angle, segment: Segment, used_hooks: list[str]) -> _Unit:
        def constraints(previous: list[Finding]) -> Constraints:
            return limits(previous=previous).model_copy(update={"avoid_hooks": list(used_hooks)})

        async with semaphore:
            cid = concepts_stage.concept_id(version, angle, segment, writer.id, constraints([]))
            with factory() as session:
                stored = concept_store.get_concept(session, cid)
            if stored is not None and stored.status != "failed":
                progress.advance("concepts")
                return _Unit(stored, reused=True, attempts=stored.attempt)
            result = await concepts_stage.governed_concept(
                brand, angle, segment, writer=writer, check=check, constraints_for=constraints,
                max_attempts=options.max_attempts, brand_version=version)
            with transaction(factory) as session:
                concept_store.save_concept(session, result.concept, result.verdicts)
                _audit_concept(audit, session, result, writer)
            progress.advance("concepts")
            return _Unit(result.concept, result.first_draft_failed, len(result.verdicts))

    async def angle_chain(angle: Angle, segments: list[Segment]) -> list[_Unit]:
        used: list[str] = []
        out = []
        for segment in segments:
            unit = await one(angle, segment, used)
            used.extend(h.text for h in (unit.concept.draft.hooks if unit.concept.draft else []))
            out.append(unit)
        return out

    by_angle: dict[str, tuple[Angle, list[Segment]]] = {}
    for angle, segment in units:
        by_angle.setdefault(angle.id, (angle, []))[1].append(segment)
    chains = await asyncio.gather(*(angle_chain(a, segs) for a, segs in by_angle.values()))
    return [unit for chain in chains for unit in chain]


def _audit_concept(audit: AuditLog, session: Session, result: concepts_stage.GovernedConcept,
                   writer: Writer) -> None:
    concept = result.concept
    for verdict in result.verdicts:
        audit.append_in(session, kinds.CONCEPT_GENERATED, concept.id, writer.id, {
            "brand_version": concept.brand_version, "angle": concept.angle.id, "segment": concept.segment_id,
            "writer": writer.id, "template": "concept@1", "attempt": verdict.attempt, "cache_hit": False})
        audit.append_in(session, kinds.VERDICT_RECORDED, concept.id, "governance", {
            "attempt": verdict.attempt, "route": verdict.route, "checks": verdict.checks,
            "scores": verdict.scores, "findings": [f.model_dump(mode="json") for f in verdict.findings]})
        if verdict.route == "regenerate":
            audit.append_in(session, kinds.REGENERATION_REQUESTED, concept.id, "governance", {
                "attempt": verdict.attempt,
                "reasons": [{"rule_id": f.rule_id, "field": f.field, "excerpt": f.excerpt, "hint": f.fix_hint}
                            for f in verdict.findings if f.severity != "warn"]})
    if concept.status == "failed":
        audit.append_in(session, kinds.CONCEPT_GENERATED, concept.id, writer.id, {
            "brand_version": concept.brand_version, "angle": concept.angle.id, "segment": concept.segment_id,
            "writer": writer.id, "template": "concept@1", "attempt": concept.attempt, "error": concept.error})


def _audit_assets(audit: AuditLog, assets: dict[str, list[Asset]]) -> None:
    events = [NewEvent(kinds.ASSET_RENDERED, asset.concept_id, asset.generator,
               {"asset_id": asset.id, "concept_id": asset.concept_id, "path": asset.path, "sha256": asset.sha256,
                "placement": asset.placement, "kind": asset.kind})
              for items in assets.values() for asset in items]
    if events:
        audit.append_many(events)


def _export_event(name: str, path: Path, concepts: list[Concept], brand: BrandObject) -> dict[str, object]:
    """What an export.written event records: the file's hash and which ads it carries."""
    payload: dict[str, object] = {"file": str(path), "name": name, "sha256": sha256_file(path)}
    platform = next((p for p in PLATFORMS if p == name), None)
    if platform is not None:
        payload["ads"] = [{"ad_name": n, "concept_id": c.id} for c in concepts if c.status == "approved"
                          for n in ad_names(c, brand, platform)]
    return payload


def _fill_counts(summary: RunSummary, concepts: list[Concept], units: list[_Unit]) -> None:
    summary.concepts = len(concepts)
    summary.hooks = sum(len(c.draft.hooks) for c in concepts if c.draft)
    summary.by_status = {}
    for concept in concepts:
        summary.by_status[concept.status] = summary.by_status.get(concept.status, 0) + 1
    fresh = [u for u in units if not u.reused]
    summary.reused = len(units) - len(fresh)
    summary.first_draft_failures = sum(u.first_draft_failed for u in fresh)
    summary.regenerations = sum(max(0, u.attempts - 1) for u in fresh)
    summary.writer_calls = sum(u.attempts for u in fresh)
