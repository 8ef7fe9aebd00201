"""A run's units of work as the queue sees them (``run_units``): planned, sent, started, finished.

The worker writes a unit's outcome in the same transaction as its results, so a unit marked done has its
concept, call rows and audit events stored, and one not marked done has none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.store.tables import RunUnitRow
from adloom.store.upsert import insert_new

FINAL = ("done", "failed")


def now() -> datetime:
    return datetime.now(UTC)


def plan(session: Session, run_id: str, kind: str, units: Sequence[str]) -> None:
    """Record a run's units before any is sent, so its total is known from the start (``runs status``)."""
    insert_new(session, RunUnitRow, [dict(run_id=run_id, kind=kind, unit=unit, key="", status="waiting",
                                          deliveries=0, sends=0) for unit in units])


def sent(session: Session, run_id: str, kind: str, unit: str, key: str) -> None:
    insert_new(session, RunUnitRow, [dict(run_id=run_id, kind=kind, unit=unit, key=key, status="waiting",
                                          deliveries=0, sends=0)])
    row = session.get(RunUnitRow, (run_id, kind, unit), with_for_update=True)
    assert row is not None
    row.key, row.sends, row.queued_at = key, row.sends + 1, row.queued_at or now()
    if row.status in ("waiting", "failed"):     # a failed unit sent again (the run resumed) is tried again
        row.status, row.error = "queued", None


def started(session: Session, run_id: str, kind: str, unit: str, key: str, worker: str) -> RunUnitRow:
    """Count a delivery; the row as it now stands (``status`` done: an earlier delivery finished it)."""
    insert_new(session, RunUnitRow, [dict(run_id=run_id, kind=kind, unit=unit, key=key, status="queued",
                                          deliveries=0, sends=0)])
    row = session.get(RunUnitRow, (run_id, kind, unit), with_for_update=True)
    assert row is not None
    row.deliveries += 1
    row.worker, row.started_at = worker, now()
    if row.status not in FINAL:
        row.status = "running"
    return row


def locked(session: Session, run_id: str, kind: str, unit: str) -> RunUnitRow | None:
    return session.get(RunUnitRow, (run_id, kind, unit), with_for_update=True, populate_existing=True)


def finish(row: RunUnitRow, status: str, result: dict[str, Any] | None, error: str | None = None) -> None:
    row.status, row.result, row.error, row.finished_at = status, result, error, now()


@dataclass(frozen=True)
class Outcome:
    unit: str
    status: str
    result: dict[str, Any]
    error: str | None


def finished(session: Session, run_id: str, kind: str, units: Sequence[str]) -> list[Outcome]:
    """Which of ``units`` are done or failed, with their results."""
    if not units:
        return []
    rows = session.execute(select(RunUnitRow.unit, RunUnitRow.status, RunUnitRow.result, RunUnitRow.error)
                           .where(RunUnitRow.run_id == run_id, RunUnitRow.kind == kind,
                                  RunUnitRow.unit.in_(list(units)), RunUnitRow.status.in_(FINAL)))
    return [Outcome(unit, status, result or {}, error) for unit, status, result, error in rows]


def for_run(session: Session, run_id: str) -> list[RunUnitRow]:
    return list(session.scalars(select(RunUnitRow).where(RunUnitRow.run_id == run_id)
                                .order_by(RunUnitRow.kind, RunUnitRow.unit)))


def task_counts(rows: Sequence[RunUnitRow]) -> dict[str, dict[str, int]]:
    """Per kind: units, sent, resent, deliveries, redelivered, done, failed (the run summary's task events)."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        c = out.setdefault(row.kind, dict.fromkeys(("units", "sent", "resent", "deliveries", "redelivered",
                                                    "done", "failed"), 0))
        c["units"] += 1
        c["sent"] += min(row.sends, 1)
        c["resent"] += max(0, row.sends - 1)
        c["deliveries"] += row.deliveries
        c["redelivered"] += max(0, row.deliveries - 1)
        if row.status in FINAL:
            c[row.status] += 1
    return out
