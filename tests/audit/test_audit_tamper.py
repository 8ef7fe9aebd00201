"""Every kind of tampering is detected and named; the database itself refuses edits and deletions."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, event_hash, prune_payloads, verify, write_anchor
from adloom.audit.chain import GENESIS, payload_hash
from adloom.store.db import alembic_config, make_engine, upgrade

from .conftest import filler, tamper, untriggered

# Renumbering needs a detour through negative seqs: seq is the primary key.
SHIFT_UP = ("UPDATE audit_events SET seq = -seq WHERE seq >= :at",
            "UPDATE audit_events SET seq = 1 - seq WHERE seq < 0")
SHIFT_DOWN = ("UPDATE audit_events SET seq = -seq WHERE seq > :at",
              "UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0")


@pytest.fixture
def ten(log: AuditLog, store: sessionmaker[Session]) -> sessionmaker[Session]:
    filler(log, 10)
    assert verify(store).ok
    return store


def _broken(store: sessionmaker[Session]) -> tuple[int | None, str]:
    report = verify(store)
    assert not report.ok and report.broken is not None
    return report.broken.seq, report.broken.problem


def test_edited_payload_is_named(ten: sessionmaker[Session]) -> None:
    tamper(ten, "UPDATE audit_events SET payload = :p WHERE seq = 4", p='{"i": 999}')
    assert _broken(ten) == (4, "modified")
    assert "payload" in verify(ten).summary()


def test_edited_header_field_is_named(ten: sessionmaker[Session]) -> None:
    tamper(ten, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 6")
    assert _broken(ten) == (6, "modified")


def test_deleted_event_leaves_a_named_gap(ten: sessionmaker[Session]) -> None:
    tamper(ten, "DELETE FROM audit_events WHERE seq = 5")
    seq, problem = _broken(ten)
    assert (seq, problem) == (6, "deleted") and "seq 5 missing" in verify(ten).summary()


def test_deleted_first_event_is_detected(ten: sessionmaker[Session]) -> None:
    tamper(ten, "DELETE FROM audit_events WHERE seq = 1")
    assert _broken(ten) == (2, "deleted")


def test_deletion_hidden_by_renumbering_is_named(ten: sessionmaker[Session]) -> None:
    tamper(ten, "DELETE FROM audit_events WHERE seq = 5", *SHIFT_DOWN, at=5)
    assert _broken(ten) == (5, "deleted")


def _forge(session: Session, seq: int, prev_hash: str) -> str:
    p_hash = payload_hash({"forged": True})
    digest = event_hash(seq, "2026-01-01T00:00:00.000000Z", "review.decided", "c1", "mallory", p_hash,
                        prev_hash)
    session.execute(text("INSERT INTO audit_events VALUES (:s, '2026-01-01T00:00:00.000000Z', "
                         "'review.decided', 'c1', 'mallory', :p, :ph, :prev, :h)"),
                    {"s": seq, "p": '{"forged": true}', "ph": p_hash, "prev": prev_hash, "h": digest})
    return digest


def test_inserted_event_is_named(ten: sessionmaker[Session]) -> None:
    with untriggered(ten) as session:
        for statement in SHIFT_UP:
            session.execute(text(statement), {"at": 4})
        prev = session.execute(text("SELECT hash FROM audit_events WHERE seq = 3")).scalar_one()
        _forge(session, 4, prev)       # well-formed and linked to seq 3: only its successor gives it away
    report = verify(ten)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.problem, report.broken.kind) == (4, "inserted", "review.decided")


def test_forged_event_appended_with_a_bad_link_is_named(ten: sessionmaker[Session]) -> None:
    with ten() as session, session.begin():       # appending needs no trigger bypass
        _forge(session, 11, "f" * 64)
    assert _broken(ten) == (11, "modified")


def test_reordered_events_are_named(ten: sessionmaker[Session]) -> None:
    tamper(ten, "UPDATE audit_events SET seq = -1 WHERE seq = 3",
           "UPDATE audit_events SET seq = 3 WHERE seq = 4",
           "UPDATE audit_events SET seq = 4 WHERE seq = -1")
    assert _broken(ten) == (3, "reordered")


def test_truncated_tail_is_caught_by_the_anchor(ten: sessionmaker[Session], tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    assert write_anchor(ten, anchor).last_seq == 10
    assert verify(ten, anchor=anchor).ok
    tamper(ten, "DELETE FROM audit_events WHERE seq > 7")
    assert verify(ten).ok                         # without the anchor a clean cut is invisible
    report = verify(ten, anchor=anchor)
    assert report.broken is not None and report.broken.problem == "truncated" and report.broken.seq == 8


def test_rebuilt_chain_is_caught_by_the_anchor(ten: sessionmaker[Session], tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    write_anchor(ten, anchor)
    with ten() as session:
        rows = session.execute(text("SELECT seq, ts, kind, subject, actor, payload_hash FROM audit_events "
                                    "ORDER BY seq")).all()
    # rewrite actor everywhere and recompute every hash: the chain is self-consistent again
    statements, prev = [], GENESIS
    for seq, ts, kind, subject, _actor, p_hash in rows:
        digest = event_hash(seq, ts, kind, subject, "mallory", p_hash, prev)
        statements.append(f"UPDATE audit_events SET actor = 'mallory', prev_hash = '{prev}', "
                          f"hash = '{digest}' WHERE seq = {seq}")
        prev = digest
    tamper(ten, "UPDATE audit_events SET hash = 'tmp' || seq", *statements)
    assert verify(ten).ok
    report = verify(ten, anchor=anchor)
    assert report.broken is not None and (report.broken.seq, report.broken.problem) == (10, "rewritten")


# ---------------------------------------------------------------- the triggers


def test_update_is_rejected_by_the_database(ten: sessionmaker[Session]) -> None:
    for statement in ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
                      "UPDATE audit_events SET payload = NULL, actor = 'mallory' WHERE seq = 2",
                      "UPDATE audit_events SET payload = '{}' WHERE seq = 2"):
        with pytest.raises(DatabaseError, match="append-only"), ten() as session, session.begin():
            session.execute(text(statement))
    assert verify(ten).ok


def test_delete_is_rejected_by_the_database(ten: sessionmaker[Session]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), ten() as session, session.begin():
        session.execute(text("DELETE FROM audit_events WHERE seq = 10"))
    assert verify(ten).events == 10


def test_truncate_is_rejected_on_postgresql(ten: sessionmaker[Session]) -> None:
    with ten() as session:
        if session.connection().dialect.name != "postgresql":
            pytest.skip("TRUNCATE is PostgreSQL only")
    with pytest.raises(DatabaseError, match="append-only"), ten() as session, session.begin():
        session.execute(text("TRUNCATE audit_events"))


def test_retention_prunes_payloads_and_the_chain_still_verifies(log: AuditLog,
                                                                 store: sessionmaker[Session]) -> None:
    filler(log, 5)
    assert prune_payloads(store, 30) == 0                  # nothing is 30 days old yet
    assert prune_payloads(store, 0) == 5
    with store() as session:
        assert session.execute(text("SELECT COUNT(*) FROM audit_events WHERE payload IS NULL")).scalar() == 5
    report = verify(store)
    assert report.ok and report.pruned == 5
    log.append("run.started", "after-pruning", payload={"i": 6})
    assert verify(store).ok


def test_migration_downgrades_and_upgrades_cleanly(db_url: str) -> None:
    engine = make_engine(db_url)
    command.downgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:       # triggers gone: a plain delete works again
        conn.execute(text("DELETE FROM audit_events"))
    upgrade(engine)
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events VALUES (1, 't', 'k', 's', 'a', NULL, 'p', 'q', 'h')"))
        conn.execute(text("DELETE FROM audit_events"))
