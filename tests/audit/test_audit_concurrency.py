"""Many appenders at once never fork or break the chain."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, verify
from adloom.store.db import make_engine

from .workers import append_from_process


def _assert_one_chain(store: sessionmaker[Session], expected: int) -> None:
    report = verify(store)
    assert report.ok, report.summary()
    assert report.events == expected
    with store() as session:
        distinct_prev = session.execute(text("SELECT COUNT(DISTINCT prev_hash) FROM audit_events")).scalar()
    assert distinct_prev == expected          # no two events share a parent: the chain never forked


def _threads(store: sessionmaker[Session], workers: int, per_worker: int) -> None:
    log = AuditLog(store)

    def work(worker: int) -> None:
        for i in range(per_worker):
            if i % 5 == 0:     # mix single appends and small batches
                log.append_many([NewEvent("verdict.recorded", f"t{worker}-{i}-{j}") for j in range(3)])
            else:
                log.append("concept.generated", f"t{worker}-{i}", payload={"worker": worker})

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, range(workers)))


def test_parallel_threads_keep_one_chain(store: sessionmaker[Session]) -> None:
    _threads(store, 8, 50)
    _assert_one_chain(store, 8 * (40 + 10 * 3))


def _processes(url: str, workers: int, singles: int, batches: int, batch_size: int) -> int:
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(append_from_process, url, w, singles, batches, batch_size)
                   for w in range(workers)]
        return sum(f.result() for f in futures)


def test_parallel_processes_keep_one_chain(db_url: str) -> None:
    appended = _processes(db_url, 4, 50, 8, 25)
    assert appended == 4 * 250
    _assert_one_chain(sessionmaker(make_engine(db_url)), appended)


def test_parallel_appenders_on_postgresql(pg_url: str) -> None:
    """Runs on PostgreSQL whatever the suite's backend; fails if ADLOOM_TEST_DATABASE_URL is set but down."""
    store = sessionmaker(make_engine(pg_url), expire_on_commit=False)
    appended = _processes(pg_url, 4, 50, 8, 25)       # 4 x 250 events, 4 x 58 racing transactions
    _threads(store, 8, 25)
    _assert_one_chain(store, appended + 8 * (20 + 5 * 3))
