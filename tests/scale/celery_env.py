"""Real services for the celery executor's tests: a private PostgreSQL database per test, a private Redis
database number (flushed), and `adloom worker` subprocesses with their logs kept for the failure message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text

from adloom.store.db import make_engine, upgrade
from tests.conftest import PG_URL

ADLOOM = str(Path(sys.executable).with_name("adloom"))
ADMIN_URL = PG_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/11"      # this suite's own Redis database, flushed per test


def postgres_pass_only() -> None:
    """Real workers against real services: run in the PostgreSQL pass (`make test-pg`, which selects tests
    taking ``db_url``), not again in the SQLite pass."""
    if not PG_URL:
        pytest.skip("a scale-out test: runs in the PostgreSQL pass (ADLOOM_TEST_DATABASE_URL set)")


@contextmanager
def private_database(prefix: str = "h_scale_exec", admin_url: str = ADMIN_URL) -> Iterator[str]:
    """A new, migrated PostgreSQL database; dropped (its connections terminated) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {make_url(admin_url).render_as_string()} refused a test database: {exc}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flush_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is unreachable: {exc}")


@dataclass
class Cluster:
    """One test's store, broker, output root and the workers it started."""

    db_url: str
    root: Path
    workers: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def out(self) -> Path:
        return self.root / "out"

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
        env.update({"ADLOOM_DATABASE_URL": self.db_url, "ADLOOM_BROKER_URL": REDIS_URL,
                    "ADLOOM_OUTPUT_ROOT": str(self.out), "PYTHONUNBUFFERED": "1", **more})
        return env

    def start_worker(self, *args: str, **env: str) -> subprocess.Popen[str]:
        """``adloom worker ARGS`` with ``env`` over the cluster's; returns once it is taking units."""
        n = len(self.workers)
        proc = subprocess.Popen([ADLOOM, "worker", *args], env=self.env(**env), cwd=self.root, text=True,
                                stdout=(self.root / f"worker{n}.out").open("w"),
                                stderr=(self.root / f"worker{n}.err").open("w"), start_new_session=True)
        self.workers.append(proc)
        deadline = time.monotonic() + 60
        while "ready." not in self.log(n):
            assert proc.poll() is None, f"worker exited {proc.returncode}:\n{self.log(n)[-3000:]}"
            assert time.monotonic() < deadline, f"worker not ready after 60 s:\n{self.log(n)[-3000:]}"
            time.sleep(0.2)
        return proc

    def log(self, n: int) -> str:
        path = self.root / f"worker{n}.err"
        return path.read_text() if path.exists() else ""

    def log_records(self, n: int) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log(n).splitlines() if line.startswith("{")]

    def adloom(self, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([ADLOOM, *args], env=self.env(**env), cwd=self.root, text=True, capture_output=True,
                              timeout=timeout)

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        engine = make_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def stop(self, workers: list[subprocess.Popen[str]] | None = None) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL after 30 s."""
        for proc in workers or self.workers:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in workers or self.workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@contextmanager
def cluster_in(tmp_path: Path) -> Iterator[Cluster]:
    """A test's cluster: its own database, a flushed Redis database; workers stopped (SIGTERM) after."""
    postgres_pass_only()
    flush_redis()
    with private_database() as url:
        scene = Cluster(url, tmp_path)
        try:
            yield scene
        finally:
            scene.stop()
            flush_redis()
