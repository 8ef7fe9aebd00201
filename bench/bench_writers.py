"""Model-writer benchmark: the example brief against a local OpenAI-protocol server answering in 300 ms.

    .venv/bin/python bench/bench_writers.py                 # latency 0.3 s, concurrency 16 and 1
    .venv/bin/python bench/bench_writers.py --latency 0.1 --concurrency 8 --repeat 5

Target (issue 4): wall time at concurrency 16 <= 1.25 x the critical-path bound, where the bound is the
number of dependent model calls on the longest chain x the latency. In the driver, the segments of one
angle are written in order (each told the hooks the previous used), so the longest chain is the most
model calls made for any one angle. Reported in the same run: wall time at concurrency 1, the ratio,
and the rerun (cache) time, which must make zero model calls. The concurrent run is repeated (each time
a fresh brand folder and store) and its median is the figure; the range is printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # for tests.writers_models.server

from adloom.governance import embeddings
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.store.db import open_store
from adloom.types import Campaign
from adloom.writers.formula import FormulaWriter
from adloom.writers.openai import OpenAIWriter
from tests.writers_models.server import serve_in_process

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "restwave"


def _longest_chain(result: RunResult) -> int:
    """Dependent model calls: brand extraction, then the angle pick, then each angle's segments one after
    another (with their regenerations); the longest angle sets the chain."""
    per_angle: dict[str, int] = {}
    for concept in result.concepts:
        calls = len(result.verdicts.get(concept.id, [])) or concept.attempt
        per_angle[concept.angle.id] = per_angle.get(concept.angle.id, 0) + calls
    usage = result.summary.writer_usage
    before = sum(1 for stage in ("brand", "angles") if usage.get(stage, {}).get("calls"))
    return before + max(per_angle.values())


async def _one(work: Path, folder_name: str, base_url: str | None, concurrency: int,
               store_dir: Path | None = None, label: str | None = None,
               force: bool = False) -> tuple[float, RunResult, Path]:
    label = label or folder_name
    folder = work / folder_name / "restwave"
    if not folder.exists():
        shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    store_dir = store_dir or folder.parent
    factory = open_store(f"sqlite:///{store_dir / 'adloom.db'}")
    # each run starts with the sentence model's in-process cache empty, as a new process would: the
    # offline run's drafts resemble the fake server's (it answers with the same formula writer)
    embeddings._DEFAULT.clear()
    model = (OpenAIWriter("some-model", base_url=base_url, api_key="test-key") if base_url else FormulaWriter())
    start = time.perf_counter()     # the driver wraps the writer: cache, retries, one stored row per call
    result = await run(folder, factory=factory, writer=model, campaign=Campaign(), out_root=work / "out",
                       options=RunOptions(render=False, concurrency=concurrency, force=force))
    wall = time.perf_counter() - start
    usage = {} if result.summary.reused_run else result.summary.writer_usage.get("total", {})
    print(f"  {label:<8} c={concurrency:<3} wall {wall:6.2f} s   concepts stage "
          f"{result.summary.stage_seconds.get('concepts', 0):6.2f} s   model calls {usage.get('calls', 0):>3}"
          f" (cache hits {usage.get('cache_hits', 0)})   tokens {usage.get('input_tokens', 0)}+"
          f"{usage.get('output_tokens', 0)}   by status {result.summary.by_status}")
    return wall, result, store_dir


async def main(latency: float, concurrency: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, serve_in_process("openai", delay=latency) as base_url:
        work = Path(tmp)
        print(f"example brief, local OpenAI-protocol server answering after {latency * 1000:.0f} ms")
        offline, _, _ = await _one(work, "formula", None, concurrency)
        fast, result, store_dir = await _one(work, "model", base_url, concurrency)
        walls = [fast] + [(await _one(work, f"model-{i}", base_url, concurrency, label="model"))[0]
                          for i in range(2, repeat + 1)]
        fast = statistics.median(walls)
        rerun, again, _ = await _one(work, "model", base_url, concurrency, store_dir, label="rerun")
        forced, forced_result, _ = await _one(work, "model", base_url, concurrency, store_dir, label="forced",
                                              force=True)
        slow, _, _ = await _one(work, "serial", base_url, 1)
        chain = _longest_chain(result)
        bound = chain * latency
        print()
        print(f"critical path: {chain} dependent model calls x {latency:.2f} s = {bound:.2f} s")
        print(f"offline (formula) wall time, the non-model work: {offline:.2f} s")
        print(f"wall c={concurrency}: median of {len(walls)} {fast:.2f} s (range {min(walls):.2f}-{max(walls):.2f})"
              f"  -> {fast / bound:.2f} x bound (range {min(walls) / bound:.2f}-{max(walls) / bound:.2f};"
              f" target <= 1.25)")
        concepts = result.summary.stage_seconds["concepts"]
        print(f"concepts stage c={concurrency}: {concepts:.2f} s -> {concepts / bound:.2f} x bound")
        print(f"wall c=1: {slow:.2f} s  -> c=1 / c={concurrency} = {slow / fast:.2f}x")
        print(f"rerun (unchanged brief): {rerun:.2f} s, earlier run's outputs reused: "
              f"{again.summary.reused_run is not None}, model calls 0")
        calls = forced_result.summary.writer_usage.get("total", {})
        print(f"forced rerun: {forced:.2f} s, concepts reused {forced_result.summary.reused}/"
              f"{forced_result.summary.concepts}, calls {calls.get('calls', 0)} of which cache hits "
              f"{calls.get('cache_hits', 0)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=5, help="runs at the chosen concurrency; the median counts")
    args = parser.parse_args()
    asyncio.run(main(args.latency, args.concurrency, max(1, args.repeat)))
