"""A run's life after it started: interrupted (Ctrl-C), then resumed under the same id by the next run of the
same inputs. ``store.concepts`` holds the start and the finish."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.store.tables import RunRow
from adloom.types import RunSummary

INTERRUPTED = "interrupted"


def interrupted_run(session: Session, brand_slug: str, fingerprint: str) -> RunRow | None:
    """The latest interrupted run of these exact inputs: the one a rerun finishes."""
    rows = session.scalars(select(RunRow).where(RunRow.brand_slug == brand_slug, RunRow.status == INTERRUPTED)
                           .order_by(RunRow.started_at.desc()).limit(20))
    for row in rows:
        if RunSummary.model_validate(row.summary).fingerprint == fingerprint:
            return row
    return None


def mark_interrupted(session: Session, run_id: str) -> bool:
    """Mark a running run interrupted; False when it is not running (finished, or never recorded)."""
    row = session.get(RunRow, run_id)
    if row is None or row.status != "running":
        return False
    row.status, row.finished_at = INTERRUPTED, datetime.now(UTC)
    return True


def mark_resumed(session: Session, run_id: str) -> None:
    row = session.get(RunRow, run_id)
    if row is not None:
        row.status, row.finished_at = "running", None
