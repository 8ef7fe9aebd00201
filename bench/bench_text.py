"""Text stages of `adloom run` on the example brand (ingest -> export, no rendering), offline writer.

Targets (issue 2): first run <= 2 s wall on the 2-core machine with >= 75 distinct hooks; a rerun of
the unchanged brand <= 20 % of the first run. Both are measured here side by side, in-process (the
driver) and as whole CLI commands (interpreter start-up and imports included).

    .venv/bin/python bench/bench_text.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
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


def cli_pair(tmp: Path) -> tuple[float, float]:
    folder = fresh_brand(tmp)
    cmd = [sys.executable, "-m", "adloom.cli.main", "run", str(folder), "--no-render", "--out", str(tmp / "out"),
           "--project", str(tmp)]
    times = []
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


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
    with tempfile.TemporaryDirectory() as tmp:
        cli_first, cli_second = cli_pair(Path(tmp))
    first, rerun, force = (statistics.median(x) for x in (firsts, reruns, forced))
    print(f"text stages, example brand, formula writer, full governance, median of {args.repeat}")
    print(f"  concepts {concepts}, distinct hooks {hooks} (target >= 75)")
    print(f"  first run        {first:6.3f} s in-process   {cli_first:6.3f} s CLI   (target <= 2 s)")
    print(f"  unchanged rerun  {rerun:6.3f} s in-process   {cli_second:6.3f} s CLI")
    print(f"  forced rerun     {force:6.3f} s in-process   (every concept reused from the store)")
    print(f"  rerun/first      {rerun / first:6.1%} in-process   {cli_second / cli_first:6.1%} CLI  (target <= 20 %)")
    print(f"  forced/first     {force / first:6.1%} in-process")


if __name__ == "__main__":
    main()
