from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from itertools import pairwise

import pytest
import rfc8785
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import GENESIS, AuditLog, NewEvent, event_hash, payload_hash, verify
from adloom.errors import InputError
from adloom.types import Finding


@pytest.mark.parametrize("subject", ["plain", "é ü 中文", "emoji 🎉 and \U0001F600", 'quote " back \\ slash',
                                     "ctrl \x00\x01\x1f\t\n\r\b\f \x7f", "\u2028\u2029"])
def test_header_hash_is_rfc8785(subject: str) -> None:
    header = {"seq": 12, "ts": "2026-01-01T00:00:00.000000Z", "kind": "k", "subject": subject,
              "actor": subject, "payload_hash": "a" * 64, "prev_hash": GENESIS}
    expected = hashlib.sha256(rfc8785.dumps(header)).hexdigest()
    assert event_hash(12, header["ts"], "k", subject, subject, "a" * 64, GENESIS) == expected


def test_appended_events_form_a_chain_that_verifies(log: AuditLog, store: sessionmaker[Session]) -> None:
    first = log.append("run.started", "run-1", payload={"x": 1.5, "when": None})
    rest = log.append_many([NewEvent("concept.generated", f"c{i}", "writer:formula", {"i": i})
                            for i in range(5)])
    assert first.seq == 1 and first.prev_hash == GENESIS
    assert [e.seq for e in rest] == [2, 3, 4, 5, 6]
    assert rest[0].prev_hash == first.hash and all(b.prev_hash == a.hash for a, b in pairwise(rest))
    assert all(e.recomputed_hash() == e.hash for e in [first, *rest])
    assert first.payload_hash == payload_hash({"x": 1.5, "when": None})
    report = verify(store)
    assert report.ok and report.events == 6 and report.head_hash == rest[-1].hash
    assert "6 events" in report.summary()


def test_empty_log_verifies(store: sessionmaker[Session]) -> None:
    report = verify(store)
    assert report.ok and report.events == 0 and report.head_hash == GENESIS


def test_append_in_rolls_back_with_the_callers_transaction(log: AuditLog, store: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), store() as session, session.begin():
        log.append_in(session, "run.started", "run-x")
        raise RuntimeError("the caller failed")
    with store() as session, session.begin():
        log.append_in(session, "run.started", "run-y")
    with store() as session:
        assert session.execute(text("SELECT subject FROM audit_events")).scalars().all() == ["run-y"]
    assert verify(store).ok


def test_batch_flushes_in_chunks_and_on_exit(log: AuditLog, store: sessionmaker[Session]) -> None:
    with log.batch(flush_every=4) as batch:
        for i in range(10):
            batch.append("concept.generated", f"c{i}", payload={"i": i})
        assert len(batch.events) == 8          # two flushes so far, two still queued
    assert len(batch.events) == 10 and verify(store).events == 10


def test_batch_writes_queued_events_when_the_block_raises(log: AuditLog, store: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError), log.batch() as batch:
        batch.append("run.started", "run-1")
        raise ValueError("stage failed")
    assert verify(store).events == 1


def test_pydantic_payloads_and_datetimes_are_stored_as_json(log: AuditLog) -> None:
    event = log.append("verdict.recorded", "c1", payload={
        "findings": [Finding(rule_id="r", severity="warn", message="m")], "at": datetime(2026, 1, 2, tzinfo=UTC)})
    assert event.payload is not None
    assert event.payload["findings"][0]["rule_id"] == "r" and event.payload["at"].startswith("2026-01-02")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"payload": {"x": math.nan}}, "canonicalised"),
    ({"payload": {"n": 2**60}}, "canonicalised"),
    ({"payload": [1, 2]}, "JSON object"),
    ({"subject": "s" * 201}, "subject"),
    ({"subject": ""}, "subject"),
])
def test_bad_events_are_refused_with_a_clear_message(log: AuditLog, store: sessionmaker[Session],
                                                     kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"kind": "run.started", "subject": "run-1", **kwargs}
    with pytest.raises(InputError, match=match):
        log.append(**args)  # type: ignore[arg-type]
    assert verify(store).events == 0


def test_payload_stored_in_another_json_spelling_still_verifies(store: sessionmaker[Session]) -> None:
    """Verify hashes the stored text directly, and falls back to canonicalising other spellings."""
    digest = payload_hash({"a": 2, "b": [1.0, "é"]})
    ts = "2026-01-01T00:00:00.000000Z"
    with store() as session, session.begin():
        session.execute(text("INSERT INTO audit_events VALUES (1, :ts, 'k', 's', 'a', :p, :ph, :prev, :h)"),
                        {"ts": ts, "p": '{ "b": [1.0, "\\u00e9"],  "a": 2 }', "ph": digest, "prev": GENESIS,
                         "h": event_hash(1, ts, "k", "s", "a", digest, GENESIS)})
    assert verify(store).ok
