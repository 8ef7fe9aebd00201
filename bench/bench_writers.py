"""Model-writer benchmark: the example brief against a fake model server that takes time as a real one does.

    .venv/bin/python bench/bench_writers.py                           # c = 1,2,4,8,16,32; cold at 16
    .venv/bin/python bench/bench_writers.py --concurrency 16 --cold 3 --speed 20

The server (``tests/writers_models/fake_model_server.py``) answers with the formula writer but times each
answer as llama.cpp's published batched-decoding figures say: time to first token + output tokens /
per-stream decode rate, 8 slots, per-stream speed falling as the batch grows; 10 % of first drafts fail
validation (re-asked) and 10 % fail governance (written again). Its clock runs ``--speed`` times faster
than life; every figure below is in simulated seconds (wall seconds x speed), so the client's own work
counts ``speed`` times heavier than it would against a real server: the ratios are pessimistic.

Two critical-path bounds, from the server's log of the run: the longest chain of dependent calls (brand,
angle pick, then one angle's concepts with their re-asks and rewrites, in order) summed with
- "alone": each call's time with the server to itself (prefill + decode at batch 1): no run can beat it;
- "served": each call's time from arrival at the server to its answer in this run, contention included:
  what the client's own overhead and scheduling add is wall / served.
Target (issue 17): at concurrency 16, wall <= 1.3 x the served bound.

Warm: runs in this process after an offline warm-up run (imports done, the sentence model loaded).
Cold: ``adloom run`` in a fresh process per repetition, timed from the process start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # for tests.writers_models

from adloom.pipeline.run import RunOptions, run
from adloom.store.db import open_store
from adloom.types import Campaign
from adloom.writers.formula import FormulaWriter
from adloom.writers.openai import OpenAIWriter
from tests.writers_models.fake_model_server import Profile, fake_model_server

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "restwave"
ADLOOM = Path(sys.executable).parent / "adloom"


def bounds(log: list[dict[str, Any]]) -> dict[str, Any]:
    """The critical-path bounds of one run from the server's log, in simulated seconds.

    Brand extraction, then the angle pick, then per angle: segment k+1's first draft is asked once segment
    k's first draft exists (re-asks included), while k's rewrites run beside it; so an angle's path is the
    longest of (first drafts of segments 1..k) + (rewrites of segment k)."""
    before = [s for s in log if s["angle"] is None]
    angles: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for s in sorted(log, key=lambda s: s["received"]):
        if s["angle"] is not None:
            angles.setdefault(s["angle"], {}).setdefault(s["segment"], []).append(s)
    out: dict[str, Any] = {"calls": len(log), "faults": sum(1 for s in log if s["fault"])}
    for name, cost in (("alone", lambda s: s["alone"]), ("served", lambda s: s["done"] - s["received"])):
        longest = 0.0
        for segments in angles.values():
            drafted = 0.0
            for calls in segments.values():           # in the order their first calls arrived
                drafted += sum(cost(s) for s in calls if s["stage"] == "draft")
                longest = max(longest, drafted + sum(cost(s) for s in calls if s["stage"] == "rewrite"))
        out[name] = sum(cost(s) for s in before) + longest
    return out


def _folder(work: Path, name: str) -> Path:
    folder = work / name / "restwave"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    return folder


async def warm_run(work: Path, name: str, concurrency: int, base_url: str | None) -> tuple[float, str]:
    folder = _folder(work, name)
    factory = open_store(f"sqlite:///{folder.parent / 'adloom.db'}")
    writer = (OpenAIWriter("some-model", base_url=base_url, api_key="test-key", timeout=600)
              if base_url else FormulaWriter())
    start = time.perf_counter()
    result = await run(folder, factory=factory, writer=writer, campaign=Campaign(), out_root=work / name / "out",
                       options=RunOptions(render=False, concurrency=concurrency))
    return time.perf_counter() - start, str(dict(result.summary.by_status))


def cold_run(work: Path, name: str, concurrency: int, base_url: str) -> tuple[float, str]:
    folder = _folder(work, name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    env |= {"ADLOOM_OPENAI_BASE_URL": base_url, "ADLOOM_OPENAI_API_KEY": "test-key",
            "ADLOOM_CONCURRENCY": str(concurrency), "ADLOOM_WRITER_TIMEOUT": "600"}
    start = time.perf_counter()
    done = subprocess.run([str(ADLOOM), "run", str(folder), "--writer", "openai:some-model", "--no-render",
                           "--project", str(folder.parent), "--out", str(folder.parent / "out")],
                          env=env, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 5):
        raise SystemExit(f"cold run failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, f"exit {done.returncode}"


def _row(label: str, concurrency: int, wall: float, profile: Profile, b: dict[str, Any], status: str) -> float:
    sim = wall * profile.speed
    ratio = sim / b["served"]
    print(f"| {label} | {concurrency} | {sim:7.1f} | {b['alone']:7.1f} | {sim / b['alone']:5.2f} | "
          f"{b['served']:7.1f} | **{ratio:4.2f}** | {b['calls']} ({b['faults']} faulty) | {status} |",
          flush=True)
    return ratio


def main(levels: list[int], cold: int, cold_at: int, profile: Profile) -> None:
    print(f"fake server: {profile.slots} slots, prefill {profile.prefill:.0f} t/s, decode/stream "
          f"{profile.per_stream(1):.1f} t/s alone .. {profile.per_stream(32):.1f} at 32, "
          f"speed x{profile.speed:g}, {profile.invalid_share:.0%} invalid + {profile.governance_share:.0%} "
          "governance-failing first drafts")
    print("\n| run | c | wall (sim s) | alone bound | wall/alone | served bound | wall/served | calls "
          "| outcome |\n|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        offline, _ = asyncio.run(warm_run(work, "offline", 16, None))     # warm-up: imports, sentence model
        for c in levels:
            with fake_model_server(profile) as server:
                wall, status = asyncio.run(warm_run(work, f"warm-{c}", c, server.base_url))
                _row("warm", c, wall, profile, bounds(server.log()), status)
        ratios = []
        for i in range(cold):
            with fake_model_server(profile) as server:
                wall, status = cold_run(work, f"cold-{i}", cold_at, server.base_url)
                ratios.append(_row("cold", cold_at, wall, profile, bounds(server.log()), status))
        print(f"\noffline warm-up run (formula writer, the non-model work): {offline:.2f} s wall")
        if ratios:
            print(f"cold c={cold_at}: median wall/served {statistics.median(ratios):.2f} over {len(ratios)} runs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", default="1,2,4,8,16,32", help="comma-separated levels (warm runs)")
    parser.add_argument("--cold", type=int, default=2, help="cold-process repetitions")
    parser.add_argument("--cold-at", type=int, default=16, help="concurrency of the cold runs")
    parser.add_argument("--speed", type=float, default=20.0, help="simulated seconds per wall second")
    parser.add_argument("--slots", type=int, default=8)
    parser.add_argument("--invalid-share", type=float, default=0.1)
    parser.add_argument("--governance-share", type=float, default=0.1)
    args = parser.parse_args()
    main([int(c) for c in args.concurrency.split(",")], args.cold, args.cold_at,
         Profile(slots=args.slots, speed=args.speed, invalid_share=args.invalid_share,
                 governance_share=args.governance_share))
