"""Lineage: the decision path of one ad, from brand inputs to export, read back from the audit log.

A reference is resolved to concept ids — a concept id or unique prefix (8+ hex), an ad name (naming
convention), an asset id, or a file (its SHA-256 matched against rendered assets and written exports) —
then that concept's events and its brand version's events are gathered with indexed lookups.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import kinds
from adloom.audit.chain import event_hash, payload_hash
from adloom.errors import InputError, NotFound
from adloom.naming import parse_ad_name

ResolvedBy = Literal["concept_id", "concept_prefix", "ad_name", "asset_id", "file"]
_HEX = re.compile(r"[0-9a-f]+")
_SELECT = "SELECT seq, ts, kind, subject, actor, payload, payload_hash, prev_hash, hash FROM audit_events"


class LineageEvent(BaseModel):
    seq: int
    ts: str
    kind: str
    subject: str
    actor: str
    payload: dict[str, Any] | None
    hash: str
    intact: bool          # its own hash (and payload hash, unless pruned) recompute


class Lineage(BaseModel):
    ref: str
    resolved_by: ResolvedBy
    concept_id: str
    brand_version: str | None = None
    documents: list[dict[str, Any]] = []
    generation: list[dict[str, Any]] = []     # writer, model, template@version, params, cache hit
    verdicts: list[dict[str, Any]] = []       # attempt, route, rule pack versions, rules fired
    approvals: list[dict[str, Any]] = []      # who approved what: claims, reviews
    assets: list[dict[str, Any]] = []
    exports: list[dict[str, Any]] = []
    performance: list[dict[str, Any]] = []    # imported performance files that carried this concept's ads
    deployments: list[dict[str, Any]] = []    # objects created on ad platforms (adloom deploy), with their ids
    events: list[LineageEvent] = []

    def to_text(self) -> str:
        return render_text(self)


def lineages(factory: sessionmaker[Session], ref: str) -> list[Lineage]:
    """Every concept ``ref`` leads to (an export file can hold many ads)."""
    with factory() as session:
        concept_ids, how = resolve(session, ref)
        return [_gather(session, ref, how, concept_id) for concept_id in concept_ids]


def lineage(factory: sessionmaker[Session], ref: str) -> Lineage:
    """The lineage of the one concept ``ref`` names; ambiguous references are an error."""
    return lineage_of_each(factory, [ref])[ref]


def lineage_of_each(factory: sessionmaker[Session], refs: Sequence[str]) -> dict[str, Lineage]:
    """``lineage`` of each of ``refs``, read in one session: the events they share (their brand version's,
    with its document list) are read and checked once, not once per concept."""
    shared: dict[str, list[LineageEvent]] = {}
    out: dict[str, Lineage] = {}
    with factory() as session:
        for ref in refs:
            concept_ids, how = resolve(session, ref)
            if len(concept_ids) > 1:
                raise InputError(f"'{ref}' leads to {len(concept_ids)} concepts "
                                 f"({', '.join(concept_ids[:5])}{', …' if len(concept_ids) > 5 else ''})")
            out[ref] = _gather(session, ref, how, concept_ids[0], shared)
    return out


def resolve(session: Session, ref: str) -> tuple[list[str], ResolvedBy]:
    ref = ref.strip()
    if not ref:
        raise InputError("give a concept id, asset id, ad name or file")
    if ref.startswith("adl_"):
        return _by_prefix(session, parse_ad_name(ref).concept, ref), "ad_name"
    path = Path(ref)
    if path.is_file():
        return _by_file(session, path), "file"
    if _exists(session, ref, kinds.CONCEPT_GENERATED):
        return [ref], "concept_id"
    by_asset = _json_lookup(session, "asset_id", ref)
    if by_asset:
        return _unique(r.get("concept_id") or subject for subject, r in by_asset), "asset_id"
    if _HEX.fullmatch(ref) and len(ref) >= 8:
        return _by_prefix(session, ref, ref), "concept_prefix"
    if "/" in ref or "\\" in ref or path.suffix:
        raise NotFound(f"file '{ref}' does not exist")
    hint = " (a concept id prefix needs at least 8 hex characters)" if _HEX.fullmatch(ref) else ""
    raise NotFound(f"no concept, asset, ad name or file '{ref}' in the audit log{hint}")


def _exists(session: Session, subject: str, kind: str) -> bool:
    # "kind || ''" keeps planners (SQLite without ANALYZE) on the selective subject index, not on kind.
    found = session.execute(text("SELECT 1 FROM audit_events WHERE subject = :s AND kind || '' = :k LIMIT 1"),
                            {"s": subject, "k": kind}).first()
    return found is not None


def _by_prefix(session: Session, prefix: str, ref: str) -> list[str]:
    # A range on the subject index ('g' sorts after every hex digit), so a prefix stays an index seek.
    rows = session.execute(text("SELECT DISTINCT subject FROM audit_events WHERE subject >= :lo "
                                "AND subject < :hi AND kind || '' = :k ORDER BY subject LIMIT 20"),
                           {"lo": prefix, "hi": prefix + "g", "k": kinds.CONCEPT_GENERATED}).scalars().all()
    if not rows:
        raise NotFound(f"no concept with id starting '{prefix}' in the audit log (from '{ref}')")
    if len(rows) > 1:
        raise InputError(f"'{prefix}' is ambiguous: {len(rows)} concepts start with it "
                         f"({', '.join(rows[:5])}); give more characters")
    return [str(rows[0])]


def _json_lookup(session: Session, key: str, value: str) -> list[tuple[str, dict[str, Any]]]:
    """Events whose payload has ``key == value``, through the expression indexes of migration 0002."""
    expr = (f"(payload->>'{key}')" if session.connection().dialect.name == "postgresql"
            else f"json_extract(payload, '$.{key}')")
    rows = session.execute(text(f"SELECT subject, kind, payload FROM audit_events WHERE {expr} = :v "
                                "ORDER BY seq"), {"v": value}).all()
    return [(str(subject), {**_as_dict(payload), "_kind": kind}) for subject, kind, payload in rows]


def _by_file(session: Session, path: Path) -> list[str]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    found: list[str] = []
    for subject, payload in _json_lookup(session, "sha256", digest):
        if payload["_kind"] == kinds.EXPORT_WRITTEN:
            found.extend(str(ad.get("concept_id")) for ad in payload.get("ads", []) if ad.get("concept_id"))
        else:
            found.append(str(payload.get("concept_id") or subject))
    if not found:
        raise NotFound(f"file '{path}' (sha256 {digest[:16]}) was not rendered or exported by adloom, "
                       "or was changed since")
    return _unique(found)


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values))


def _as_dict(payload: Any) -> dict[str, Any]:
    if isinstance(payload, str):           # SQLite hands raw JSON text to a text() query
        payload = json.loads(payload)
    return payload if isinstance(payload, dict) else {}


def _events(session: Session, where: str, params: dict[str, Any]) -> list[LineageEvent]:
    out = []
    for seq, ts, kind, subject, actor, payload, p_hash, prev, e_hash in session.execute(
            text(f"{_SELECT} WHERE {where} ORDER BY seq"), params):
        body = None if payload is None else _as_dict(payload)
        intact = (event_hash(seq, ts, kind, subject, actor, p_hash, prev) == e_hash
                  and (body is None or payload_hash(body) == p_hash))
        out.append(LineageEvent(seq=seq, ts=ts, kind=kind, subject=subject, actor=actor, payload=body,
                                hash=e_hash, intact=intact))
    return out


def _gather(session: Session, ref: str, how: ResolvedBy, concept_id: str,
            shared: dict[str, list[LineageEvent]] | None = None) -> Lineage:
    events = _events(session, "subject = :s", {"s": concept_id})
    if not events:
        raise NotFound(f"concept '{concept_id}' (from '{ref}') has no events in the audit log")
    generated = [e.payload or {} for e in events if e.kind == kinds.CONCEPT_GENERATED]
    brand_version = next((str(p["brand_version"]) for p in reversed(generated) if p.get("brand_version")),
                         None)
    if brand_version:
        shared = {} if shared is None else shared
        if brand_version not in shared:
            shared[brand_version] = _events(session, "subject = :s", {"s": brand_version})
        events += shared[brand_version]
    # No index reaches into the ads array, so scan export events as text — only those after the
    # concept's first event, since nothing can export a concept before it exists.
    cast = "CAST(payload AS TEXT)"
    exports = [e for e in _events(session, f"kind IN (:k, :p, :d) AND seq > :first AND {cast} LIKE :pat",
                                  {"k": kinds.EXPORT_WRITTEN, "p": kinds.PERFORMANCE_IMPORTED,
                                   "d": kinds.DEPLOY_STARTED, "first": events[0].seq, "pat": f"%{concept_id}%"})
               if any(ad.get("concept_id") == concept_id for ad in (e.payload or {}).get("ads", []))]
    events = sorted({e.seq: e for e in events + exports}.values(), key=lambda e: e.seq)
    return _summarise(Lineage(ref=ref, resolved_by=how, concept_id=concept_id, brand_version=brand_version,
                              events=events))


def _summarise(lin: Lineage) -> Lineage:
    for e in lin.events:
        p = e.payload or {}
        if e.kind == kinds.BRAND_VERSION_CREATED:       # a rerun may record the same version again
            known = {d.get("id") for d in lin.documents}
            lin.documents.extend(d for d in p.get("documents", []) if d.get("id") not in known)
        elif e.kind == kinds.CONCEPT_GENERATED:
            lin.generation.append({k: p.get(k) for k in ("attempt", "writer", "template", "params",
                                                          "cache_hit", "angle", "segment")})
        elif e.kind == kinds.VERDICT_RECORDED:
            fired = [f"{f.get('rule_id')} ({f.get('pack')}, {f.get('severity')})"
                     for f in p.get("findings", [])]
            lin.verdicts.append({"attempt": p.get("attempt"), "route": p.get("route"),
                                 "checks": p.get("checks", {}), "rules_fired": fired,
                                 "scores": p.get("scores")})
        elif e.kind in (kinds.BRAND_CLAIM_APPROVED, kinds.REVIEW_DECIDED):
            lin.approvals.append({"kind": e.kind, "by": e.actor, "ts": e.ts,
                                  **{k: p[k] for k in ("claim", "decision", "rationale", "seconds") if k in p}})
        elif e.kind == kinds.ASSET_RENDERED:
            lin.assets.append({k: p.get(k) for k in ("asset_id", "path", "sha256")})
        elif e.kind == kinds.PERFORMANCE_IMPORTED:
            ads = [a.get("ad_name") for a in p.get("ads", []) if a.get("concept_id") == lin.concept_id]
            lin.performance.append({k: p.get(k) for k in ("file", "sha256", "platform", "from", "to")} | {"ads": ads})
        elif e.kind == kinds.DEPLOY_STARTED:          # the campaign the concept's ads went into
            lin.deployments.append({"level": "deploy", "platform": p.get("platform"), "account": p.get("account"),
                                    "name": p.get("campaign"), "platform_id": p.get("campaign_id"), "ts": e.ts,
                                    "by": e.actor, "created": None})
        elif e.kind == kinds.DEPLOY_OBJECT:
            lin.deployments.append({k: p.get(k) for k in ("level", "platform", "account", "name", "platform_id",
                                                          "created")} | {"ts": e.ts, "by": e.actor})
        elif e.kind == kinds.DEPLOY_REJECTED:
            lin.deployments.append({"level": "rejected", "platform": p.get("platform"), "account": p.get("account"),
                                    "name": p.get("ad_name"), "platform_id": None, "reason": p.get("reason"),
                                    "ts": e.ts, "by": e.actor, "created": False})
        elif e.kind == kinds.EXPORT_WRITTEN:
            ads = [a.get("ad_name") for a in p.get("ads", []) if a.get("concept_id") == lin.concept_id]
            lin.exports.append({"file": p.get("file"), "sha256": p.get("sha256"), "ads": ads,
                                "run": e.subject})
    return lin


def render_text(lin: Lineage) -> str:
    lines = [f"lineage of concept {lin.concept_id} (from {lin.resolved_by} '{lin.ref}')"]
    lines.append(f"  brand version: {lin.brand_version or 'unknown'}")
    for doc in lin.documents:
        where = ":".join(str(doc[k]) for k in ("file", "line") if doc.get(k))
        section = doc.get("section") or ""
        lines.append(f"    document {doc.get('id')} [{doc.get('kind')}] {where} {section}".rstrip())
    for gen in lin.generation:
        hit = " (cache hit)" if gen.get("cache_hit") else ""
        lines.append(f"  generated (attempt {gen.get('attempt')}): writer {gen.get('writer')}, "
                     f"template {gen.get('template')}, params {gen.get('params')}{hit}")
    for ver in lin.verdicts:
        checks = ", ".join(f"{k}={v}" for k, v in ver["checks"].items()) or "-"
        lines.append(f"  verdict (attempt {ver['attempt']}): {ver['route']}; checks {checks}")
        lines.extend(f"    rule fired: {rule}" for rule in ver["rules_fired"])
    for app in lin.approvals:
        what = app.get("decision") or app.get("claim") or ""
        if app.get("rationale"):           # a reviewer's reason (review.decided)
            what += f": {app['rationale']}"
        lines.append(f"  {app['kind']} by {app['by']} at {app['ts']} {what}".rstrip())
    for asset in lin.assets:
        lines.append(f"  asset {asset['asset_id']}: {asset['path']} sha256 {str(asset['sha256'])[:16]}")
    for perf in lin.performance:
        lines.append(f"  performance imported from {perf['file']} ({perf['platform']}, {perf['from']} .. {perf['to']}, "
                     f"sha256 {str(perf['sha256'])[:16]}): {', '.join(map(str, perf['ads']))}")
    for exp in lin.exports:
        lines.append(f"  export {exp['file']} (run {exp['run']}): {', '.join(map(str, exp['ads']))}")
    for dep in lin.deployments:
        if dep["level"] == "deploy":
            lines.append(f"  deployed to {dep['platform']} account {dep['account']} by {dep['by']} at {dep['ts']}: "
                         f"campaign '{dep['name']}'")
        elif dep["level"] == "rejected":
            lines.append(f"  {dep['platform']} rejected {dep['name']}: {dep.get('reason')}")
        else:
            how = "created" if dep.get("created") else "found"
            lines.append(f"  {dep['platform']} {dep['level']} {dep['name']} id {dep['platform_id']} ({how}, "
                         f"account {dep['account']})")
    lines.append(f"  events ({len(lin.events)}):")
    for e in lin.events:
        flag = "" if e.intact else "   <-- DOES NOT VERIFY"
        lines.append(f"    #{e.seq} {e.ts} {e.kind} by {e.actor}{flag}")
    return "\n".join(lines)
