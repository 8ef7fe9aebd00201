"""Loading the Rego bundle stays cheap in a shell with RUST_BACKTRACE=1 (issue 17): probing for undefined
decision rules raises inside regorus, and without RUST_LIB_BACKTRACE=0 each error captured a native backtrace
(0.55-0.6 s CPU inside the run's event loop, against ~0.02 s). A real process, its own CPU clock."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import asyncio, time
from adloom.governance import rego

async def load() -> float:
    start = time.thread_time()
    rego.default_bundle()
    return time.thread_time() - start

print(asyncio.run(load()))
"""


def test_bundle_load_inside_the_event_loop_is_cheap_with_rust_backtrace_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "RUST_LIB_BACKTRACE"} | {"RUST_BACKTRACE": "1"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    assert float(done.stdout.strip()) < 0.2, done.stdout
