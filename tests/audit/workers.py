"""Appender processes for the concurrency tests (a module of its own so spawned children can import it)."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from adloom.audit import AuditLog, NewEvent
from adloom.store.db import make_engine


def append_from_process(url: str, worker: int, singles: int, batches: int, batch_size: int) -> int:
    """``singles`` one-event transactions (the most interleaving), then ``batches`` batched ones."""
    engine = make_engine(url)
    log = AuditLog(sessionmaker(engine, expire_on_commit=False))
    for i in range(singles):
        log.append("concept.generated", f"w{worker}-s{i}", payload={"worker": worker})
    for b in range(batches):
        log.append_many([NewEvent("verdict.recorded", f"w{worker}-b{b}-{i}", payload={"worker": worker})
                         for i in range(batch_size)])
    engine.dispose()
    return singles + batches * batch_size
