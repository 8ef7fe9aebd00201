"""Verify the chain and everything that vouches for it from outside: the database's append-only triggers,
the store's anchor (keyed by its identity), the checkpoints' signatures and the witness.

Each check adds what a chain alone cannot show: a dropped trigger (``unguarded``), a deleted anchor file
(``unanchored``), an edited or unsigned checkpoint (``forged``), an anchor of another store (``foreign``),
a cut tail (``truncated``) or a rebuilt chain (``rewritten``).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit.checkpoint import (
    WITNESS_SEQ,
    Checkpoint,
    anchor_path,
    read_checkpoint,
    recorded_anchor_seq,
    signature_problem,
    store_identity,
    witnessed,
)
from adloom.audit.seal import unsealed_edits
from adloom.audit.verify import Anchor, Break, Problem, VerifyReport, check_anchor, verify

SQLITE_TRIGGERS = {"audit_events_no_update", "audit_events_no_delete"}
PG_TRIGGERS = {"audit_events_append_only", "audit_events_no_truncate"}


def missing_triggers(factory: sessionmaker[Session]) -> list[str]:
    """The append-only triggers that are gone or disabled (PostgreSQL: also a guard function emptied)."""
    with factory() as session:
        dialect = session.connection().dialect.name
        if dialect == "sqlite":
            names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                             "AND tbl_name = 'audit_events'")))
            return sorted(SQLITE_TRIGGERS - names)
        if dialect != "postgresql":
            return []
        rows = session.execute(text(
            "SELECT t.tgname, t.tgenabled, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = 'audit_events'::regclass AND NOT t.tgisinternal")).all()
    enabled = {name for name, state, source in rows if state != "D" and "append-only" in source}
    return sorted(PG_TRIGGERS - enabled)


def verify_trusted(factory: sessionmaker[Session], *, anchor_dir: Path | None = None, anchor: Path | None = None,
                   public_key: Ed25519PublicKey | None = None, witness: Path | None = None) -> VerifyReport:
    """The chain, then its guards. ``anchor`` (an explicit file) wins over ``anchor_dir`` (where runs keep
    each store's anchor); ``public_key`` makes signatures required; ``witness`` is a witness file."""
    report = verify(factory)
    with factory() as session, session.begin():
        store_id = store_identity(session)
        anchored_seq = recorded_anchor_seq(session)
        witness_seq = recorded_anchor_seq(session, WITNESS_SEQ)
    report = report.model_copy(update={"store_id": store_id})
    if not report.ok:
        return report
    missing = missing_triggers(factory)
    if missing:
        return _broken(report, "unguarded", f"append-only trigger(s) {', '.join(missing)} missing or disabled: "
                                            "the database no longer refuses edits and deletions of events")
    with factory() as session:
        edited = unsealed_edits(session)
    if edited:
        more = f" and {len(edited) - 1} more" if len(edited) > 1 else ""
        return _broken(report, "unsealed", f"stored concept {edited[0]}{more} differs from the text the chain "
                                           "sealed for it: the concepts table was edited outside adloom")
    path = anchor or (anchor_path(anchor_dir, store_id) if anchor_dir is not None else None)
    trusted: list[Checkpoint] = []
    if path is not None and (anchor is not None or path.exists()):
        checkpoint = read_checkpoint(path)
        report = report.model_copy(update={"anchor": str(path)})
        if checkpoint.store_id != store_id:
            return _broken(report, "foreign", f"anchor {path} belongs to store {checkpoint.store_id}, "
                                              f"not to this store {store_id}")
        broken = _check(factory, report, checkpoint, public_key, f"anchor {path}")
        if broken:
            return report.model_copy(update={"ok": False, "broken": broken})
        trusted.append(checkpoint)
    elif anchored_seq is not None:
        where = path or "the anchor folder"
        return _broken(report, "unanchored", f"this store wrote an anchor at seq {anchored_seq}, but {where} is "
                                             "missing: restore it, or the check of the log's tail is off")
    if witness is not None and not witness.exists():
        if witness_seq is not None:     # checkpoints were handed to a witness
            return _broken(report, "unanchored", f"the witness file {witness} is missing")
        witness = None                  # configured, but nothing checkpointed yet
    if witness is not None:
        lines = list(witnessed(witness, store_id))
        if not lines and report.events:
            return _broken(report, "unanchored", f"the witness {witness} holds no checkpoint of store {store_id}: "
                                                 "the chain was rebuilt, or was never witnessed")
        for number, checkpoint in lines:
            broken = _check(factory, report, checkpoint, public_key, f"witness {witness}:{number}")
            if broken:
                return report.model_copy(update={"ok": False, "broken": broken})
            trusted.append(checkpoint)
    latest = max((c.last_seq for c in trusted), default=None)
    return report.model_copy(update={"checkpoint_seq": latest, "signed": bool(trusted) and public_key is not None,
                                     "after_checkpoint": (report.last_seq or 0) - latest if latest else None})


def strict_report(report: VerifyReport) -> VerifyReport:
    """Fail a clean report whose latest events no checkpoint vouches for (appended since, or forged)."""
    if not report.events:
        return report
    if report.checkpoint_seq is None:
        return _broken(report, "unanchored", f"no checkpoint vouches for this log's {report.events} events")
    if report.after_checkpoint:
        return _broken(report, "unanchored", f"{report.after_checkpoint} event(s) after the last checkpoint "
                                             f"(seq {report.checkpoint_seq}) are vouched for by nothing outside "
                                             "the database")
    return report


def _check(factory: sessionmaker[Session], report: VerifyReport, checkpoint: Checkpoint,
           public_key: Ed25519PublicKey | None, where: str) -> Break | None:
    if public_key is not None:
        problem = signature_problem(checkpoint, public_key)
        if problem:
            return Break(seq=None, kind=None, problem="forged", detail=f"the checkpoint in {where} {problem}")
    broken = check_anchor(factory, report, Anchor(events=checkpoint.events, last_seq=checkpoint.last_seq,
                                                  head_hash=checkpoint.head_hash, written_at=checkpoint.written_at))
    if broken:
        return broken.model_copy(update={"detail": f"{broken.detail} (checked against {where})"})
    return None


def _broken(report: VerifyReport, problem: Problem, detail: str) -> VerifyReport:
    return report.model_copy(update={"ok": False, "broken": Break(seq=None, kind=None, problem=problem,
                                                                  detail=detail)})


__all__ = ["missing_triggers", "strict_report", "verify_trusted"]
