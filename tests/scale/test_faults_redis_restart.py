"""Restart Redis during a run: the broker is killed (SIGKILL) with units done and units still queued, and
started again on the same port, empty. The driver sees a new Redis (its ``run_id`` changed) and sends every
unfinished unit again; the workers reconnect and finish them; nothing is lost and nothing is stored twice.

The Redis is the test's own ``redis-server`` (no persistence, like the machine's), never the shared one on
6379. Without persistence a restart loses every queued message, the unacknowledged ones too, so the run can
only complete through adloom's own recovery; with AOF Redis would hand the queue back itself and the test
would prove less. ``ADLOOM_UNIT_RESEND_AFTER`` is long, so the timer cannot be what rescues the run.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.scale.fault_harness import assert_run_whole, example_run_on_private_redis, wait_until

UNITS = 15      # the example brand: 5 angles x 3 segments


def test_redis_restarted_mid_run(db_url: str, tmp_path: Path) -> None:
    """``db_url`` only so the PostgreSQL pass selects the test; the scene makes its own database."""
    started = time.monotonic()
    with example_run_on_private_redis(tmp_path) as (redis_server, scene, driver):
        def done_units() -> int:
            return int(scene.scalar("SELECT count(*) FROM run_units WHERE kind = 'concept' AND status = 'done'"))
        wait_until("some units done", lambda: driver.poll() is not None or done_units() >= 3, timeout=300,
                   every=0.05)
        before = redis_server.run_id()
        redis_server.kill()
        done_at_kill = done_units()
        unfinished = {u for (u,) in scene.rows("SELECT unit FROM run_units WHERE kind = 'concept' "
                                               "AND status <> 'done'")}
        time.sleep(2.0)            # down long enough for every client to lose its connection
        redis_server.start()
        assert redis_server.run_id() != before
        assert 0 < done_at_kill < UNITS, f"the restart was not mid-run: {done_at_kill} units done"
        out = scene.wait(driver, timeout=300)

        (run_id, status), = scene.rows("SELECT id, status FROM runs")
        assert status == "done", out
        units = scene.rows("SELECT kind, unit, status, sends FROM run_units WHERE run_id = :r", r=run_id)
        assert sorted({(k, s) for k, _, s, _ in units}) == [("concept", "done"), ("export", "done")], units
        assert sum(1 for k, *_ in units if k == "concept") == UNITS
        # the queue came back empty, so what finished after the restart was sent again by the driver
        resent = {u for k, u, _, sends in units if k == "concept" and sends >= 2}
        assert resent and resent <= unfinished, (resent, unfinished)
        driver_log = (scene.project / "logs" / "driver.err").read_text()
        assert "the broker restarted" in driver_log, driver_log[-3000:]
        assert_run_whole(scene, run_id, UNITS)     # nothing lost: every unit's concept is the run's, once
        print(f"redis restart: {done_at_kill}/{UNITS} units done at the kill, {len(resent)} sent again, "
              f"{time.monotonic() - started:.1f} s")
