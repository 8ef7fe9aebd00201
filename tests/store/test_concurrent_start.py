"""Four `adloom run` processes started at once on a NEW store (SQLite file, PostgreSQL schema): every one
finishes. Before: two migrations raced to create the same tables, and the first-time inserts of the
pattern priors and the brand version hit unique violations."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from adloom.store.db import make_engine
from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).parent / "adloom"
PG_BASE = os.environ.get("ADLOOM_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _start_four(tmp_path: Path, database_url: str | None) -> list[subprocess.CompletedProcess[str]]:
    brand = tmp_path / "brand"
    shutil.copytree(EXAMPLE_BRAND, brand)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    if database_url:
        env["ADLOOM_DATABASE_URL"] = database_url
    procs = []
    for i in range(4):
        out = tmp_path / f"out{i}"
        procs.append(subprocess.Popen(
            [str(ADLOOM), "run", str(brand), "--no-render", "--angles", "2", "--out", str(out),
             "--project", str(tmp_path)], env=env, cwd=tmp_path, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return results


def _assert_all_finished(results: list[subprocess.CompletedProcess[str]]) -> None:
    failed = [(r.returncode, r.stderr.strip().splitlines()[-3:]) for r in results if r.returncode != 0]
    assert not failed, failed
    assert all("Traceback" not in r.stderr for r in results)


def test_four_runs_on_a_new_sqlite_store(tmp_path: Path) -> None:
    results = _start_four(tmp_path, None)
    _assert_all_finished(results)
    engine = make_engine(f"sqlite:///{tmp_path / '.adloom' / 'adloom.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM runs WHERE status = 'done'")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM brand_versions")).scalar() == 1


@pytest.fixture
def new_pg_schema() -> Iterator[str]:
    """An empty schema: nothing migrated, as for a team's first runs."""
    admin = make_engine(PG_BASE)
    schema = "t_" + uuid.uuid4().hex[:12]
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        if os.environ.get("ADLOOM_TEST_DATABASE_URL"):
            pytest.fail(f"PostgreSQL unreachable: {exc}")
        pytest.skip(f"PostgreSQL not available at {PG_BASE}")
    yield f"{PG_BASE}{'&' if '?' in PG_BASE else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_four_runs_on_a_new_postgresql_store(tmp_path: Path, new_pg_schema: str) -> None:
    results = _start_four(tmp_path, new_pg_schema)
    _assert_all_finished(results)
    with make_engine(new_pg_schema).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM runs WHERE status = 'done'")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM brand_versions")).scalar() == 1
