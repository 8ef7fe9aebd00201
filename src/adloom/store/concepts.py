"""Plain query functions for concepts, their verdicts and the runs that produced them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.audit.seal import check_concept_payloads, seal_concept
from adloom.errors import ConfigError, InputError, NotFound
from adloom.store.tables import ConceptRow, RunConceptRow, RunRow, VerdictRow
from adloom.store.upsert import insert_new
from adloom.types import Concept, RunSummary, Verdict, sha256_file


def now() -> datetime:
    return datetime.now(UTC)


def get_concept(session: Session, concept_id: str) -> Concept | None:
    """The stored concept, checked against its seal in the audit chain (``ContentMismatch`` if edited)."""
    row = session.get(ConceptRow, concept_id)
    if row is None:
        return None
    check_concept_payloads(session, [row.payload])
    return Concept.model_validate(row.payload)


def find_concept(session: Session, ident: str) -> Concept:
    """By full id or a unique prefix of at least 6 characters."""
    if len(ident) < 6:
        raise InputError(f"concept id '{ident}' is too short: give at least 6 characters")
    rows = session.scalars(select(ConceptRow).where(ConceptRow.id.startswith(ident)).limit(2)).all()
    if not rows:
        raise NotFound(f"no concept with id '{ident}'")
    if len(rows) > 1:
        raise InputError(f"concept id prefix '{ident}' is ambiguous")
    return Concept.model_validate(rows[0].payload)


def save_concept(session: Session, concept: Concept, verdicts: Sequence[Verdict]) -> None:
    """Store a finished concept and every verdict on the way to it, in the caller's transaction."""
    payload = concept.model_dump(mode="json")
    row = session.get(ConceptRow, concept.id)
    # concepts are content-addressed: two runs of the same inputs at once make the same row, and the one that
    # inserts second updates instead of failing on the unique key (INSERT ... ON CONFLICT DO NOTHING)
    if row is None and not insert_new(session, ConceptRow, [dict(
            id=concept.id, brand_slug=concept.brand_slug, brand_version=concept.brand_version,
            angle_id=concept.angle.id, segment_id=concept.segment_id, writer_id=concept.writer_id,
            status=concept.status, attempts=concept.attempt, created_at=concept.created_at or now(),
            payload=payload)]):
        row = session.get(ConceptRow, concept.id)
    if row is not None:
        row.status, row.attempts, row.payload = concept.status, concept.attempt, payload
    seal_concept(session, concept.id, payload)
    for verdict in verdicts:
        session.add(VerdictRow(concept_id=verdict.concept_id, attempt=verdict.attempt, route=verdict.route,
                               created_at=verdict.created_at or now(),
                               payload=verdict.model_dump(mode="json")))


def verdicts_for(session: Session, concept_ids: Sequence[str]) -> dict[str, list[Verdict]]:
    out: dict[str, list[Verdict]] = {cid: [] for cid in concept_ids}
    rows = session.scalars(select(VerdictRow).where(VerdictRow.concept_id.in_(list(concept_ids)))
                           .order_by(VerdictRow.concept_id, VerdictRow.attempt, VerdictRow.id))
    for row in rows:
        out[row.concept_id].append(Verdict.model_validate(row.payload))
    return out


def start_run(session: Session, summary: RunSummary, out_dir: str) -> None:
    session.add(RunRow(id=summary.run_id, brand_slug=summary.brand_slug, brand_version=summary.brand_version,
                       status="running", started_at=summary.started_at, finished_at=None, out_dir=out_dir,
                       summary=summary.model_dump(mode="json")))


def finish_run(session: Session, summary: RunSummary, concept_ids: Sequence[str], reused: set[str],
               status: str = "done") -> None:
    row = session.get(RunRow, summary.run_id)
    if row is None:
        raise NotFound(f"no run '{summary.run_id}'")
    row.status, row.finished_at = status, summary.finished_at or now()
    row.summary = summary.model_dump(mode="json")
    # one query for the rows already there (a merge per concept would be a query each)
    rows = {r.concept_id: r for r in session.scalars(select(RunConceptRow)
                                                     .where(RunConceptRow.run_id == summary.run_id))}
    for position, cid in enumerate(concept_ids):
        link = rows.get(cid)
        if link is None:
            link = rows[cid] = RunConceptRow(run_id=summary.run_id, concept_id=cid)
            session.add(link)
        link.position, link.reused = position, int(cid in reused)


def latest_run(session: Session, brand_slug: str | None = None) -> RunRow | None:
    query = select(RunRow).where(RunRow.status == "done")
    if brand_slug:
        query = query.where(RunRow.brand_slug == brand_slug)
    return session.scalars(query.order_by(RunRow.started_at.desc()).limit(1)).first()


def get_run(session: Session, run_id: str) -> RunRow:
    row = session.get(RunRow, run_id)
    if row is None:
        raise NotFound(f"no run '{run_id}'")
    return row


def run_or_latest(session: Session, run_id: str | None) -> RunRow:
    """The named run, or the latest finished one; a clear error when the project has none yet."""
    row = get_run(session, run_id) if run_id else latest_run(session)
    if row is None:
        raise ConfigError("no finished run in this project yet: run `adloom run FOLDER` first")
    return row


def run_concepts(session: Session, run_id: str) -> list[Concept]:
    rows = session.execute(
        select(ConceptRow.payload).join(RunConceptRow, RunConceptRow.concept_id == ConceptRow.id)
        .where(RunConceptRow.run_id == run_id).order_by(RunConceptRow.position))
    payloads = [payload for (payload,) in rows]
    check_concept_payloads(session, payloads)       # what export and reuse read is what the chain sealed
    return [Concept.model_validate(payload) for payload in payloads]


def update_concept_payload(session: Session, concept: Concept) -> None:
    row = session.get(ConceptRow, concept.id)
    if row is not None:
        row.payload = concept.model_dump(mode="json")
        seal_concept(session, concept.id, row.payload)


def reusable_run(session: Session, brand_slug: str, fingerprint: str) -> RunSummary | None:
    """The latest finished run with this fingerprint whose output files are all still there, unmodified."""
    rows = session.scalars(select(RunRow).where(RunRow.brand_slug == brand_slug, RunRow.status == "done")
                           .order_by(RunRow.started_at.desc()).limit(20))
    for row in rows:
        summary = RunSummary.model_validate(row.summary)
        if summary.fingerprint != fingerprint or not summary.output_hashes:
            continue
        if summary.by_status.get("failed"):     # a failed unit is never a result: the rerun retries it
            continue
        if all(_unchanged(Path(summary.outputs.get(name, "")), digest)
               for name, digest in summary.output_hashes.items()):
            return summary
    return None


def _unchanged(path: Path, digest: str) -> bool:
    return path.is_file() and sha256_file(path) == digest


def finished_runs(session: Session, brand_slug: str | None = None, limit: int = 50) -> list[RunSummary]:
    """Finished runs, oldest first (the last ``limit`` of them)."""
    query = select(RunRow).where(RunRow.status == "done")
    if brand_slug:
        query = query.where(RunRow.brand_slug == brand_slug)
    rows = session.scalars(query.order_by(RunRow.started_at.desc()).limit(limit)).all()
    return [RunSummary.model_validate(r.summary) for r in reversed(rows)]
