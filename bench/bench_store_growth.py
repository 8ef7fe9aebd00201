"""Store growth (issue 19): the queue and library queries with 1,000,000 concepts in PostgreSQL.

    .venv/bin/python bench/bench_store_growth.py                       # 1,000,000 concepts, 60 repetitions
    .venv/bin/python bench/bench_store_growth.py --quick               # 100,000 concepts
    .venv/bin/python bench/bench_store_growth.py --before 0007_run_units   # also at an older schema, side by side

Target: every query p95 < 100 ms. The queries are adloom's own functions (the review desk's queue, the
driver's gather and resume checks, ``adloom runs status``, the pattern library, the concepts API), called on
a session as the desk, API and driver call them; each repetition asks for a different brand, run or item.

The store is built in a private database (created here, dropped after). One real run of the example brand
(formula writer, full governance) and its review-routed variants (``tests/api/seed.py``, as bench_desk) are
cloned in SQL, server side, to N concepts: 200 brands, 15 concepts a run (N/15 runs with their summaries
and run_units rows, one concept unit each plus the export), one verdict and one seal event a concept (the
audit chain of the clones is not a valid chain: only its lookups matter here), 70 % approved, 20 % routed
to review (a queue row each; a quarter of them still pending), 200 learned patterns a brand. Building it
is not what is measured.

``--before REV`` measures the same store at migration REV too (alembic downgrade, then upgrade to head),
so what a newer migration changed shows side by side with the same data and cache state.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session, sessionmaker

from adloom.store import brands as brand_store
from adloom.store import concepts as concept_store
from adloom.store import patterns as pattern_store
from adloom.store import performance as perf_store
from adloom.store import reviews as review_store
from adloom.store import runs as run_store
from adloom.store import units as unit_store
from adloom.store.db import alembic_config, make_engine, open_store, upgrade

REPO = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("ADLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BRANDS = 200
PER_RUN = 15
TARGET_MS = 100.0
GROUPS = ("queue", "library", "backfill")     # a backfill runs at desk start and every 10 min: no target


def build(url: str, project: Path, n: int) -> dict[str, int]:
    """A real seeded run cloned to ``n`` concepts, every table filled the way runs fill it."""
    sys.path.insert(0, str(REPO))
    from tests.api.seed import seed  # the same real seed the desk tests and bench_desk use

    factory = open_store(url)
    t0 = time.perf_counter()
    seeded = seed(factory, project, 15)
    seed_run = seeded.result.summary.run_id
    engine = make_engine(url)
    p = {"n": n, "brands": BRANDS, "per": PER_RUN, "seed_run": seed_run}
    # every clone: i -> source concept (cycling through the seed's), brand (run // ...), run, position
    clone = """SELECT i, md5('c' || i) || substr(md5('d' || i), 1, 32) AS nid, s.id AS src,
                      (i - 1) / :per AS r, (i - 1) % :per AS pos,
                      'brand-' || lpad((((i - 1) / :per) % :brands)::text, 3, '0') AS brand,
                      CASE WHEN i % 20 < 14 THEN 'approved' WHEN i % 20 < 18 THEN 'review'
                           WHEN i % 20 < 19 THEN 'rejected' ELSE 'failed' END AS status
               FROM generate_series(1, :n) AS i JOIN src s ON s.k = i % :m"""
    steps = [
        ("sources", "CREATE TEMP TABLE src AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM concepts "
                    "WHERE payload::jsonb -> 'draft' IS NOT NULL AND payload::jsonb ->> 'draft' <> 'null'"),
        ("brand versions", """INSERT INTO brand_versions (version, brand_slug, created_at, parent, document_ids,
            payload)
            SELECT md5('v' || b), 'brand-' || lpad(b::text, 3, '0'), bv.created_at, NULL, bv.document_ids, bv.payload
            FROM generate_series(0, :brands - 1) AS b, (SELECT * FROM brand_versions LIMIT 1) bv"""),
        ("runs", """INSERT INTO runs (id, brand_slug, brand_version, status, started_at, finished_at, out_dir, summary)
            SELECT 'run-' || lpad(r::text, 7, '0'), 'brand-' || lpad((r % :brands)::text, 3, '0'),
                md5('v' || (r % :brands)),
                   CASE WHEN r % 500 = 7 THEN 'interrupted' ELSE 'done' END,
                   now() - (r * interval '7 minutes'), now() - (r * interval '7 minutes') + interval '1 minute',
                   '/out/run-' || r, jsonb_set(x.summary::jsonb, '{fingerprint}', to_jsonb(md5('f' || r)))::json
            FROM generate_series(0, (:n - 1) / :per) AS r, (SELECT summary FROM runs WHERE id = :seed_run) x"""),
        ("concepts", f"""INSERT INTO concepts (id, brand_slug, brand_version, angle_id, segment_id, writer_id, status,
                attempts, created_at, payload)
            SELECT x.nid, x.brand, md5('v' || (x.r % :brands)), c.angle_id, c.segment_id, c.writer_id, x.status,
                   c.attempts, now() - (x.r * interval '7 minutes'),
                   replace(c.payload::text, c.id, x.nid)::json
            FROM ({clone}) x JOIN concepts c ON c.id = x.src"""),
        ("run_concepts", f"""INSERT INTO run_concepts (run_id, concept_id, position, reused)
            SELECT 'run-' || lpad(x.r::text, 7, '0'), x.nid, x.pos, 0 FROM ({clone}) x"""),
        ("verdicts", f"""INSERT INTO verdicts (concept_id, attempt, route, created_at, payload)
            SELECT x.nid, v.attempt, v.route, v.created_at,
                   replace(v.payload::text, v.concept_id, x.nid)::json
            FROM ({clone}) x JOIN LATERAL (SELECT * FROM verdicts v WHERE v.concept_id = x.src
                                           ORDER BY attempt DESC, id DESC LIMIT 1) v ON true"""),
        ("seal events", f"""INSERT INTO audit_events (seq, ts, kind, subject, actor, payload, payload_hash,
            prev_hash, hash)
            SELECT base.m + x.i, now()::text, 'concept.sealed', x.nid, 'system',
                   e.payload, md5('p' || x.i) || md5('q' || x.i), md5('h' || (x.i - 1)) || md5('g' || (x.i - 1)),
                   md5('h' || x.i) || md5('g' || x.i)
            FROM ({clone}) x, (SELECT max(seq) AS m FROM audit_events) base,
                 LATERAL (SELECT payload FROM audit_events WHERE kind = 'concept.sealed' AND subject = x.src
                          ORDER BY seq DESC LIMIT 1) e"""),
        ("review queue", f"""INSERT INTO review_items (concept_id, brand_slug, run_id, angle_id, segment_id,
            platforms, risk,
                state, group_key, queued_at, decided_at, decided_by)
            SELECT x.nid, x.brand, 'run-' || lpad(x.r::text, 7, '0'), c.angle_id, c.segment_id, ',google,meta,tiktok,',
                   round((0.36 + random() * 0.6)::numeric, 4),
                   CASE WHEN x.i % 4 = 0 THEN 'pending' WHEN x.i % 4 = 1 THEN 'approved'
                        WHEN x.i % 4 = 2 THEN 'rejected'
                        ELSE 'escalated' END,
                   md5(c.angle_id || (x.i % 997)), now() - (x.r * interval '7 minutes'),
                   CASE WHEN x.i % 4 IN (1, 2) THEN now() END, CASE WHEN x.i % 4 IN (1, 2) THEN 'bench' END
            FROM ({clone}) x JOIN concepts c ON c.id = x.src WHERE x.status = 'review'"""),
        ("run_units", f"""INSERT INTO run_units (run_id, kind, unit, key, status, deliveries, sends, worker, queued_at,
                started_at, finished_at, result)
            SELECT 'run-' || lpad(x.r::text, 7, '0'), 'concept', 'angle-' || (x.pos / 3) || '/segment-' || (x.pos % 3),
                   x.nid, 'done', 1, 1, 'adloom-1@bench', now(), now(), now(),
                   json_build_object('concept_id', x.nid, 'attempts', 1, 'first_hooks', json_build_array())
            FROM ({clone}) x"""),
        ("export units", """INSERT INTO run_units (run_id, kind, unit, key, status, deliveries, sends, worker,
            queued_at,
                started_at, finished_at, result)
            SELECT id, 'export', 'export', md5('x' || id), 'done', 1, 1, 'adloom-1@bench', now(), now(), now(),
                   '{}'::json FROM runs WHERE id LIKE 'run-%'"""),
        ("learned patterns", """INSERT INTO patterns (id, angle_type, segment_id, platform, weight, observations,
            source,
                note, updated_at, brand_slug, dimension, key, alpha, beta, mean, low, high, impressions, winners)
            SELECT 'brand-' || lpad(b::text, 3, '0') || ':' || p.id || ':' || k, p.angle_type, p.segment_id, p.platform,
                   p.weight, 10, 'performance', '', now(), 'brand-' || lpad(b::text, 3, '0'), 'angle', p.id || ':' || k,
                   2, 8, 0.2, 0.1, 0.3, 10000, 2
            FROM generate_series(0, :brands - 1) AS b, generate_series(1, 5) AS k,
                 (SELECT * FROM patterns WHERE brand_slug IS NULL ORDER BY id LIMIT 40) p"""),
    ]
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        # lz4 rather than pglz for the 17 kB concept payloads: the build is CPU-bound on compression
        conn.execute(text("SET LOCAL default_toast_compression = 'lz4'"))
        p["m"] = 0
        for name, sql in steps:
            t = time.perf_counter()
            params = {k: v for k, v in p.items() if f":{k}" in sql}
            conn.execute(text(sql), params)
            if name == "sources":
                p["m"] = int(conn.execute(text("SELECT count(*) FROM src")).scalar_one())
            print(f"  built {name} in {time.perf_counter() - t:.1f} s", flush=True)
    with factory() as session:       # the seed's own review-routed concepts queued: the desk's steady state
        review_store.sync_queue(session)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        counts = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                  for t in ("concepts", "runs", "run_concepts", "verdicts", "audit_events", "review_items",
                            "run_units", "patterns")}
        size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    engine.dispose()
    print(f"store built in {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{t} {c:,}" for t, c in counts.items())
          + f"; {size / 2**30:.1f} GiB", flush=True)
    return counts


Query = Callable[[Session, random.Random], Any]


def queries(factory: sessionmaker[Session]) -> list[tuple[str, str, Query]]:
    """(group, name, call): each call is what the desk, API or driver does, with a random brand/run/item."""
    with factory() as s:
        runs = list(s.scalars(text("SELECT id FROM runs WHERE id LIKE 'run-%' ORDER BY random() LIMIT 400")))
        fps = dict(s.execute(text("SELECT brand_slug, summary::jsonb ->> 'fingerprint' FROM runs "
                                  "WHERE id LIKE 'run-%' ORDER BY id LIMIT 400")).all())
        items = list(s.scalars(text("SELECT concept_id FROM review_items WHERE state = 'pending' "
                                    "ORDER BY random() LIMIT 400")))
        concepts = list(s.scalars(text("SELECT concept_id FROM run_concepts TABLESAMPLE SYSTEM (1) LIMIT 2000")))
        units = [f"angle-{p // 3}/segment-{p % 3}" for p in range(PER_RUN)]

    def brand(rng: random.Random) -> str:
        return f"brand-{rng.randrange(BRANDS):03d}"

    def pending(rng: random.Random) -> review_store.QueueFilters:
        return review_store.QueueFilters(state="pending")

    def page_two(s: Session, rng: random.Random) -> Any:
        first = review_store.queue_page(s, review_store.QueueFilters(brand=brand(rng)), count=False)
        return review_store.queue_page(s, review_store.QueueFilters(brand=brand(rng)), cursor=first.next_cursor,
                                       count=False) if first.next_cursor else first

    def item_page(s: Session, rng: random.Random) -> Any:
        item = review_store.get_item(s, rng.choice(items))
        return review_store.neighbours(s, item, pending(rng)), review_store.decisions_for(s, item.concept_id)

    from adloom.api.rest import list_concepts as endpoint  # imported here, not inside the first timed call

    def list_concepts(s: Session, rng: random.Random, **where: Any) -> Any:
        return endpoint(who=None, session=s, run=None, brand=where.get("brand"), status=where.get("status"),
             # type: ignore[arg-type]
                        angle=None, limit=50, offset=0)

    def run_ids(s: Session, run: str) -> list[str]:
        return list(s.scalars(text("SELECT concept_id FROM run_concepts WHERE run_id = :r"), {"r": run}))

    def resume_check(s: Session, rng: random.Random) -> Any:
        slug = brand(rng)
        fp = fps.get(slug, "none")
        return concept_store.reusable_run(s, slug, fp), run_store.interrupted_run(s, slug, fp)

    return [
        ("queue", "desk queue page, pending, with its count", lambda s, r: review_store.queue_page(s, pending(r))),
        ("queue", "desk queue page, one brand, page 2 (keyset)", page_two),
        ("queue", "desk item page: item, neighbours, decisions", item_page),
        ("queue", "run finish: queue_run (a run's 15 concepts routed to review)",
         lambda s, r: review_store.queue_run(s, "bench", run_ids(s, r.choice(runs)))),
        ("queue", "desk totals check: newest decision id + newest queued_at",
         lambda s, r: (review_store.last_decision_id(s), review_store.last_queued_at(s))),
        ("backfill", "desk backfill sync_queue (at start, then every 10 min; not per request)",
         lambda s, r: review_store.sync_queue(s)),
        ("queue", "driver gather: units.finished (15 units)",
         lambda s, r: unit_store.finished(s, r.choice(runs), "concept", units)),
        ("queue", "adloom runs status: units.for_run", lambda s, r: unit_store.for_run(s, r.choice(runs))),
        ("queue", "run start: reusable_run + interrupted_run", resume_check),
        ("queue", "latest finished run (export/review default)", lambda s, r: concept_store.latest_run(s)),
        ("library", "pattern library: load_patterns(brand)",
         lambda s, r: pattern_store.load_patterns(s, brand(r), others=False)),
        ("library", "GET /concepts?brand= (newest 50)", lambda s, r: list_concepts(s, r, brand=brand(r))),
        ("library", "GET /concepts?status=approved (newest 50)", lambda s, r: list_concepts(s, r, status="approved")),
        ("library", "GET /concepts (newest 50, no filter)", lambda s, r: list_concepts(s, r)),
        ("library", "GET /concepts/{8-char prefix}: find_concept + verdicts",
         lambda s, r: _show(s, r.choice(concepts)[:8])),
        ("library", "run's concepts with seal check: run_concepts", lambda s, r: concept_store.run_concepts(
            s, r.choice(runs))),
        ("library", "a brand's concept index (feedback import)", lambda s, r: perf_store.concept_index(s, brand(r))),
        ("library", "a brand's finished runs (policy, figures)",
         lambda s, r: concept_store.finished_runs(s, brand(r), limit=20)),
        ("library", "a brand's versions", lambda s, r: brand_store.list_versions(s, brand(r))),
    ]


def _show(s: Session, prefix: str) -> Any:
    concept = concept_store.find_concept(s, prefix)
    return concept_store.verdicts_for(s, [concept.id])


def measure(factory: sessionmaker[Session], reps: int, seed: int = 19) -> dict[str, dict[str, float]]:
    """Per query: the first call (cold for that query: its plan and pages not yet cached) and p50/p95/max
    of ``reps`` more, each in a fresh session, rolled back."""
    out: dict[str, dict[str, float]] = {}
    for group, name, call in queries(factory):
        rng = random.Random(seed)
        times = []
        for _ in range(reps + 1):
            with factory() as session:
                t = time.perf_counter()
                call(session, rng)
                times.append((time.perf_counter() - t) * 1000)
                session.rollback()
        warm = sorted(times[1:])
        out[name] = {"group": GROUPS.index(group), "first": times[0], "p50": statistics.median(warm),
                     "p95": warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))], "max": warm[-1]}
    return out


def report(columns: dict[str, dict[str, dict[str, float]]], n: int, reps: int) -> None:
    labels = list(columns)
    print(f"\n{n:,} concepts in PostgreSQL; each query once cold then {reps} warm repetitions (a different brand, "
          f"run or item each); ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    head = "".join(f" | {label} first | p50 | p95" for label in labels)
    print(f"| query{head} | p95 < {TARGET_MS:g} ms |")
    print("|---" * (1 + 3 * len(labels) + 1) + "|")
    last = columns[labels[-1]]
    for name in last:
        group = GROUPS[int(last[name]["group"])]
        cells = "".join(f" | {c[name]['first']:.1f} | {c[name]['p50']:.1f} | {c[name]['p95']:.1f}"
                        for c in columns.values())
        verdict = "met" if last[name]["p95"] < TARGET_MS else "**not met**"
        if group == "backfill":
            verdict = "(not per request)"
        print(f"| {group}: {name}{cells} | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concepts", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 concepts, 20 repetitions")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--before", metavar="REV", help="also measure at this older migration (e.g. 0007_run_units)")
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--reuse", metavar="URL", help="measure a store kept by an earlier --keep (not dropped)")
    args = parser.parse_args()
    if args.quick:
        args.concepts, args.repeat = 100_000, 20
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    if args.reuse:
        url, args.keep = args.reuse, True
        name = make_url(url).database or ""
    else:
        name = f"bench_store_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        if not args.reuse:
            upgrade(engine)
            with tempfile.TemporaryDirectory(prefix="adloom-bench-store-") as tmp:
                build(url, Path(tmp), args.concepts)
        with engine.connect() as conn:
            args.concepts = int(conn.execute(text("SELECT count(*) FROM concepts")).scalar_one())
        factory = open_store(url)
        columns: dict[str, dict[str, dict[str, float]]] = {}
        if args.before:
            command.downgrade(alembic_config(engine), args.before)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
            columns[f"at {args.before}"] = measure(factory, args.repeat)
            t = time.perf_counter()
            upgrade(engine)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
            print(f"upgraded {args.before} -> head on the full store in {time.perf_counter() - t:.1f} s")
        columns["at head"] = measure(factory, args.repeat)
        report(columns, args.concepts, args.repeat)
        factory.kw["bind"].dispose()
        engine.dispose()
    finally:
        if args.keep:
            print(f"kept: {url}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
