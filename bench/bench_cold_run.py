"""Issue 17: `adloom run --no-render` on the example brand, offline, each command in a fresh process.

Target: <= 2.5 s for a cold process. Four cases, side by side, each a fresh interpreter as a user types it:

    first-ever   a new project on a machine with empty per-user caches ($XDG_CACHE_HOME: the compiled rule
                 packs and Rego bundle are built once per user, for every later project)
    new project  another new project, per-user caches warm, its own project caches empty: the ordinary
                 cold run (what the target applies to)
    edited       the same project after one source edit (a new brand version: every concept written again)
    unchanged    the same project again, nothing changed (the earlier run's outputs stand)

Each case reports wall and CPU time (user + system of the child, comparable on a loaded machine) and the
run's own stage timings (wall, from the stored run summary); "outside stages" is start-up, imports, the
store and what the driver does between stages. The load average is printed beside the figures.

Bytecode: an installed adloom has its modules compiled (pip writes the .pyc files). This machine's shell sets
PYTHONDONTWRITEBYTECODE=1, under which every process compiled adloom's ~300 modules from source again
(~0.5-0.9 s CPU of each run, by cProfile); the children run without it, after an untimed `compileall` of
the package. ``--no-bytecode`` keeps the variable and skips the compile (.pyc files already on disk are
still read: it reproduces the old figures only in a checkout without them).

    .venv/bin/python bench/bench_cold_run.py [--repeat 3] [--no-bytecode]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "restwave"
CASES = ("first-ever", "new project", "edited", "unchanged")
STAGES = ("ingest+brand", "governance", "concepts", "dedupe", "export")


def fresh_project(root: Path, name: str) -> Path:
    project = root / name
    shutil.copytree(EXAMPLE, project / "restwave", ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    return project


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_run(project: Path, env: dict[str, str]) -> dict[str, float]:
    """One `adloom run --no-render` in a fresh interpreter: wall, CPU, and the stored run's stage times."""
    cmd = [sys.executable, "-m", "adloom.cli.main", "run", str(project / "restwave"), "--no-render",
           "--project", str(project), "--out", str(project / "out")]
    start, start_cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - start, _children_cpu() - start_cpu
    if done.returncode != 0:
        raise SystemExit(f"adloom run failed ({done.returncode}): {done.stderr[-1500:]}")
    figures = {"wall": wall, "cpu": cpu}
    if "nothing changed since run" not in done.stdout:
        with sqlite3.connect(project / ".adloom" / "adloom.db") as db:
            (summary,) = db.execute("SELECT summary FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        stages = json.loads(summary)["stage_seconds"]
        figures.update({s: float(stages.get(s, 0.0)) for s in STAGES})
    figures["outside stages"] = wall - sum(figures.get(s, 0.0) for s in STAGES)
    return figures


def one_repetition(root: Path, bytecode: bool) -> dict[str, dict[str, float]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["XDG_CACHE_HOME"] = str(root / "user-cache")         # never the user's own caches
    out = {"first-ever": cold_run(fresh_project(root, "p1"), env)}
    project = fresh_project(root, "p2")
    out["new project"] = cold_run(project, env)
    guide = project / "restwave" / "docs" / "product-guide.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nPulse packs into a gym bag in seconds.\n",
                     encoding="utf-8")
    out["edited"] = cold_run(project, env)
    out["unchanged"] = cold_run(project, env)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-bytecode", dest="bytecode", action="store_false",
                        help="keep PYTHONDONTWRITEBYTECODE and write no .pyc first")
    args = parser.parse_args()
    if args.bytecode:       # as pip leaves an installed package; untimed
        import adloom

        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(adloom.__file__).parent)], check=True,
                       env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    reps, loads = [], [os.getloadavg()[0]]
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            reps.append(one_repetition(Path(tmp), args.bytecode))
        loads.append(os.getloadavg()[0])
    print(f"adloom run --no-render, example brand, fresh process each; medians of {args.repeat}; "
          f"bytecode {'compiled first' if args.bytecode else 'not written'}; "
          f"{os.cpu_count()} cpus, load average {min(loads):.1f}-{max(loads):.1f} (1 min)")
    columns = ("wall", "cpu", *STAGES, "outside stages")
    print(f"  {'case':<12}" + "".join(f"{c:>15}" for c in columns))
    for case in CASES:
        row = [statistics.median(r[case].get(c, 0.0) for r in reps) for c in columns]
        print(f"  {case:<12}" + "".join(f"{v:>13.2f} s" for v in row))
    new = statistics.median(r["new project"]["wall"] for r in reps)
    new_cpu = statistics.median(r["new project"]["cpu"] for r in reps)
    print(f"  target: new project <= 2.5 s cold: {new:.2f} s wall, {new_cpu:.2f} s CPU "
          f"({'met' if new_cpu <= 2.5 else 'not met'} by CPU time)")
    for i, rep in enumerate(reps, 1):
        print(f"  repetition {i} (wall / CPU s): "
              + "; ".join(f"{case} {rep[case]['wall']:.2f} / {rep[case]['cpu']:.2f}" for case in CASES))


if __name__ == "__main__":
    main()
