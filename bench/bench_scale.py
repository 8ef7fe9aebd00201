"""Scale-out (issue 19): 20 brands (up to 15 concepts each) through the celery executor on 1, 2 and 4 `adloom worker`
processes, beside the in-process executor, all in one run.

    .venv/bin/python bench/bench_scale.py                 # 20 brands, workers 1,2,4, model speed x100
    .venv/bin/python bench/bench_scale.py --quick         # 4 brands
    .venv/bin/python bench/bench_scale.py --workers 1,2,4 --worker-concurrency 1 --speed 100 [--flat-model]

The model is the stand-in of ``tests/writers_models/fake_model_server.py`` (a fake, named so): answers from the
formula writer, timed as a llama.cpp server times them (time to first token + output tokens / per-stream decode
rate, 8 slots, per-stream speed falling as the batch grows: 41.6 t/s alone, 25.5 at 2, 18.6 at 4, 17.4 at 8),
with 10 % invalid and 10 % governance-failing first drafts; its clock runs ``--speed`` times faster than life.
Every brand's run is driven from this process (all brands at once, as the API starts background runs), with
the OpenAI-protocol writer against the stand-in, rendering off, each configuration on its own private
PostgreSQL database (created, migrated, dropped) so no concept is reused from an earlier configuration;
Redis database 9 is the broker (flushed before and after).

Warm and cold: an offline warm-up pass (formula writer, a throwaway database) first fills the per-user caches
(compiled rule packs, Rego bundle) and the project's embedding cache, so every measured pass has a warm
driver; the workers are fresh processes each configuration (started and ready before the clock starts; their
models load at their first unit, inside the clock: cold workers).

Speed-up is the in-process wall time over the configuration's; scaling efficiency is the throughput at N
workers over N x the throughput at 1 worker. The model-bound ceiling beside it is what the stand-in's batch
curve allows N concurrent units (aggregate decode rate at batch N over N x the rate alone).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # for tests.writers_models


from adloom.pipeline.run import RunOptions, run  # noqa: E402
from adloom.store.db import open_store  # noqa: E402
from adloom.types import Campaign  # noqa: E402
from adloom.writers.base import Writer  # noqa: E402
from adloom.writers.formula import FormulaWriter  # noqa: E402
from tests.scale.celery_env import private_database  # noqa: E402
from tests.writers_models.fake_model_server import LLAMACPP_DECODE, Profile, fake_model_server  # noqa: E402

ADMIN_URL = os.environ.get("ADLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BROKER_URL = "redis://127.0.0.1:6379/9"       # this benchmark's Redis database only
ADLOOM = str(Path(sys.executable).with_name("adloom"))
MODEL = "openai:fake-model"


# ---------------------------------------------------------------- brands, stores, broker, workers


def candidate_brands(root: Path, limit: int) -> list[Path]:
    """The example brand and the evaluation brands in git (up to ``limit``), copied to run."""
    tracked = subprocess.run(["git", "ls-files", "evals/brands"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    names = sorted({Path(p).parts[2] for p in tracked} - {"restwave"})
    sources = [REPO / "examples" / "restwave", *(REPO / "evals" / "brands" / name for name in names)][:limit]
    for source in sources:
        shutil.copytree(source, root / source.name, ignore=shutil.ignore_patterns(".adloom", "brand.yaml",
                                                                                  "labels.yaml"))
    return [root / source.name for source in sources]


def measured_brands(clean: list[Path], root: Path, n: int) -> list[Path]:
    """``n`` brands: the clean candidates, then copies of them with one sentence added to a document (a new
    brand version: new concepts, none reused)."""
    out = list(clean[:n])
    for i in range(n - len(out)):
        source = clean[i % len(clean)]
        target = root / f"{source.name}-copy{i // len(clean) + 1}"
        shutil.copytree(source, target)
        doc = sorted(p for p in target.rglob("*") if p.suffix in (".md", ".txt", ".html") and p.is_file())[0]
        doc.write_text(doc.read_text(encoding="utf-8") + f"\nCopy {i // len(clean) + 1}: made for teams.\n",
                       encoding="utf-8")
        out.append(target)
    return out


def flush_broker() -> None:
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()


def env_for(db_url: str, model_url: str, out: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    env.update(ADLOOM_DATABASE_URL=db_url, ADLOOM_BROKER_URL=BROKER_URL, ADLOOM_OUTPUT_ROOT=str(out),
               ADLOOM_OPENAI_BASE_URL=model_url, ADLOOM_OPENAI_API_KEY="test-key", ADLOOM_WRITER_TIMEOUT="600",
               PYTHONUNBUFFERED="1")
    return env


@contextmanager
def workers(n: int, concurrency: int, env: dict[str, str], logs: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """``n`` `adloom worker` processes, returned once each says it is ready; SIGTERM (then SIGKILL) after."""
    logs.mkdir(parents=True, exist_ok=True)
    procs = []
    try:
        for i in range(n):
            cmd = [ADLOOM, "worker", "--concurrency", str(concurrency)]
            procs.append(subprocess.Popen(cmd, env=env, text=True, stdout=(logs / f"worker{i}.out").open("w"),
                                          stderr=(logs / f"worker{i}.err").open("w"), start_new_session=True))
        for i, proc in enumerate(procs):
            deadline = time.monotonic() + 120
            while "ready." not in (logs / f"worker{i}.err").read_text():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"worker {i} did not start:\n{(logs / f'worker{i}.err').read_text()[-2000:]}")
                time.sleep(0.2)
        yield procs
    finally:
        for proc in procs:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


# ---------------------------------------------------------------- one pass: every brand at once


async def all_brands(folders: list[Path], db_url: str, project: Path, writer: Writer, executor: str,
                     writer_spec: str) -> list[dict[str, int]]:
    factory = open_store(db_url)
    options = RunOptions(render=False, project_dir=project, cache_dir=project / ".adloom" / "cache" / "embeddings")

    def the_executor() -> Any:
        if executor == "inprocess":
            return None
        from adloom.scale.executor import CeleryExecutor
        from adloom.settings import Settings

        return CeleryExecutor.from_settings(Settings(), writer_spec, project / "out")

    results = await asyncio.gather(*(
        run(folder, factory=factory, writer=writer, campaign=Campaign(), out_root=project / "out",
            options=options, executor=the_executor()) for folder in folders))
    factory.kw["bind"].dispose()
    return [dict(result.summary.by_status) for result in results]


def total(per_brand: list[dict[str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for brand in per_brand:
        for status, k in brand.items():
            counts[status] = counts.get(status, 0) + k
    return counts


def one_pass(folders: list[Path], root: Path, label: str, profile: Profile, n_workers: int,
             worker_concurrency: int) -> dict[str, Any]:
    """A configuration on a fresh database and a fresh model stand-in: wall time for every brand's run."""
    from adloom.settings import Settings
    from adloom.writers.registry import get_writer

    project = root / "project"               # shared across passes: the warm-up filled its caches
    with private_database("bench_scale", ADMIN_URL) as db_url, fake_model_server(profile) as model:
        env = env_for(db_url, model.base_url, project / "out")
        saved = dict(os.environ)
        os.environ.update({k: v for k, v in env.items() if k.startswith("ADLOOM_")})
        flush_broker()
        try:
            writer = get_writer(MODEL, **Settings().writer_options(MODEL))
            with workers(n_workers, worker_concurrency, env, root / "logs" / label):
                load = os.getloadavg()[0]
                start = time.perf_counter()
                counts = total(asyncio.run(all_brands(folders, db_url, project, writer,
                                                      "celery" if n_workers else "inprocess", MODEL)))
                wall = time.perf_counter() - start
        finally:
            os.environ.clear()
            os.environ.update(saved)
            flush_broker()
        served = model.log()
    concepts = sum(counts.values())
    calls = sum(1 for s in served if s["status"] == 200)
    print(f"  {label}: {wall:.1f} s, {concepts} concepts {counts}, {calls} model calls, load {load:.1f} at start",
          flush=True)
    return {"label": label, "workers": n_workers, "wall": wall, "concepts": concepts, "calls": calls, "load": load}


def warm_up(folders: list[Path], root: Path) -> tuple[float, list[Path]]:
    """The offline pass that fills the per-user and project caches (not measured beside the others), and
    says which brands the formula writer (the stand-in's answers) writes whole: a brand it cannot write a
    concept for would be measuring the writer's retries, not the executor."""
    project = root / "project"
    start = time.perf_counter()
    with private_database("bench_scale", ADMIN_URL) as db_url:
        per_brand = asyncio.run(all_brands(folders, db_url, project, FormulaWriter(), "inprocess", "formula"))
    clean = [folder for folder, counts in zip(folders, per_brand, strict=True) if not counts.get("failed")]
    return time.perf_counter() - start, clean


def ceiling(profile: Profile, n: int) -> float:
    """Scaling efficiency the stand-in's batch curve allows n units decoding at once (1.0 = linear)."""
    return profile.per_stream(min(n, profile.slots)) / profile.per_stream(1) * min(n, profile.slots) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--brands", type=int, default=20, help="brands (each: its angles x segments concepts)")
    parser.add_argument("--quick", action="store_true", help="4 brands")
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker-process counts")
    parser.add_argument("--worker-concurrency", type=int, default=1, help="pool processes per `adloom worker`")
    parser.add_argument("--speed", type=float, default=100.0,
                        help="the stand-in's simulated seconds per wall second (a concept draft is ~70 s alone)")
    parser.add_argument("--flat-model", action="store_true",
                        help="a hosted API's profile instead of llama.cpp's: 64 slots, per-stream speed not "
                             "falling with load (the executor's scaling without the server's batch curve)")
    args = parser.parse_args()
    brands = 4 if args.quick else args.brands
    profile = (Profile(speed=args.speed, slots=64, decode={1: LLAMACPP_DECODE[1]}) if args.flat_model
               else Profile(speed=args.speed))
    levels = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="adloom-bench-scale-") as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "user-cache")      # never the user's own caches
        candidates = candidate_brands(root / "brands", brands + 4)
        loads = [os.getloadavg()[0]]
        print(f"{brands} brands; model stand-in speed x{args.speed:g}, {profile.slots} slots; "
              f"{os.cpu_count()} cpus", flush=True)
        took, clean = warm_up(candidates, root)
        folders = measured_brands(clean, root / "brands", brands)
        print(f"  warm-up (offline formula writer, fills caches): {took:.1f} s; {len(clean)} of {len(candidates)} "
              f"candidate brands written whole; measured: {', '.join(f.name for f in folders)}", flush=True)
        rows = [one_pass(folders, root, "in-process", profile, 0, 0)]
        for n in levels:
            rows.append(one_pass(folders, root, f"celery, {n} worker{'s' if n > 1 else ''}", profile, n,
                                 args.worker_concurrency))
        loads.append(os.getloadavg()[0])
    base, one = rows[0], next((r for r in rows if r["workers"] == 1), None)
    model = "flat (hosted-API-like)" if args.flat_model else "llama.cpp batch curve"
    print(f"\n{brands} brands, all brands' runs at once from one driver process; `adloom worker --concurrency "
          f"{args.worker_concurrency}` each; stand-in: {model}, {profile.slots} slots, speed x{args.speed:g}; "
          f"{os.cpu_count()} cores, load average {min(loads):.1f}-{max(loads):.1f} (1 min)")
    print("| executor | wall s | concepts/s | speed-up vs in-process | scaling efficiency vs 1 worker "
          "| model-bound ceiling | model calls |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rate = r["concepts"] / r["wall"]
        if r["workers"] and one is not None:
            eff = rate / (r["workers"] * one["concepts"] / one["wall"])
            n_units = r["workers"] * args.worker_concurrency
            eff_s, ceil_s = f"{eff:.0%}", f"{ceiling(profile, n_units):.0%}"
        else:
            eff_s, ceil_s = "-", "-"
        print(f"| {r['label']} | {r['wall']:.1f} | {rate:.2f} | {base['wall'] / r['wall']:.2f}x | {eff_s} | {ceil_s} "
              f"| {r['calls']} |")


if __name__ == "__main__":
    main()
