"""What the throttle and two-runs fault tests share beyond ``fault_harness``: a scene on Redis database 15
(theirs alone, flushed before and after; the harness's ``fault_scene`` uses 13), and workers started side by
side rather than one after another (each takes seconds to import; four in a row would cost the test's budget).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scale.fault_harness import Scene, scene_on, wait_until

REDIS_DB15 = "redis://127.0.0.1:6379/15"


@pytest.fixture
def scene15(db_url: str, tmp_path: Path) -> Iterator[Scene]:
    """A fault scene on a private PostgreSQL database and Redis database 15 (broker and shared budget).
    ``db_url`` is asked for only so the PostgreSQL pass selects the test (see tests/conftest.py)."""
    with scene_on(tmp_path, REDIS_DB15, flush=True) as scene:
        scene.extra_env["ADLOOM_REDIS_URL"] = REDIS_DB15
        yield scene


def start_workers(scene: Scene, n: int, *args: str, ready_within: float = 120,
                  wait: bool = True) -> list[subprocess.Popen[str]]:
    """``n`` ``adloom worker ARGS`` started at once; with ``wait``, returns when every one says it is ready
    (else call ``wait_ready``: a driver may start meanwhile, its units wait in the queue)."""
    first = sum(1 for name in scene.names.values() if name.startswith("worker"))
    procs = [scene.start("worker", *args, log=f"worker{first + i}") for i in range(n)]
    if wait:
        wait_ready(scene, procs, ready_within)
    return procs


def wait_ready(scene: Scene, procs: list[subprocess.Popen[str]], ready_within: float = 120) -> None:
    logs = [scene.project / "logs" / f"{scene.names[proc.pid]}.err" for proc in procs]

    def all_ready() -> bool:
        for proc in procs:
            assert proc.poll() is None, f"a worker exited {proc.returncode}:\n{scene.tail(proc)}"
        return all("ready." in log.read_text() for log in logs)

    wait_until(f"{len(procs)} workers ready", all_ready, timeout=ready_within)
