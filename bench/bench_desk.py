"""Review desk benchmark: queue page, item page and decision POST latency with a large queue in PostgreSQL.

    .venv/bin/python bench/bench_desk.py                      # 100,000 queued concepts
    .venv/bin/python bench/bench_desk.py --concepts 10000 --requests 200

Targets (issue 13): queue page and item page p95 <= 100 ms, decision POST p95 <= 50 ms, with 100,000
concepts in PostgreSQL. The server is `adloom serve` in its own process; the load comes from an httpx async
client in another process (c concurrent connections), with /health measured the same way as the baseline.

The store is synthesised directly: the example brand is run once (real concepts, verdicts, brand version,
audit events), then its review-routed concepts are cloned in SQL to N rows (new ids, random risk), with a
verdict and a queue row each; building it is not what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from adloom.store import accounts
from adloom.store.db import make_engine, open_store, transaction

PG_URL = os.environ.get("ADLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench password 1"


def build(url: str, project: Path, n: int) -> None:
    sys.path.insert(0, str(REPO))
    from tests.api.seed import seed  # the same real seed the desk tests use

    factory = open_store(url)
    t0 = time.perf_counter()
    seeded = seed(factory, project, 15)
    with transaction(factory) as session:
        accounts.add_user(session, "bench", "reviewer", PASSWORD)
        base = seeded.queued
        session.execute(text("CREATE TEMP TABLE clone_src AS SELECT row_number() OVER () - 1 AS k, id FROM concepts "
                             "WHERE id = ANY(:ids)"), {"ids": base})
        m = len(base)
        clone = ("SELECT i, md5('bench' || i) AS nid, s.id AS src FROM generate_series(1, :n) AS i "
                 "JOIN clone_src s ON s.k = i % :m")
        session.execute(text(f"""INSERT INTO concepts (id, brand_slug, brand_version, angle_id, segment_id, writer_id,
                status, attempts, created_at, payload)
            SELECT x.nid, c.brand_slug, c.brand_version, c.angle_id, c.segment_id, c.writer_id, 'review', c.attempts,
                   c.created_at, jsonb_set(c.payload::jsonb, '{{id}}', to_jsonb(x.nid))::json
            FROM ({clone}) x JOIN concepts c ON c.id = x.src"""), {"n": n, "m": m})
        session.execute(text(f"""INSERT INTO verdicts (concept_id, attempt, route, created_at, payload)
            SELECT x.nid, v.attempt, v.route, v.created_at,
                   jsonb_set(v.payload::jsonb, '{{concept_id}}', to_jsonb(x.nid))::json
            FROM ({clone}) x JOIN verdicts v ON v.concept_id = x.src"""), {"n": n, "m": m})
        session.execute(text(f"""INSERT INTO run_concepts (run_id, concept_id, position, reused)
            SELECT :run, x.nid, 1000 + x.i, 0 FROM ({clone}) x"""), {"n": n, "m": m,
                                                                     "run": seeded.result.summary.run_id})
        session.execute(text(f"""INSERT INTO review_items (concept_id, brand_slug, run_id, angle_id, segment_id,
                platforms, risk, state, group_key, queued_at)
            SELECT x.nid, c.brand_slug, :run, c.angle_id, c.segment_id, ',google,meta,tiktok,',
                   round((0.36 + random() * 0.6)::numeric, 4), 'pending', md5(c.angle_id || (x.i % 997)), now()
            FROM ({clone}) x JOIN concepts c ON c.id = x.src"""), {"n": n, "m": m,
                                                                  "run": seeded.result.summary.run_id})
    with make_engine(url).begin() as conn:
        conn.execute(text("ANALYZE"))
    print(f"store: {n:,} queued concepts synthesised in {time.perf_counter() - t0:.1f} s")


def _login(base: str) -> tuple[dict[str, str], str]:
    with httpx.Client(base_url=base) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf": csrf})
        desk = client.get("/desk", headers={"accept": "text/html"})
        token = re.search(r'name="csrf" value="([^"]+)"', desk.text).group(1)  # type: ignore[union-attr]
        return dict(client.cookies), token


async def _load(base: str, cookies: dict[str, str], csrf: str, kind: str, targets: list[str], requests: int,
                concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue = list(range(requests))
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
        async def worker() -> None:
            while queue:
                i = queue.pop()
                start = time.perf_counter()
                if kind == "health":
                    resp = await client.get("/health")
                elif kind == "queue":
                    resp = await client.get("/desk", params={"state": "pending"}, headers={"accept": "text/html"})
                elif kind == "item":
                    resp = await client.get(f"/desk/items/{targets[i % len(targets)]}",
                                            headers={"accept": "text/html"})
                else:
                    resp = await client.post(f"/api/review/items/{targets[i]}/decision",
                                             json={"decision": "approve", "seconds": 1.0},
                                             headers={"x-csrf-token": csrf})
                latencies.append((time.perf_counter() - start) * 1000)
                if resp.status_code != 200:
                    raise RuntimeError(f"{kind}: {resp.status_code} {resp.text[:200]}")
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def _client_process(args: tuple[Any, ...]) -> list[float]:
    return asyncio.run(_load(*args))


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc): unlike latency, it does not stretch when other
    work shares the cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(base: str, kind: str, targets: list[str], requests: int, concurrency: int,
            server_pid: int | None = None) -> dict[str, float]:
    cookies, csrf = _login(base)
    ctx = multiprocessing.get_context("spawn")
    before = cpu_seconds(server_pid) if server_pid else 0.0
    with ctx.Pool(1) as pool:        # the load generator never shares a process (or its GIL) with the server
        lat = pool.apply(_client_process, ((base, cookies, csrf, kind, targets, requests, concurrency),))
    cpu = (cpu_seconds(server_pid) - before) if server_pid else float("nan")
    lat.sort()
    return {"n": len(lat), "p50": statistics.median(lat), "p95": lat[int(0.95 * (len(lat) - 1))],
            "max": lat[-1], "rps": len(lat) / (sum(lat) / 1000 / concurrency), "cpu_ms": cpu * 1000 / len(lat)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reuse", nargs=2, metavar=("SCHEMA", "PROJECT"),
                        help="measure a store built before (schema and project folder; kept afterwards): "
                             "building 100,000 items takes minutes")
    args = parser.parse_args()
    reuse = args.reuse is not None
    schema = args.reuse[0] if reuse else "bench_desk_" + uuid.uuid4().hex[:8]
    admin = make_engine(PG_URL)
    if not reuse:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    project = Path(args.reuse[1]) if reuse else Path(tempfile.mkdtemp(prefix="adloom-bench-desk-"))
    server = None
    try:
        if not reuse:
            build(url, project, args.concepts)
        with make_engine(url).connect() as conn:
            args.concepts = int(conn.execute(text("SELECT count(*) FROM review_items")).scalar() or 0)
        with make_engine(url).connect() as conn:
            ids = list(conn.execute(text("SELECT concept_id FROM review_items WHERE state = 'pending' "
                                         "ORDER BY random() LIMIT :n"), {"n": args.requests * 2}).scalars())
        port = 8765
        env = {**os.environ, "ADLOOM_DATABASE_URL": url}
        server = subprocess.Popen([sys.executable, "-m", "adloom.cli.main", "serve", "--port", str(port),
                                   "--project", str(project)], env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        rows = []
        for kind, targets, target in (("health", [], None), ("queue", [], 100.0), ("item", ids[:50], 100.0),
                                      ("decision", ids[args.requests:], 50.0)):
            measure(base, kind, targets[:20] or targets, 20, 1) if kind != "decision" else None   # warm-up
            rows.append((kind, measure(base, kind, targets, args.requests, args.concurrency, server.pid), target))
        health_p50 = rows[0][1]["p50"]
        print(f"\n{args.concepts:,} queued concepts in PostgreSQL; {args.requests} requests each, "
              f"c={args.concurrency}, client in its own process; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
        print(f"{'endpoint':<10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'req/s':>8}{'p50/health':>12}"
              f"{'server CPU ms/req':>19}  target p95")
        for kind, r, target in rows:
            verdict = "-" if target is None else (f"<= {target:g} ms " + ("met" if r["p95"] <= target else "NOT met"))
            print(f"{kind:<10}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['max']:>9.1f}{r['rps']:>8.0f}"
                  f"{r['p50'] / health_p50:>11.1f}x{r['cpu_ms']:>19.1f}  {verdict}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if not reuse:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            shutil.rmtree(project, ignore_errors=True)


if __name__ == "__main__":
    main()
