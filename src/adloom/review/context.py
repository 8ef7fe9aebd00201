"""Everything a reviewer needs to judge one queued concept, gathered in one place for the desk and the API.

Finding spans are cut out of their field's text as segments, so a template marks them up with escaping
left on (the text is untrusted: it may hold ``<script>``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.audit import kinds
from adloom.errors import NotFound
from adloom.governance.fields import text_fields
from adloom.review.edits import editable_fields
from adloom.store import reviews as review_store
from adloom.store.brands import get_version
from adloom.store.concepts import get_concept, get_run, verdicts_for
from adloom.store.tables import AuditEventRow, ConceptRow, ReviewDecisionRow, ReviewItemRow
from adloom.types import Asset, BrandObject, Concept, Finding, Verdict

__all__ = ["FieldView", "GroupMember", "ItemContext", "group_context", "item_context", "segments"]

PLATFORM_ORDER = ("meta", "google", "tiktok")


@dataclass(frozen=True)
class Segment:
    text: str
    findings: tuple[int, ...] = ()     # indexes into ItemContext.findings that cover this stretch
    severity: str = ""                 # the gravest of them


@dataclass(frozen=True)
class FieldView:
    path: str
    label: str
    text: str
    segments: tuple[Segment, ...]
    editable: bool


@dataclass
class ItemContext:
    item: ReviewItemRow
    concept: Concept
    brand: BrandObject | None
    verdict: Verdict | None
    segment_label: str
    findings: list[Finding]
    copy: dict[str, list[FieldView]]          # platform -> fields; "hooks" first
    fit: dict[str, float]
    claims_used: list[dict[str, str]]
    claims_missing: list[Finding]
    rego: list[Finding]
    provenance: dict[str, Any]
    assets: list[Asset]
    decisions: list[ReviewDecisionRow]
    similar: int                              # other open items with the same group key
    other_findings: list[tuple[int, Finding]] = field(default_factory=list)   # not on a shown field


_RANK = {"block": 3, "review": 2, "warn": 1, "": 0}


def segments(text: str, spans: list[tuple[int, int, int, str]]) -> tuple[Segment, ...]:
    """Cut ``text`` at every span boundary; ``spans`` are (start, end, finding index, severity)."""
    cuts = sorted({0, len(text), *(max(0, min(len(text), p)) for s, e, _, _ in spans for p in (s, e))})
    out = []
    for start, end in itertools.pairwise(cuts):
        if start == end:
            continue
        covering = [(i, sev) for s, e, i, sev in spans if s <= start and end <= e]
        worst = max((sev for _, sev in covering), key=lambda sev: _RANK[sev], default="")
        out.append(Segment(text[start:end], tuple(i for i, _ in covering), worst))
    return tuple(out) or (Segment(text),)


def _label(path: str) -> str:
    return path.replace("copy.", "").replace("_", " ")


_brands: dict[str, BrandObject] = {}         # brand versions are named by their content hash: never stale
_assets: dict[str, list[Asset]] = {}          # assets of finished runs, which are never rendered again
_CACHED = 64


def _brand(session: Session, version: str) -> BrandObject | None:
    brand = _brands.get(version)
    if brand is None:
        brand = get_version(session, version)
        if brand is not None:
            if len(_brands) >= _CACHED:
                _brands.clear()
            _brands[version] = brand
    return brand


def _run_assets(session: Session, run_id: str) -> list[Asset]:
    """Every asset of a run (one validation per finished run, not one per page)."""
    if run_id in _assets:
        return _assets[run_id]
    row = get_run(session, run_id)
    found = [Asset.model_validate(a) for a in (row.summary or {}).get("assets", [])]
    if row.status == "done":
        if len(_assets) >= _CACHED:
            _assets.clear()
        _assets[run_id] = found
    return found


def item_context(session: Session, concept_id: str) -> ItemContext:
    item = review_store.get_item(session, concept_id)
    concept = get_concept(session, concept_id)
    if concept is None:
        raise NotFound(f"no concept '{concept_id}'")
    history = verdicts_for(session, [concept_id])[concept_id]
    verdict = history[-1] if history else None
    brand = _brand(session, concept.brand_version)
    findings = list(verdict.findings) if verdict else []
    by_field: dict[str, list[tuple[int, int, int, str]]] = {}
    shown: set[int] = set()
    for i, f in enumerate(findings):
        if f.field and f.span:
            by_field.setdefault(f.field, []).append((f.span[0], f.span[1], i, f.severity))
    copy: dict[str, list[FieldView]] = {}
    editable = editable_fields(concept.draft) if concept.draft else {}
    for tf in text_fields(concept.draft) if concept.draft else []:
        if not tf.audience:
            continue
        group = ("hooks" if tf.path.startswith("hooks") else
                 next((p for p in PLATFORM_ORDER if tf.path.startswith(f"copy.{p}")), "script & brief"))
        spans = by_field.get(tf.path, [])
        shown.update(i for _, _, i, _ in spans)
        if group == "script & brief" and not spans:
            continue        # scripts and briefs are long: shown only where a finding points
        copy.setdefault(group, []).append(FieldView(tf.path, _label(tf.path), tf.text, segments(tf.text, spans),
                                                    tf.path in editable))
    claims = {c.id: c for c in (brand.claims if brand else [])}
    used = [{"id": cid, "statement": claims[cid].statement if cid in claims else "(not in this brand version)"}
            for cid in (concept.draft.claims_used if concept.draft else [])]
    generated = session.scalars(select(AuditEventRow.payload).where(
        AuditEventRow.subject == concept_id, AuditEventRow.kind == kinds.CONCEPT_GENERATED)
        .order_by(AuditEventRow.seq)).all()
    templates = sorted({str(p.get("template")) for p in generated if isinstance(p, dict) and p.get("template")})
    segment_label = concept.segment_id
    if brand:
        segment_label = next((s.label for s in brand.segments if s.id == concept.segment_id), concept.segment_id)
    return ItemContext(
        item=item, concept=concept, brand=brand, verdict=verdict, segment_label=segment_label, findings=findings,
        copy={k: copy[k] for k in ("hooks", *PLATFORM_ORDER, "script & brief") if k in copy},
        fit={k: v for k, v in (verdict.scores if verdict else {}).items() if k.startswith("fit") or k == "risk"},
        claims_used=used, claims_missing=[f for f in findings if f.rule_id.startswith("claims.")],
        rego=[f for f in findings if f.pack.startswith("rego")],
        provenance={"writer": concept.writer_id, "templates": templates, "checks": verdict.checks if verdict else {},
                    "brand_version": concept.brand_version, "run": item.run_id, "attempt": concept.attempt},
        assets=[a for a in (_run_assets(session, item.run_id) if item.run_id else []) if a.concept_id == concept_id],
        decisions=review_store.decisions_for(session, concept_id),
        similar=review_store.count_group(session, item.group_key, exclude=concept_id),
        other_findings=[(i, f) for i, f in enumerate(findings) if i not in shown])


@dataclass(frozen=True)
class GroupMember:
    """One row of the near-identical items page: what a reviewer compares before deciding them together."""

    item: ReviewItemRow
    concept: Concept
    segment_label: str
    findings: list[Finding]          # the latest verdict's, gravest first as stored
    first_copy: str                  # the first platform copy a person reads (Meta, else Google, else TikTok)


_BATCH = 500


def group_context(session: Session, key: str) -> list[GroupMember]:
    """Every open item of a group with what its row shows, in a handful of queries whatever the group's size
    (a page of item contexts cost eight queries per member)."""
    members = review_store.group_members(session, key)
    ids = [m.concept_id for m in members]
    payloads: dict[str, Any] = {}
    verdicts: dict[str, list[Verdict]] = {}
    for i in range(0, len(ids), _BATCH):
        chunk = ids[i:i + _BATCH]
        payloads.update((cid, payload) for cid, payload in
                        session.execute(select(ConceptRow.id, ConceptRow.payload).where(ConceptRow.id.in_(chunk))))
        verdicts.update(verdicts_for(session, chunk))
    out = []
    for item in members:
        if item.concept_id not in payloads:
            continue
        concept = Concept.model_validate(payloads[item.concept_id])
        brand = _brand(session, concept.brand_version)
        label = next((s.label for s in brand.segments if s.id == concept.segment_id), concept.segment_id) \
            if brand else concept.segment_id
        history = verdicts.get(item.concept_id) or []
        shown = [tf for tf in (text_fields(concept.draft) if concept.draft else []) if tf.audience]
        first = next((tf.text for p in PLATFORM_ORDER for tf in shown if tf.path.startswith(f"copy.{p}")), "")
        out.append(GroupMember(item, concept, label, list(history[-1].findings) if history else [], first))
    return out
