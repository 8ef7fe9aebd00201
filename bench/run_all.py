"""Run every benchmark in bench/ in turn, each in its own interpreter (`make bench`).

Each script prints its own figures; those measured inside the script after its first repetition are warm
(imports done, models loaded, caches filled by earlier repetitions). Beside them this runner prints what
the whole script cost as a cold process (a fresh interpreter: start-up, imports, model loads), wall and CPU,
so no headline reads as cold when it is warm. Scripts with a per-repetition cold mode say so themselves:
bench_text.py (every command in a fresh process), bench_verdict.py --end-to-end --cold-processes N,
bench_ingest.py and bench_feedback_import.py.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name}  (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus)", flush=True)
        start, cpu = time.perf_counter(), _children_cpu()
        code = subprocess.run([sys.executable, str(script)]).returncode
        print(f"=== {script.name}: cold process, whole script: {time.perf_counter() - start:.1f} s wall, "
              f"{_children_cpu() - cpu:.1f} s CPU", flush=True)
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
