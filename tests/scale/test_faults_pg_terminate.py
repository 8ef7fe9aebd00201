"""Drop PostgreSQL connections during a run: every backend of the run's database is terminated, three times,
each time while a worker is inside its unit's commit. The units retry, the run completes, and no concept is
half-written (each has its verdicts, events, seal and call rows), none twice, the audit chain verifies.

A terminate at a random moment mostly hits idle pooled connections, which the pool's pre-ping replaces
unseen. So each round first holds the audit chain's advisory lock (the lock every unit takes at the start of
its one commit transaction): a worker that finishes its unit waits on it with its transaction open, and the
terminate lands there, mid-transaction, every time. The driver's connections are cut too.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from adloom.audit.log import _PG_LOCK_KEY as CHAIN_LOCK
from tests.scale.fault_harness import (
    Scene,
    assert_run_whole,
    example_run_on_private_redis,
    terminate_backends,
    wait_until,
)

UNITS = 15      # the example brand: 5 angles x 3 segments
ROUNDS = 3


def _done(scene: Scene) -> int:
    return int(scene.scalar("SELECT count(*) FROM run_units WHERE kind = 'concept' AND status = 'done'"))


def _workers_waiting_on_chain(conn: psycopg.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND application_name LIKE 'adloom-worker%'")]


def _terminate_mid_commit(scene: Scene) -> tuple[list[str], int]:
    """Hold the chain lock until a worker waits on it inside its commit, then terminate every backend (the
    holder's too, which frees the lock). The workers caught, and how many backends were terminated."""
    conninfo = make_url(scene.db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True, application_name="fault-test-holder") as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (CHAIN_LOCK,))
        caught: list[str] = []

        def caught_one() -> bool:
            caught[:] = _workers_waiting_on_chain(holder)
            return bool(caught) or _done(scene) >= UNITS
        wait_until("a worker waiting on the chain lock in its commit", caught_one, timeout=120, every=0.1)
        assert caught, "every unit finished before a worker could be caught mid-commit"
        terminated = terminate_backends(scene.db_url)
    return caught, terminated


def test_postgres_backends_terminated_mid_run(db_url: str, tmp_path: Path) -> None:
    """``db_url`` only so the PostgreSQL pass selects the test; the scene makes its own database."""
    started = time.monotonic()
    with example_run_on_private_redis(tmp_path) as (_, scene, driver):
        wait_until("some units done", lambda: driver.poll() is not None or _done(scene) >= 2, timeout=300,
                   every=0.1)
        rounds = []
        for n in range(ROUNDS):
            if n:       # the run goes on between faults: a unit finishes after the last round's retry
                wait_until("a unit done since the last round", lambda last=rounds[-1][0]: _done(scene) > last,
                           timeout=120, every=0.1)
            done_before = _done(scene)
            assert done_before < UNITS, f"the run finished before round {n + 1}"
            rounds.append((done_before, *_terminate_mid_commit(scene)))
        out = scene.wait(driver, timeout=300)

        (run_id, status), = scene.rows("SELECT id, status FROM runs")
        assert status == "done", out
        units = scene.rows("SELECT kind, unit, status, deliveries FROM run_units WHERE run_id = :r", r=run_id)
        assert sorted({(k, s) for k, _, s, _ in units}) == [("concept", "done"), ("export", "done")], units
        assert sum(1 for k, *_ in units if k == "concept") == UNITS
        # each worker caught mid-commit lost its transaction and retried the unit: delivered again
        logs = "".join((scene.project / "logs" / f"worker{n}.err").read_text() for n in (0, 1))
        retries = logs.count('"store unavailable; retrying"')
        assert retries >= ROUNDS, (retries, rounds)
        redelivered = sum(1 for k, _, _, deliveries in units if k == "concept" and deliveries >= 2)
        assert redelivered >= ROUNDS, (units, rounds)
        assert_run_whole(scene, run_id, UNITS)
        print(f"pg terminate: rounds (units done, workers caught, backends terminated) {rounds}; "
              f"{retries} unit retries, {redelivered} units delivered again, {time.monotonic() - started:.1f} s")
