"""The review queue and human decisions: plain query functions.

A concept's ``status`` is the one thing that says whether it ships (``exports.common.shippable`` reads it),
so a decision lands there: ``apply_decision`` is the only place after governance that changes it. The
queue (``review_items``) is a risk-ordered index over concepts the governor routed to review, filled when
a run finishes (``queue_run``, by whichever process finishes it) and backfilled by ``sync_queue``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from adloom.errors import Conflict, NotFound
from adloom.store.tables import ConceptRow, ReviewDecisionRow, ReviewItemRow, RunConceptRow, RunRow, VerdictRow
from adloom.types import Concept, Verdict

__all__ = ["DECISIONS", "STATES", "QueueFilters", "QueuePage", "apply_decision", "decisions_for", "get_item",
           "group_key", "last_queued_at", "queue_page", "queue_run", "shippable_concept_ids", "sync_queue"]

DECISIONS = ("approve", "reject", "edit", "escalate")
STATES = ("pending", "escalated", "approved", "rejected")
OPEN_STATES = ("pending", "escalated")


def _now() -> datetime:
    return datetime.now(UTC)


def group_key(concept: Concept, verdict: Verdict | None) -> str:
    """Items a reviewer can decide together: the same angle, flagged for the same rules on the same words."""
    flagged = sorted({(f.rule_id, f.excerpt.strip().lower()) for f in (verdict.findings if verdict else [])
                      if f.severity != "warn"})
    return hashlib.sha256(repr((concept.angle.id, flagged)).encode()).hexdigest()[:32]


def platforms_of(concept: Concept) -> str:
    found = sorted({c.platform for c in (concept.draft.copy_variants if concept.draft else [])})
    return "," + ",".join(found) + ","


def _latest_verdicts(session: Session, concept_ids: Sequence[str]) -> dict[str, Verdict]:
    out: dict[str, Verdict] = {}
    rows = session.execute(select(VerdictRow.concept_id, VerdictRow.payload)
                           .where(VerdictRow.concept_id.in_(list(concept_ids)))
                           .order_by(VerdictRow.attempt, VerdictRow.id))
    for cid, payload in rows:
        out[cid] = Verdict.model_validate(payload)
    return out


def _latest_runs(session: Session, concept_ids: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    rows = session.execute(select(RunConceptRow.concept_id, RunConceptRow.run_id)
                           .join(RunRow, RunRow.id == RunConceptRow.run_id)
                           .where(RunConceptRow.concept_id.in_(list(concept_ids))).order_by(RunRow.started_at))
    for cid, run_id in rows:
        out[cid] = run_id
    return out


def queue_run(session: Session, run_id: str, concept_ids: Sequence[str]) -> int:
    """Queue a finished run's concepts routed to review (in the run's closing transaction): how the desk
    learns of new work, at a cost proportional to the run rather than the store. Returns how many were added."""
    ids = session.scalars(select(ConceptRow.id).outerjoin(ReviewItemRow, ReviewItemRow.concept_id == ConceptRow.id)
                          .where(ConceptRow.id.in_(list(concept_ids)), ConceptRow.status == "review",
                                 ReviewItemRow.concept_id.is_(None))).all()
    return _queue(session, ids, {cid: run_id for cid in ids}, queued_at=_now()) if ids else 0


def sync_queue(session: Session, batch: int = 500) -> int:
    """Queue every concept routed to review that is not queued yet; returns how many were added. A backfill
    for what ``queue_run`` never saw (a run killed before it finished, a store from before it existed): it
    scans every review concept, 0.14-0.19 s with a million concepts, so the desk runs it at start and then
    every few minutes, never per request."""
    added = 0
    while True:
        ids = session.scalars(select(ConceptRow.id).outerjoin(ReviewItemRow, ReviewItemRow.concept_id == ConceptRow.id)
                              .where(ConceptRow.status == "review", ReviewItemRow.concept_id.is_(None))
                              .limit(batch)).all()
        if not ids:
            return added
        added += _queue(session, ids, _latest_runs(session, ids))


def _queue(session: Session, ids: Sequence[str], runs: dict[str, str], queued_at: datetime | None = None) -> int:
    verdicts = _latest_verdicts(session, ids)
    added = 0
    for row in session.scalars(select(ConceptRow).where(ConceptRow.id.in_(list(ids)))):
        concept = Concept.model_validate(row.payload)
        verdict = verdicts.get(row.id)
        session.add(ReviewItemRow(
            concept_id=row.id, brand_slug=row.brand_slug, run_id=runs.get(row.id), angle_id=row.angle_id,
            segment_id=row.segment_id, platforms=platforms_of(concept),
            risk=float(verdict.scores.get("risk", 0.0)) if verdict else 0.0, state="pending",
            group_key=group_key(concept, verdict), queued_at=queued_at or row.created_at or _now()))
        added += 1
    session.flush()
    return added


# Queue order and its keyset: both columns descending, so "after this item" is one row-value comparison an
# index on (state, risk, concept_id) answers by scanning backwards from the item (an OR of "lower risk, or
# same risk and a later id" in mixed directions made PostgreSQL sort the whole 100,000-item queue).
_position = tuple_(ReviewItemRow.risk, ReviewItemRow.concept_id)
_QUEUE_ORDER = (ReviewItemRow.risk.desc(), ReviewItemRow.concept_id.desc())


@dataclass(frozen=True)
class QueueFilters:
    brand: str | None = None
    run: str | None = None
    state: str | None = "pending"      # the desk's "route" filter: pending | escalated | approved | rejected
    platform: str | None = None
    angle: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class QueuePage:
    items: list[ReviewItemRow]
    next_cursor: str | None            # "risk:concept_id" of the last item, for keyset paging
    total: int


def _filtered(query: Any, f: QueueFilters) -> Any:
    if f.state:
        query = query.where(ReviewItemRow.state == f.state)
    if f.brand:
        query = query.where(ReviewItemRow.brand_slug == f.brand)
    if f.angle:
        query = query.where(ReviewItemRow.angle_id == f.angle)
    if f.group:
        query = query.where(ReviewItemRow.group_key == f.group)
    if f.platform:
        query = query.where(ReviewItemRow.platforms.contains(f",{f.platform},"))
    if f.run:
        linked = select(RunConceptRow.concept_id).where(RunConceptRow.run_id == f.run)
        query = query.where(ReviewItemRow.concept_id.in_(linked))
    return query


def queue_page(session: Session, filters: QueueFilters, *, limit: int = 50, cursor: str | None = None,
               count: bool = True) -> QueuePage:
    """Highest risk first (ties by concept id, descending), keyset-paged so page 200 costs what page 1 does."""
    query = _filtered(select(ReviewItemRow), filters)
    if cursor:
        risk_text, _, after_id = cursor.partition(":")
        query = query.where(_position < tuple_(float(risk_text), after_id))
    rows = list(session.scalars(query.order_by(*_QUEUE_ORDER).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    total = count_queue(session, filters) if count else -1
    nxt = f"{rows[-1].risk!r}:{rows[-1].concept_id}" if more and rows else None
    return QueuePage(rows, nxt, int(total or 0))


def count_queue(session: Session, filters: QueueFilters) -> int:
    return int(session.scalar(_filtered(select(func.count()).select_from(ReviewItemRow), filters)) or 0)


def last_decision_id(session: Session) -> int:
    """The newest decision's id (0 for none): a cheap sign that queue counts may have changed."""
    return int(session.scalar(select(func.max(ReviewDecisionRow.id))) or 0)


def last_queued_at(session: Session) -> datetime | None:
    """When the newest item was queued (an index lookup): the other cheap sign, for items other processes add."""
    return session.scalar(select(func.max(ReviewItemRow.queued_at)))


def neighbours(session: Session, item: ReviewItemRow, filters: QueueFilters) -> tuple[str | None, str | None]:
    """The items before and after ``item`` in queue order (j/k on the item page)."""
    base = _filtered(select(ReviewItemRow.concept_id), filters)
    here = tuple_(item.risk, item.concept_id)
    nxt = session.scalar(base.where(_position < here).order_by(*_QUEUE_ORDER).limit(1))
    prev = session.scalar(base.where(_position > here).order_by(ReviewItemRow.risk, ReviewItemRow.concept_id).limit(1))
    return prev, nxt


def get_item(session: Session, concept_id: str, *, lock: bool = False) -> ReviewItemRow:
    query = select(ReviewItemRow).where(ReviewItemRow.concept_id == concept_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"concept '{concept_id}' is not in the review queue")
    return row


def group_members(session: Session, key: str, states: Sequence[str] = OPEN_STATES) -> list[ReviewItemRow]:
    return list(session.scalars(select(ReviewItemRow).where(ReviewItemRow.group_key == key,
                                                             ReviewItemRow.state.in_(list(states)))
                                .order_by(*_QUEUE_ORDER)))


def count_group(session: Session, key: str, *, exclude: str) -> int:
    """Other open items with the same group key."""
    return int(session.scalar(select(func.count()).select_from(ReviewItemRow).where(
        ReviewItemRow.group_key == key, ReviewItemRow.state.in_(list(OPEN_STATES)),
        ReviewItemRow.concept_id != exclude)) or 0)


def apply_decision(session: Session, item: ReviewItemRow, *, reviewer: str, decision: str, rationale: str,
                   seconds: float | None, phrase: str | None = None, concept: Concept | None = None,
                   before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                   locked: ConceptRow | None = None) -> ReviewDecisionRow:
    """Record one decision and land it on the concept (the status every export reads).

    ``concept``: the concept as it now stands (an edit passes the re-governed one; its status says whether
    the edit was approved or still needs a look). approve -> approved; reject -> rejected; escalate ->
    stays in review for an admin.
    """
    if item.state not in OPEN_STATES:
        raise Conflict(f"concept '{item.concept_id}' was already {item.state} by {item.decided_by}")
    # ``locked``: the concept row the caller already read FOR UPDATE (saves reading it again)
    row = locked if locked is not None else session.get(ConceptRow, item.concept_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no concept '{item.concept_id}'")
    now = _now()
    if concept is not None:          # an edit: the re-governed concept replaces the stored one
        row.status, row.attempts, row.payload = concept.status, concept.attempt, concept.model_dump(mode="json")
    if decision in ("approve", "reject"):
        status = "approved" if decision == "approve" else "rejected"
        row.status, row.payload = status, {**row.payload, "status": status}   # the payload stays a valid Concept
        item.state, item.decided_at, item.decided_by = status, now, reviewer
    elif decision == "escalate":
        item.state = "escalated"
    elif decision == "edit" and row.status == "approved":
        item.state, item.decided_at, item.decided_by = "approved", now, reviewer
    record = ReviewDecisionRow(concept_id=item.concept_id, reviewer=reviewer, decision=decision,
                               rationale=rationale, phrase=phrase or None, seconds=seconds,
                               queued_at=item.queued_at, created_at=now, before=before, after=after)
    session.add(record)
    return record


def decisions_for(session: Session, concept_id: str) -> list[ReviewDecisionRow]:
    return list(session.scalars(select(ReviewDecisionRow).where(ReviewDecisionRow.concept_id == concept_id)
                                .order_by(ReviewDecisionRow.id)))


def recent_decisions(session: Session, *, limit: int = 50, offset: int = 0,
                     reviewer: str | None = None) -> list[ReviewDecisionRow]:
    query = select(ReviewDecisionRow)
    if reviewer:
        query = query.where(ReviewDecisionRow.reviewer == reviewer)
    return list(session.scalars(query.order_by(ReviewDecisionRow.id.desc()).limit(limit).offset(offset)))


def shippable_concept_ids(session: Session, run_id: str) -> list[str]:
    """The run's concepts that may ship, in run order: approved by governance or by a reviewer (rejected
    and still-pending ones never). Same rule as ``exports.common.shippable``, read from the store."""
    return list(session.scalars(select(ConceptRow.id).join(RunConceptRow, RunConceptRow.concept_id == ConceptRow.id)
                                .where(RunConceptRow.run_id == run_id, ConceptRow.status == "approved")
                                .order_by(RunConceptRow.position)))
