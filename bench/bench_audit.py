"""Audit trail benchmark: append rate, verify time and lineage latency, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_audit.py                       # 1,000,000 events, both backends
    .venv/bin/python bench/bench_audit.py --events 100000 --backends sqlite

Targets (issue 5): >= 5,000 appends/s batched; verify of 1,000,000 events <= 60 s; lineage <= 100 ms.
The large log is built with a bulk insert of a valid chain (executemany / COPY), not through AuditLog,
so building it is not what is measured.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from adloom.audit import AuditLog, event_hash, lineage, verify
from adloom.audit.chain import GENESIS, canonical, now_ts
from adloom.store.db import make_engine, upgrade

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PER_CONCEPT = ("concept.generated", "verdict.recorded", "concept.regeneration_requested", "concept.generated",
               "verdict.recorded", "review.decided", "asset.rendered", "asset.rendered")


def concept_id(n: int) -> str:
    return hashlib.sha256(f"concept-{n}".encode()).hexdigest()[:16]


def synthetic_events(count: int) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """A plausible mix: a brand version, then 8 events per concept, an export every 100 concepts."""
    brand_version = "b" * 16
    yield "brand.version_created", brand_version, "system", {
        "brand": "bench", "version": brand_version, "documents": [{"id": "d1", "kind": "website",
                                                                   "file": "site.md", "line": 1}]}
    n, ads = 0, []
    produced = 1
    while produced < count:
        cid = concept_id(n)
        for step, kind in enumerate(PER_CONCEPT):
            payload: dict[str, Any] = {"attempt": 1 + step // 3}
            if kind == "concept.generated":
                payload.update(brand_version=brand_version, writer="formula", template="concept@3",
                               params={"temperature": 0.7}, cache_hit=False)
            elif kind == "verdict.recorded":
                payload.update(route="approve", findings=[{"rule_id": "r.x", "pack": "core@1",
                                                          "severity": "warn"}], scores={"fit": 0.83})
            elif kind == "asset.rendered":
                payload.update(asset_id=f"{cid}-{step}", concept_id=cid, path=f"assets/{cid}-{step}.png",
                               sha256=hashlib.sha256(f"{cid}{step}".encode()).hexdigest())
            yield kind, cid, "system", payload
            produced += 1
            if produced >= count:
                return
        ads.append({"ad_name": f"adl_bench_pain_seg_h1_{cid[:8]}_meta", "concept_id": cid})
        n += 1
        if len(ads) == 100:
            yield "export.written", f"run-{n}", "system", {"file": f"exports/{n}.csv", "sha256": "e" * 64,
                                                           "ads": ads}
            produced, ads = produced + 1, []


def chain_rows(count: int) -> Iterator[tuple[Any, ...]]:
    prev, ts = GENESIS, now_ts()
    for seq, (kind, subject, actor, payload) in enumerate(synthetic_events(count), 1):
        canon = canonical(payload)           # stored as AuditLog stores it: the canonical text
        p_hash = hashlib.sha256(canon).hexdigest()
        digest = event_hash(seq, ts, kind, subject, actor, p_hash, prev)
        yield seq, ts, kind, subject, actor, canon.decode(), p_hash, prev, digest
        prev = digest


def bulk_load(engine: Engine, count: int) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cur.copy("COPY audit_events (seq, ts, kind, subject, actor, payload, payload_hash, "  # type: ignore[attr-defined]
                          "prev_hash, hash) FROM STDIN") as copy:
                for row in chain_rows(count):
                    copy.write_row(row)
        else:
            cur.executemany("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", chain_rows(count))
        raw.commit()
    finally:
        raw.close()


def append_rates(url: str, singles: int, batched: int, batch: int) -> tuple[float, float]:
    log = AuditLog(sessionmaker(make_engine(url), expire_on_commit=False))
    payload = {"brand_version": "b" * 16, "writer": "formula", "template": "concept@3", "attempt": 1,
               "params": {"temperature": 0.7}, "cache_hit": False, "note": "contact ana@example.com"}
    start = time.perf_counter()
    for i in range(singles):
        log.append("concept.generated", f"single-{i}", payload=payload)
    single_rate = singles / (time.perf_counter() - start)
    start = time.perf_counter()
    with log.batch(flush_every=batch) as queue:
        for i in range(batched):
            queue.append("concept.generated", f"batched-{i}", payload=payload)
    return single_rate, batched / (time.perf_counter() - start)


def lineage_latency(factory: sessionmaker[Any], refs: list[str], rounds: int = 5) -> float:
    timings = []
    for _ in range(rounds):
        for ref in refs:
            start = time.perf_counter()
            lineage(factory, ref)
            timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def fresh_store(backend: str, workdir: Path) -> tuple[str, Any]:
    """(url, cleanup) of an empty migrated store."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        upgrade(make_engine(url))
        return url, lambda: None
    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    upgrade(make_engine(url))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    return url, drop


def run(backend: str, events: int, workdir: Path) -> None:
    url, cleanup = fresh_store(backend, workdir)
    try:
        single, batched = append_rates(url, 300, 20_000, 1000)
        print(f"[{backend}] appends/s: one per transaction {single:,.0f}   batched (1000) {batched:,.0f}")
        cleanup()
        url, cleanup = fresh_store(backend, workdir)
        start = time.perf_counter()
        bulk_load(make_engine(url), events)
        print(f"[{backend}] built {events:,} events in {time.perf_counter() - start:.1f} s (bulk insert)")
        factory = sessionmaker(make_engine(url), expire_on_commit=False)
        if backend == "postgresql":
            with factory() as session, session.begin():
                session.execute(text("ANALYZE audit_events"))
        start = time.perf_counter()
        report = verify(factory)
        elapsed = time.perf_counter() - start
        assert report.ok and report.events == events, report.summary()
        print(f"[{backend}] verify {events:,} events: {elapsed:.1f} s ({events / elapsed:,.0f} events/s)")
        concepts = int(events / (len(PER_CONCEPT) + 0.01)) - 2
        for label, n in (("newest", max(concepts - 150, 0)), ("oldest", 0)):
            cid = concept_id(n)
            refs = [cid, cid[:8], f"adl_bench_pain_seg_h1_{cid[:8]}_meta", f"{cid}-6"]
            print(f"[{backend}] lineage at {events:,} events, {label} concept: median "
                  f"{lineage_latency(factory, refs):.1f} ms (by concept id, prefix, ad name, asset id)")
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            run(backend.strip(), args.events, Path(tmp))


if __name__ == "__main__":
    main()
