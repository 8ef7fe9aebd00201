"""The fault tests' harness: a private PostgreSQL database, the model stand-in in its own process, adloom
commands (runs and workers) as real subprocesses with their environment, waits on the store, and the checks
every fault test ends with (no duplicates, one audit chain, ``adloom audit verify`` green).

The database is created per test (``h_scale_faults_<hex>``) on the machine's PostgreSQL and dropped after,
so terminating *its* backends can never touch another test's or another helper's connections.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from adloom.store.db import make_engine, upgrade
from tests.conftest import EXAMPLE_BRAND, PG_URL, REPO

ADLOOM = str(Path(sys.executable).with_name("adloom"))
ADMIN_URL = PG_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EVAL_BRANDS = REPO / "evals" / "brands"


def skip_unless_postgres_pass() -> None:
    """The fault tests need PostgreSQL and real processes; they run in the PostgreSQL pass (`make test-pg`),
    which selects tests taking ``db_url``. On the SQLite pass they would only repeat the same work."""
    if not PG_URL:
        pytest.skip("a scale-out fault test: runs in the PostgreSQL pass (ADLOOM_TEST_DATABASE_URL set)")


@contextmanager
def private_database(prefix: str = "h_scale_faults") -> Iterator[str]:
    """A new, migrated PostgreSQL database; dropped (its connections terminated) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {make_url(ADMIN_URL).render_as_string()} refused a test database: {exc}")
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def terminate_backends(url: str) -> int:
    """``pg_terminate_backend`` on every connection to ``url``'s database but this one; how many."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()) t")).scalar_one())
    finally:
        engine.dispose()


def copy_brand(source: Path, target_root: Path, slug: str | None = None) -> Path:
    """A brand folder to run (brand.yaml and .adloom left behind, so the run reads the sources)."""
    target = target_root / (slug or source.name)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".adloom", "brand.yaml", "labels.yaml"))
    return target


def brands(n: int) -> list[Path]:
    """The example brand and the evaluation brands in git, ``n`` of them."""
    tracked = subprocess.run(["git", "ls-files", "evals/brands"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    names = sorted({Path(p).parts[2] for p in tracked})
    found = [EXAMPLE_BRAND, *(EVAL_BRANDS / name for name in names if name != EXAMPLE_BRAND.name)]
    if len(found) < n:
        raise AssertionError(f"asked for {n} brands, {len(found)} exist")
    return found[:n]


@dataclass
class Scene:
    """One test's world: its database, project folder, model stand-in and the processes it started."""

    db_url: str
    project: Path
    model_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[subprocess.Popen[str]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)     # pid -> log name

    broker_url: str = "redis://127.0.0.1:6379/13"    # this suite's own Redis database, flushed per test

    def env(self, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
        env.update(ADLOOM_DATABASE_URL=self.db_url, ADLOOM_BROKER_URL=self.broker_url, PYTHONUNBUFFERED="1",
                   ADLOOM_OUTPUT_ROOT=str(self.project / "out"), **self.extra_env)
        if self.model_url:
            env.update(ADLOOM_WRITER="openai:fake-model", ADLOOM_OPENAI_BASE_URL=self.model_url,
                       ADLOOM_OPENAI_API_KEY="test-key")
        env.update(more)
        return env

    def start(self, *args: str, env: dict[str, str] | None = None, log: str | None = None) -> subprocess.Popen[str]:
        """``adloom ARGS`` in its own process group; output to PROJECT/logs/LOG.{out,err}."""
        logs = self.project / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        name = log or f"p{len(self.procs)}"
        proc = subprocess.Popen([ADLOOM, *args], env=env or self.env(), text=True, cwd=self.project,
                                stdout=(logs / f"{name}.out").open("w"), stderr=(logs / f"{name}.err").open("w"),
                                start_new_session=True)
        self.procs.append(proc)
        self.names[proc.pid] = name
        return proc

    def start_worker(self, *args: str, ready_within: float = 90) -> subprocess.Popen[str]:
        """``adloom worker ARGS``, once it says it is ready (its log: PROJECT/logs/workerN.err)."""
        n = sum(1 for name in self.names.values() if name.startswith("worker"))
        proc = self.start("worker", *args, log=f"worker{n}")
        log = self.project / "logs" / f"worker{n}.err"
        wait_until(f"worker{n} ready", lambda: proc.poll() is not None or "ready." in log.read_text(),
                   timeout=ready_within)
        assert proc.poll() is None, f"worker{n} exited {proc.returncode}:\n{self.tail(proc)}"
        return proc

    def run_cmd(self, brand: Path, *more: str) -> list[str]:
        return ["run", str(brand), "--no-render", "--project", str(self.project),
                "--out", str(self.project / "out"), *more]

    def wait(self, proc: subprocess.Popen[str], timeout: float = 600) -> str:
        """Wait for ``proc`` to exit 0; its output (stdout then stderr)."""
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(proc)
            raise AssertionError(f"{proc.args!r} still running after {timeout:g}s:\n{self.tail()}") from None
        out = self.tail(proc)
        assert proc.returncode == 0, f"{proc.args!r} exited {proc.returncode}:\n{out}"
        return out

    def tail(self, proc: subprocess.Popen[str] | None = None, lines: int = 40) -> str:
        parts = []
        for path in sorted((self.project / "logs").glob("*")):
            if proc is None or path.stem == self.names[proc.pid]:
                parts.append(f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-lines:]))
        return "\n".join(parts)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                kill(proc, signal.SIGTERM)
        for proc in self.procs:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
            if proc.poll() is None:
                kill(proc)

    def engine(self) -> Engine:
        return make_engine(self.db_url)

    def scalar(self, sql: str, **params: Any) -> Any:
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            engine.dispose()


def kill(proc: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    """``sig`` to the process group ``proc`` leads (a worker's pool children go with it)."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def wait_until(what: str, check: Callable[[], bool], timeout: float = 300, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(every)


# ---------------------------------------------------------------- the checks every fault test ends with


def assert_no_duplicates(scene: Scene) -> None:
    """No concept, model call or audit event stored twice by a unit that ran twice."""
    dup_calls = scene.rows(
        "SELECT run_id, cache_key, count(*) FROM writer_calls WHERE cache_hit = 0 AND error IS NULL "
        "GROUP BY run_id, cache_key HAVING count(*) > 1")
    assert not dup_calls, f"the same model call stored twice in one run: {dup_calls[:5]}"
    dup_events = scene.rows(
        "SELECT kind, subject, payload::jsonb ->> 'attempt', count(*) FROM audit_events "
        "WHERE kind IN ('concept.generated', 'verdict.recorded', 'concept.sealed') "
        "GROUP BY kind, subject, payload::jsonb ->> 'attempt' HAVING count(*) > 1")   # one per attempt
    assert not dup_events, f"a concept's events written twice: {dup_events[:5]}"
    dup_links = scene.rows("SELECT run_id, position, count(*) FROM run_concepts GROUP BY run_id, position "
                           "HAVING count(*) > 1")
    assert not dup_links, f"two concepts at one position of a run: {dup_links[:5]}"


def assert_no_half_written_concepts(scene: Scene) -> None:
    """Every concept has its verdicts and its generated event: it was written whole, or not at all."""
    orphans = scene.rows(
        "SELECT c.id FROM concepts c WHERE c.status <> 'failed' AND (NOT EXISTS "
        "(SELECT 1 FROM verdicts v WHERE v.concept_id = c.id) OR NOT EXISTS "
        "(SELECT 1 FROM audit_events e WHERE e.kind = 'concept.generated' AND e.subject = c.id))")
    assert not orphans, f"concepts stored without their verdicts or audit event: {orphans[:5]}"


def assert_audit_verifies(scene: Scene) -> str:
    """``adloom audit verify`` on the scene's store, as a user would run it: exit 0, the chain OK."""
    done = subprocess.run([ADLOOM, "audit", "verify", "--project", str(scene.project)], env=scene.env(),
                          capture_output=True, text=True, timeout=300, cwd=scene.project)
    assert done.returncode == 0 and "audit chain OK" in done.stdout, done.stdout + done.stderr
    return done.stdout


def finished_runs(scene: Scene) -> list[tuple[str, str]]:
    return scene.rows("SELECT id, status FROM runs ORDER BY started_at")


def concepts_of(scene: Scene, run_id: str) -> set[str]:
    return {r[0] for r in scene.rows("SELECT concept_id FROM run_concepts WHERE run_id = :r", r=run_id)}


@pytest.fixture
def fault_scene(db_url: str, tmp_path: Path) -> Iterator[Scene]:
    """A scene on a private PostgreSQL database. ``db_url`` is asked for only so the PostgreSQL pass selects
    the test (see tests/conftest.py); the test's own database is made here, so it can be disconnected."""
    skip_unless_postgres_pass()
    with private_database() as url:
        scene = Scene(url, tmp_path / "project")
        scene.project.mkdir()
        flush_redis(scene.broker_url)
        try:
            yield scene
        finally:
            scene.stop_all()
            flush_redis(scene.broker_url)


def flush_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is unreachable: {exc}")
