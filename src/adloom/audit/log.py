"""Appending to the chain: one writer at a time per database, many events per transaction.

Appenders are serialised by the database itself, so threads, processes and machines can append at once
without forking the chain: PostgreSQL takes a transaction-scoped advisory lock, SQLite a write lock
(``BEGIN IMMEDIATE``), before the head is read. The primary key on ``seq`` and the unique ``hash`` are the
backstop: a fork could only ever fail to insert, never be stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit.chain import GENESIS, SYSTEM, Event, canonical, event_hash, jsonable, now_ts, ts_of
from adloom.audit.redact import DEFAULT_REDACTOR, Redactor
from adloom.errors import InputError

_PG_LOCK_KEY = 0x61646C6F6F6D        # "adloom": the one advisory lock that guards the chain head
_LIMITS = {"kind": 64, "subject": 200, "actor": 200}


@dataclass(frozen=True)
class NewEvent:
    kind: str
    subject: str
    actor: str = SYSTEM
    payload: Any = field(default=None)


def lock_chain(session: Session) -> None:
    """Take the chain's write lock for the rest of ``session``'s transaction."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        # pysqlite opens transactions lazily at the first write; open one now, as a writer, so a
        # second process cannot read the same head. Already in one means we already hold the lock.
        if raw is not None and not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def _insert_sql(session: Session) -> TextClause:
    # The payload goes in as its canonical text (not re-serialised by the JSON type), so verify can
    # hash the stored text directly instead of parsing and canonicalising a million payloads.
    payload = ("CAST(:payload AS json)" if session.connection().dialect.name == "postgresql"
               else ":payload")
    return text("INSERT INTO audit_events (seq, ts, kind, subject, actor, payload, payload_hash, prev_hash, "
                f"hash) VALUES (:seq, :ts, :kind, :subject, :actor, {payload}, :payload_hash, :prev_hash, :hash)")


def read_head(session: Session) -> tuple[int, str]:
    """(last seq, last hash); (0, GENESIS) for an empty log."""
    row = session.execute(text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


class AuditLog:
    """The append side of the audit trail. ``redact=None`` stores payloads as given."""

    def __init__(self, factory: sessionmaker[Session], *, redact: Redactor | None = DEFAULT_REDACTOR) -> None:
        self.factory = factory
        self.redact = redact

    def append(self, kind: str, subject: str, actor: str = SYSTEM, payload: Any = None) -> Event:
        return self.append_many([NewEvent(kind, subject, actor, payload)])[0]

    def append_many(self, items: Iterable[NewEvent]) -> list[Event]:
        """Append in one transaction: the lock is taken and the head read once for the whole list."""
        with self.factory() as session, session.begin():
            return self.append_many_in(session, items)

    def append_in(self, session: Session, kind: str, subject: str, actor: str = SYSTEM,
                  payload: Any = None) -> Event:
        """Append inside the caller's transaction; the event commits or rolls back with it."""
        return self.append_many_in(session, [NewEvent(kind, subject, actor, payload)])[0]

    def append_many_in(self, session: Session, items: Iterable[NewEvent]) -> list[Event]:
        prepared = [self._prepare(item) for item in items]   # the slow part, done before locking
        if not prepared:
            return []
        lock_chain(session)
        seq, prev = read_head(session)
        ts = now_ts()       # read under the lock, so timestamps never go backwards along the chain
        events = []
        for item, payload, digest, _ in prepared:
            seq += 1
            digest_ = event_hash(seq, ts, item.kind, item.subject, item.actor, digest, prev)
            events.append(Event(seq=seq, ts=ts, kind=item.kind, subject=item.subject, actor=item.actor,
                                payload=payload, payload_hash=digest, prev_hash=prev, hash=digest_))
            prev = digest_
        session.execute(_insert_sql(session), [{**e.model_dump(), "payload": text_}
                                               for e, (_, _, _, text_) in zip(events, prepared, strict=True)])
        return events

    @contextmanager
    def batch(self, flush_every: int = 1000) -> Iterator[Batch]:
        """Collect events and append them ``flush_every`` at a time; whatever is queued is written on exit,
        also when the block raises (those events did happen)."""
        pending = Batch(self, flush_every)
        try:
            yield pending
        finally:
            pending.flush()

    def _prepare(self, item: NewEvent) -> tuple[NewEvent, dict[str, Any], str, str]:
        for name, limit in _LIMITS.items():
            value = getattr(item, name)
            if not isinstance(value, str) or not value or len(value) > limit:
                raise InputError(f"audit event {name} must be a non-empty string of at most {limit} "
                                 f"characters, got {value!r:.80}")
        payload = jsonable({} if item.payload is None else item.payload)
        if self.redact is not None:
            payload = self.redact(payload)
        canon = canonical(payload)
        return item, payload, hashlib.sha256(canon).hexdigest(), canon.decode("utf-8")


class Batch:
    """Events queued by ``AuditLog.batch``; ``events`` holds the ones written so far."""

    def __init__(self, log: AuditLog, flush_every: int) -> None:
        self.log = log
        self.flush_every = flush_every
        self.pending: list[NewEvent] = []
        self.events: list[Event] = []

    def append(self, kind: str, subject: str, actor: str = SYSTEM, payload: Any = None) -> None:
        self.pending.append(NewEvent(kind, subject, actor, payload))
        if len(self.pending) >= self.flush_every:
            self.flush()

    def extend(self, items: Sequence[NewEvent]) -> None:
        for item in items:
            self.append(item.kind, item.subject, item.actor, item.payload)

    def flush(self) -> None:
        if self.pending:
            items, self.pending = self.pending, []
            self.events.extend(self.log.append_many(items))


def prune_payloads(factory: sessionmaker[Session], older_than_days: float,
                   *, now: datetime | None = None) -> int:
    """Retention: drop payload bodies older than N days, keeping every hash, so the chain still verifies.
    The append-only trigger allows exactly this update. Returns the number of events pruned."""
    if older_than_days < 0:
        raise InputError(f"retention must be a non-negative number of days, got {older_than_days}")
    cutoff = ts_of((now or datetime.now(UTC)) - timedelta(days=older_than_days))
    with factory() as session, session.begin():
        result = session.execute(
            # seals and render records stay: exports and reuse check stored content against them
            text("UPDATE audit_events SET payload = NULL WHERE ts < :cutoff AND payload IS NOT NULL "
                 "AND kind NOT IN ('concept.sealed', 'asset.rendered')"),
            {"cutoff": cutoff})
        return int(getattr(result, "rowcount", 0) or 0)
