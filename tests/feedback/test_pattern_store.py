from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adloom.feedback.patterns import load_priors
from adloom.store.db import transaction
from adloom.store.patterns import ensure_priors, load_patterns, upsert_pattern
from adloom.store.tables import PatternRow
from adloom.types import Pattern


def test_ensure_priors_is_idempotent(store: sessionmaker[Session]) -> None:
    priors = load_priors()
    with transaction(store) as session:
        assert ensure_priors(session) == len(priors) == 10
    with transaction(store) as session:
        assert ensure_priors(session) == 0
        assert load_patterns(session) == sorted(priors, key=lambda p: p.id)


def test_ensure_priors_never_overwrites_stored_rows(store: sessionmaker[Session]) -> None:
    learned = Pattern(
        id="prior.pain-first",
        angle_type="pain-first",
        weight=0.4,
        observations=57,
        source="performance",
        note="learned from 57 ads",
    )
    edited = Pattern(id="prior.urgency", angle_type="urgency", weight=0.1, note="we never run urgency")
    with transaction(store) as session:
        upsert_pattern(session, learned)
        upsert_pattern(session, edited)
    with transaction(store) as session:
        assert ensure_priors(session) == 8
    with transaction(store) as session:
        stored = {p.id: p for p in load_patterns(session)}
        rows = session.scalars(select(PatternRow)).all()
    assert stored["prior.pain-first"] == learned and stored["prior.urgency"] == edited
    assert len(stored) == len(rows) == 10
    assert all(row.updated_at is not None for row in rows)


def test_upsert_pattern_inserts_then_replaces(store: sessionmaker[Session]) -> None:
    seg = Pattern(
        id="perf.objection.runners.meta",
        angle_type="objection",
        segment_id="runners",
        platform="meta",
        weight=1.3,
        observations=12,
        source="performance",
    )
    with transaction(store) as session:
        upsert_pattern(session, seg)
    with transaction(store) as session:
        assert load_patterns(session) == [seg]
        upsert_pattern(session, seg.model_copy(update={"weight": 0.7, "observations": 30}))
    with transaction(store) as session:
        (again,) = load_patterns(session)
    assert (again.weight, again.observations, again.segment_id, again.platform) == (
        0.7,
        30,
        "runners",
        "meta",
    )


def test_load_patterns_is_ordered_by_id(store: sessionmaker[Session]) -> None:
    with transaction(store) as session:
        for pid in ("b", "c", "a"):
            upsert_pattern(session, Pattern(id=pid, angle_type="curiosity"))
        assert [p.id for p in load_patterns(session)] == ["a", "b", "c"]
