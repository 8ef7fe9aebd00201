"""Verification: recompute the chain and name the first broken link.

Rows are streamed in seq order and checked for contiguous seq, payload_hash, the event's own hash and its
link to the previous event. At the first failure a short diagnosis names what happened: ``modified``,
``deleted`` (a gap, or later events renumbered), ``inserted``, ``reordered``; against an anchor file also
``truncated`` and ``rewritten``. A chain recomputed from the point of an edit onwards is only detectable
against an anchor or an earlier export: that is what anchors are for.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import Text, cast, select, text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit.chain import GENESIS, event_hash, now_ts, payload_hash, stored_payload_matches
from adloom.audit.log import read_head
from adloom.errors import InputError
from adloom.store.tables import AuditEventRow

Problem = Literal["modified", "deleted", "inserted", "reordered", "truncated", "rewritten", "corrupt",
                  "unguarded", "unanchored", "forged", "foreign", "unsealed"]   # the last five: adloom.audit.trust
# (seq, ts, kind, subject, actor, payload, payload_hash, prev_hash, hash)
Row = tuple[int, str, str, str, str, dict[str, Any] | str | None, str, str, str]   # payload parsed or raw
FindSeq = Callable[[str], int | None]

EVENTS = AuditEventRow.__table__
EVENT_COLUMNS = tuple(EVENTS.c[name] for name in ("seq", "ts", "kind", "subject", "actor", "payload",
                                                  "payload_hash", "prev_hash", "hash"))
RAW_COLUMNS = tuple(cast(c, Text) if c.name == "payload" else c for c in EVENT_COLUMNS)
_WINDOW = 1000        # how far a moved event is searched for when diagnosing a break


class Break(BaseModel):
    seq: int | None
    kind: str | None
    problem: Problem
    detail: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" + (f" ({self.kind})" if self.kind else "") if self.seq else "log"
        return f"{where}: {self.problem}: {self.detail}"


class VerifyReport(BaseModel):
    ok: bool
    events: int = 0
    pruned: int = 0                  # events whose payload body retention dropped (hash still checked)
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str = GENESIS
    broken: Break | None = None
    store_id: str | None = None              # the store's identity; anchors are keyed by it
    anchor: str | None = None                # the anchor file the log was checked against
    checkpoint_seq: int | None = None        # the latest checkpoint (anchor or witness) that vouches for the log
    signed: bool = False                     # every checkpoint checked carried a valid signature
    after_checkpoint: int | None = None      # events appended since that checkpoint: not yet vouched for

    def summary(self) -> str:
        store = f" [store {self.store_id}]" if self.store_id else ""
        if self.broken:
            return f"audit chain BROKEN at {self.broken}{store}"
        if not self.events:
            return f"audit chain OK: no events{store}"
        pruned = f", {self.pruned} with pruned payloads" if self.pruned else ""
        return (f"audit chain OK: {self.events} events (seq {self.first_seq}..{self.last_seq}{pruned}), "
                f"head {self.head_hash[:16]}{store}{self._vouched()}")

    def _vouched(self) -> str:
        if self.store_id is None:
            return ""
        if self.checkpoint_seq is None:
            return "; no anchor for this store yet (a run writes one)"
        anchor = f"anchor {self.anchor}" if self.anchor else "witness"
        signed = ", signed" if self.signed else ", unsigned"
        since = f"; {self.after_checkpoint} event(s) since, not yet checkpointed" if self.after_checkpoint else ""
        return f"; checked against {anchor} (seq {self.checkpoint_seq}{signed}){since}"


class Anchor(BaseModel):
    """The head of the log as it was: keep it outside the database so truncation shows."""

    events: int
    last_seq: int
    head_hash: str
    written_at: str


def check_chain(rows: Iterable[Row], find_seq: FindSeq, *, first_seq: int = 1,
                first_prev: str = GENESIS) -> VerifyReport:
    """Check ``rows`` (in stored order) as a chain starting at ``first_seq`` after ``first_prev``."""
    expected_seq, prev = first_seq, first_prev
    recent: deque[tuple[int, str]] = deque(maxlen=_WINDOW)
    report = VerifyReport(ok=True)
    count = pruned = 0
    for row in rows:
        seq, kind, payload, e_hash = row[0], row[2], row[5], row[8]
        problem = _check_row(row, expected_seq, prev, find_seq, recent)
        if problem is not None:
            return report.model_copy(update={"ok": False, "broken": problem, "events": count,
                                             "pruned": pruned})
        if payload is None:
            pruned += 1
        count += 1
        recent.append((seq, kind))
        expected_seq, prev = seq + 1, e_hash
    return VerifyReport(ok=True, events=count, pruned=pruned, first_seq=first_seq if count else None,
                        last_seq=expected_seq - 1 if count else None, head_hash=prev)


def _check_row(row: Row, expected_seq: int, prev: str, find_seq: FindSeq,
               recent: deque[tuple[int, str]]) -> Break | None:
    seq, ts, kind, subject, actor, payload, p_hash, prev_hash, e_hash = row
    if seq < expected_seq:
        return Break(seq=seq, kind=kind, problem="reordered",
                     detail=f"appears after seq {expected_seq - 1}; events must be in seq order")
    if seq > expected_seq:
        target = find_seq(prev_hash)
        if target is not None and target >= expected_seq:     # its predecessor exists, further on
            return Break(seq=seq, kind=kind, problem="reordered",
                         detail=f"appears before seq {expected_seq}..{target}, which it follows")
        missing = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}..{seq - 1}"
        return Break(seq=seq, kind=kind, problem="deleted", detail=f"{missing} missing before this event")
    if payload is not None and not (stored_payload_matches(payload, p_hash) if isinstance(payload, str)
                                    else payload_hash(payload) == p_hash):
        return Break(seq=seq, kind=kind, problem="modified",
                     detail="payload does not match its payload_hash (payload edited)")
    if event_hash(seq, ts, kind, subject, actor, p_hash, prev_hash) != e_hash:
        return _diagnose_moved(row, find_seq, recent)
    if prev_hash != prev:
        target = find_seq(prev_hash)
        if target is None:
            return Break(seq=seq, kind=kind, problem="modified",
                         detail=f"prev_hash links to no stored event, not to seq {seq - 1} "
                                f"(this event or seq {seq - 1} was forged or replaced)")
        if target < seq - 1:
            return Break(seq=target + 1, kind=_kind_at(recent, target + 1), problem="inserted",
                         detail=f"seq {target + 1}..{seq - 1} are not part of the chain "
                                f"(seq {seq} links to seq {target})")
        return Break(seq=seq, kind=kind, problem="reordered",
                     detail=f"links to seq {target}, which is stored after it")
    return None


def _diagnose_moved(row: Row, find_seq: FindSeq, recent: deque[tuple[int, str]]) -> Break:
    """The stored hash does not match: was the event edited, or moved to another seq?"""
    seq, ts, kind, subject, actor, _payload, p_hash, prev_hash, e_hash = row
    original = next((s for s in range(max(1, seq - _WINDOW), seq + _WINDOW + 1)
                     if s != seq and event_hash(s, ts, kind, subject, actor, p_hash, prev_hash) == e_hash),
                    None)
    if original is None:
        return Break(seq=seq, kind=kind, problem="modified",
                     detail="stored hash does not match the event (seq, ts, kind, subject, actor, "
                            "payload_hash or prev_hash edited)")
    if original < seq:
        return Break(seq=original, kind=_kind_at(recent, original), problem="inserted",
                     detail=f"{seq - original} event(s) inserted at seq {original}; the event written as "
                            f"seq {original} is now stored as seq {seq}")
    if find_seq(prev_hash) is None:
        return Break(seq=seq, kind=kind, problem="deleted",
                     detail=f"{original - seq} event(s) deleted before this one and later events "
                            f"renumbered; it was written as seq {original}")
    return Break(seq=seq, kind=kind, problem="reordered",
                 detail=f"the event stored here was written as seq {original}")


def _kind_at(recent: deque[tuple[int, str]], seq: int) -> str | None:
    return next((kind for s, kind in recent if s == seq), None)


# ---------------------------------------------------------------- the database


def verify(factory: sessionmaker[Session], *, anchor: Path | None = None,
           chunk: int = 20_000) -> VerifyReport:
    """Verify the whole stored chain, and the anchor file if one is given."""
    with factory() as session:
        conn = session.connection().execution_options(stream_results=True, yield_per=chunk)
        rows = conn.execute(select(*RAW_COLUMNS).order_by(EVENTS.c.seq))

        def find_seq(digest: str) -> int | None:
            with factory() as other:
                return other.execute(text("SELECT seq FROM audit_events WHERE hash = :h"),
                                     {"h": digest}).scalar()

        report = check_chain((tuple(r) for r in rows), find_seq)
        rows.close()
    if report.ok and anchor is not None:
        broken = check_anchor(factory, report, read_anchor(anchor))
        if broken:
            report = report.model_copy(update={"ok": False, "broken": broken})
    return report


def check_anchor(factory: sessionmaker[Session], report: VerifyReport, anchor: Anchor) -> Break | None:
    last = report.last_seq or 0
    if last < anchor.last_seq:
        return Break(seq=last + 1 if last else None, kind=None, problem="truncated",
                     detail=f"the anchor records {anchor.events} events up to seq {anchor.last_seq} "
                            f"(hash {anchor.head_hash[:16]}), the log ends at seq {last}")
    if anchor.last_seq == 0:
        return None
    with factory() as session:
        row = session.execute(text("SELECT hash, kind FROM audit_events WHERE seq = :s"),
                              {"s": anchor.last_seq}).first()
    if row is None or row[0] != anchor.head_hash:
        return Break(seq=anchor.last_seq, kind=row[1] if row else None, problem="rewritten",
                     detail=f"the anchor records hash {anchor.head_hash[:16]} here, the log has "
                            f"{str(row[0])[:16] if row else 'nothing'}: the chain was rebuilt")
    return None


def head_anchor(factory: sessionmaker[Session]) -> Anchor:
    with factory() as session:
        last_seq, head = read_head(session)
    return Anchor(events=last_seq, last_seq=last_seq, head_hash=head, written_at=now_ts())


def write_anchor(factory: sessionmaker[Session], path: Path) -> Anchor:
    """Record the current head (written atomically); call after each run, check with ``verify(anchor=)``."""
    anchor = head_anchor(factory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(anchor.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return anchor


def read_anchor(path: Path) -> Anchor:
    try:
        return Anchor.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise InputError(f"anchor file {path} does not exist") from exc
    except (OSError, ValueError, ValidationError) as exc:
        raise InputError(f"anchor file {path} is not a valid audit anchor: {first_line(exc)}") from exc


def first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


__all__ = ["Anchor", "Break", "VerifyReport", "check_anchor", "check_chain", "head_anchor",
           "read_anchor", "verify", "write_anchor"]
