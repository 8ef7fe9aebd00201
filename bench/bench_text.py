"""Text stages of `adloom run` on the example brand (ingest -> export, no rendering), offline writer.

Targets: issue 2, a rerun of the unchanged brand <= 20 % of the first run, >= 75 distinct hooks; issue 17,
`adloom --help` <= 0.5 s and the first run <= 2.5 s *in a cold process*. Every figure is given both ways,
labelled: COLD, a fresh interpreter per command (start-up, imports, model loads and a fresh project:
what a user waits for), and WARM, the driver called again inside one interpreter (the first call there
still loads the sentence model and rule packs; the repeats do not).

    .venv/bin/python bench/bench_text.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.store.db import open_store
from adloom.types import Campaign
from adloom.writers.registry import get_writer

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "restwave"


def fresh_brand(tmp: Path) -> Path:
    target = tmp / "restwave"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    return target


async def one_pair(tmp: Path) -> tuple[float, float, float, int, int]:
    """First run, unchanged rerun (the earlier run's outputs stand), forced rerun (every concept reused)."""
    folder = fresh_brand(tmp)
    factory = open_store(f"sqlite:///{tmp / 'bench.db'}")

    async def once(force: bool = False) -> tuple[float, RunResult]:
        start = time.perf_counter()
        result = await run(folder, factory=factory, writer=get_writer("formula"), campaign=Campaign(),
                           out_root=tmp / "out", options=RunOptions(render=False, force=force,
                                                                    cache_dir=tmp / "cache"))
        return time.perf_counter() - start, result

    first_s, first = await once()
    rerun_s, rerun = await once()
    forced_s, forced = await once(force=True)
    assert rerun.summary.reused_run == first.summary.run_id, "the unchanged rerun did not reuse the run"
    assert forced.summary.reused == forced.summary.concepts, "the forced rerun did not reuse stored concepts"
    hooks = {h.text.lower() for c in first.concepts if c.draft for h in c.draft.hooks}
    return first_s, rerun_s, forced_s, len(hooks), first.summary.concepts


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


COLD_CPU: list[tuple[float, ...]] = []      # the same commands' CPU seconds (comparable under load)


def cold_processes(tmp: Path) -> tuple[float, float, float, float]:
    """Each command in a fresh interpreter, as a user types them: `adloom --help`, then on a fresh project
    the first run, the unchanged rerun and a forced rerun (wall time, start to exit)."""
    folder = fresh_brand(tmp)
    cli = [sys.executable, "-m", "adloom.cli.main"]
    run_cmd = [*cli, "run", str(folder), "--no-render", "--out", str(tmp / "out"), "--project", str(tmp)]
    times, cpu = [], []
    for cmd in ([*cli, "--help"], run_cmd, run_cmd, [*run_cmd, "--force"]):
        start, start_cpu = time.perf_counter(), _children_cpu()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - start_cpu)
    COLD_CPU.append(tuple(cpu))
    return times[0], times[1], times[2], times[3]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    firsts, reruns, forced = [], [], []
    hooks = concepts = 0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            f, r, fo, hooks, concepts = asyncio.run(one_pair(Path(tmp)))
            firsts.append(f)
            reruns.append(r)
            forced.append(fo)
    colds = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            colds.append(cold_processes(Path(tmp)))
    c_help, c_first, c_rerun, c_forced = (statistics.median(x) for x in zip(*colds, strict=True))
    warm_first = statistics.median(firsts[1:]) if len(firsts) > 1 else firsts[0]
    rerun, force = statistics.median(reruns), statistics.median(forced)
    print(f"text stages, example brand, formula writer, full governance; load {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cpus; medians of {args.repeat}")
    print(f"  concepts {concepts}, distinct hooks {hooks} (target >= 75)")
    print("                   COLD: fresh process each    WARM: in-process (same interpreter)")
    print(f"  adloom --help    {c_help:6.2f} s                    -                       (target <= 0.5 s)")
    print(f"  first run        {c_first:6.2f} s (target <= 2.5 s)   {firsts[0]:6.2f} s 1st in process, "
          f"{warm_first:6.2f} s repeats (models loaded)")
    print(f"  unchanged rerun  {c_rerun:6.2f} s                  {rerun:6.3f} s")
    print(f"  forced rerun     {c_forced:6.2f} s                  {force:6.3f} s  (concepts reused from the store)")
    print(f"  rerun/first      {c_rerun / c_first:6.1%}                  {rerun / warm_first:6.1%}  (target <= 20 %)")
    print("  cold per repetition (help, first, rerun, forced): "
          + "; ".join(", ".join(f"{t:.2f}" for t in rep) for rep in colds))
    print("  cold CPU s per repetition (help, first, rerun, forced): "
          + "; ".join(", ".join(f"{t:.2f}" for t in rep) for rep in COLD_CPU))
    print("  warm first runs in order: " + ", ".join(f"{t:.2f}" for t in firsts))


if __name__ == "__main__":
    main()
