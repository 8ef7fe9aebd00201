"""Pattern-library queries. Plain functions on a caller-owned session: they never commit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from adloom.feedback.patterns import load_priors
from adloom.store.tables import PatternRow
from adloom.store.upsert import insert_new
from adloom.types import Pattern

__all__ = ["ensure_priors", "load_patterns", "upsert_pattern", "upsert_patterns"]

_LEARNED = ("brand_slug", "dimension", "key", "alpha", "beta", "mean", "low", "high", "impressions", "winners")


def _to_pattern(row: PatternRow) -> Pattern:
    return Pattern.model_validate({
        "id": row.id, "angle_type": row.angle_type, "segment_id": row.segment_id,
        "platform": row.platform, "weight": row.weight, "observations": row.observations,
        "source": row.source, "note": row.note, **{name: getattr(row, name) for name in _LEARNED},
    })


def _fill(row: PatternRow, pattern: Pattern, now: datetime) -> None:
    row.angle_type = pattern.angle_type
    row.segment_id = pattern.segment_id
    row.platform = pattern.platform
    row.weight = pattern.weight
    row.observations = pattern.observations
    row.source = pattern.source
    row.note = pattern.note
    for name in _LEARNED:
        setattr(row, name, getattr(pattern, name))
    row.updated_at = now


def ensure_priors(session: Session, priors: list[Pattern] | None = None) -> int:
    """Insert the shipped priors whose id is not stored yet; return how many were inserted.

    Existing rows are left alone, whatever their source: a performance-learned weight is evidence, and a
    prior someone edited in the store is a deliberate choice. Idempotent.
    """
    priors = load_priors() if priors is None else priors
    existing = set(session.scalars(select(PatternRow.id).where(PatternRow.id.in_([p.id for p in priors]))))
    now = datetime.now(UTC)
    rows = []
    for prior in priors:
        if prior.id not in existing:
            row = PatternRow(id=prior.id)
            _fill(row, prior, now)
            rows.append({c.name: getattr(row, c.name) for c in PatternRow.__table__.columns})
    # ON CONFLICT DO NOTHING: runs starting at once on a new store all insert the same priors
    return insert_new(session, PatternRow, rows)


def load_patterns(session: Session, brand: str | None = None, *, others: bool = True) -> list[Pattern]:
    """Stored patterns, ordered by id (deterministic). With ``brand``: the shipped and global ones, the
    brand's own, and other brands' learned ones only when ``others``."""
    query = select(PatternRow).order_by(PatternRow.id)
    if brand is not None and not others:
        query = query.where(or_(PatternRow.brand_slug.is_(None), PatternRow.brand_slug == brand))
    return [_to_pattern(row) for row in session.scalars(query)]


def upsert_patterns(session: Session, patterns: list[Pattern]) -> None:
    """``upsert_pattern`` for many, with one read and one flush (an import learns hundreds at once)."""
    ids = [p.id for p in patterns]
    rows = {row.id: row for row in session.scalars(select(PatternRow).where(PatternRow.id.in_(ids)))}
    now = datetime.now(UTC)
    for pattern in patterns:
        row = rows.get(pattern.id)
        if row is None:
            row = rows[pattern.id] = PatternRow(id=pattern.id)
            session.add(row)
        _fill(row, pattern, now)
    session.flush()


def upsert_pattern(session: Session, pattern: Pattern) -> None:
    """Insert the pattern, or replace the stored row with the same id."""
    row = session.get(PatternRow, pattern.id)
    if row is None:
        row = PatternRow(id=pattern.id)
        session.add(row)
    _fill(row, pattern, datetime.now(UTC))
    session.flush()
