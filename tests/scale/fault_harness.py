"""The fault tests' harness: a private PostgreSQL database, the model stand-in in its own process, adloom
commands (runs and workers) as real subprocesses with their environment, waits on the store, and the checks
every fault test ends with (no duplicates, one audit chain, ``adloom audit verify`` green).

The database is created per test (``h_scale_faults_<hex>``) on the machine's PostgreSQL and dropped after,
so terminating *its* backends can never touch another test's or another helper's connections.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from adloom.store.db import make_engine
from tests.conftest import EXAMPLE_BRAND, PG_URL, REPO
from tests.scale.celery_env import postgres_pass_only, private_database
from tests.writers_models.fake_model_server import Profile, fake_model_server

ADLOOM = str(Path(sys.executable).with_name("adloom"))
ADMIN_URL = PG_URL or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EVAL_BRANDS = REPO / "evals" / "brands"


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
        # its database connections carry its log name (pg_stat_activity.application_name), so a test can
        # tell a worker's backend from the driver's
        env = {"PGAPPNAME": f"adloom-{name}", **(env or self.env())}
        proc = subprocess.Popen([ADLOOM, *args], env=env, text=True, cwd=self.project,
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
    """No concept, model call or audit event stored twice by a unit that ran twice (or a stage run twice).

    Which audit events may legitimately repeat for one concept, and how each is keyed:

    - a unit's own events (``concept.generated``, ``verdict.recorded``, ``regeneration.requested``) come once
      per attempt: keyed (kind, subject, attempt, the failure record or not). A unit that wrote twice
      repeats them whatever the model answered the second time.
    - the driver's dedupe stage judges a concept it changed again once per run that ships it: a
      ``verdict.recorded`` with ``after: dedupe``, at most one per run linking the concept.
    - ``concept.sealed`` is appended at every write of the payload: once by the unit that stored it, and
      once more for each re-judgement that re-stores it (dedupe; a reviewer's edit, which records its
      verdict with ``edited_by``). So a concept's seals may not outnumber 1 + those verdicts: a unit that
      stored its concept twice, or a stage that re-sealed without judging, is caught even when dedupe
      also re-sealed (the old key (subject, attempt) flagged dedupe's legitimate re-seal, same attempt).
    """
    dup_calls = scene.rows(
        "SELECT run_id, cache_key, count(*) FROM writer_calls WHERE cache_hit = 0 AND error IS NULL "
        "GROUP BY run_id, cache_key HAVING count(*) > 1")
    assert not dup_calls, f"the same model call stored twice in one run: {dup_calls[:5]}"
    events = scene.rows(
        "SELECT seq, kind, subject, payload::text FROM audit_events WHERE kind IN "
        "('concept.generated', 'verdict.recorded', 'regeneration.requested', 'concept.sealed') ORDER BY seq")
    per_attempt: Counter[tuple[str, str, Any, bool]] = Counter()
    rejudged: Counter[str] = Counter()          # dedupe's re-judgements
    edited: Counter[str] = Counter()            # a reviewer's edits
    seals: Counter[str] = Counter()
    for _seq, kind, subject, payload in events:
        data = json.loads(payload) if payload else {}
        if kind == "concept.sealed":
            seals[subject] += 1
        elif kind == "verdict.recorded" and data.get("after") == "dedupe":
            rejudged[subject] += 1
        elif kind == "verdict.recorded" and data.get("edited_by"):
            edited[subject] += 1
        else:
            per_attempt[(kind, subject, data.get("attempt"), "error" in data)] += 1
    twice = [key for key, n in per_attempt.items() if n > 1]
    assert not twice, f"a concept's per-attempt events written twice: {twice[:5]}"
    runs_of = Counter(cid for (cid,) in scene.rows("SELECT concept_id FROM run_concepts"))
    rejudged_too_often = [(cid, n, runs_of[cid]) for cid, n in rejudged.items() if n > runs_of[cid]]
    assert not rejudged_too_often, f"dedupe verdicts beyond one per run (concept, verdicts, runs): " \
        f"{rejudged_too_often[:5]}"
    unjustified = [(cid, n, rejudged[cid] + edited[cid]) for cid, n in seals.items()
                   if n > 1 + rejudged[cid] + edited[cid]]
    assert not unjustified, f"concepts sealed more often than stored and re-judged (concept, seals, " \
        f"re-judgements): {unjustified[:5]}"
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


def assert_concepts_complete(scene: Scene) -> None:
    """Stricter than the above: every stored concept has, for each of its attempts, its verdict row and its
    ``concept.generated`` and ``verdict.recorded`` events, and a seal; each run's units that wrote concepts
    committed at least one model-call row per attempt with them (a unit's rows commit in one transaction)."""
    verdict_rows = set(scene.rows("SELECT concept_id, attempt FROM verdicts"))
    events = set(scene.rows("SELECT kind, subject, (payload::jsonb ->> 'attempt')::int FROM audit_events "
                            "WHERE kind IN ('concept.generated', 'verdict.recorded')"))
    sealed = {s for (s,) in scene.rows("SELECT DISTINCT subject FROM audit_events WHERE kind = 'concept.sealed'")}
    missing = []
    for cid, attempts in scene.rows("SELECT id, attempts FROM concepts WHERE status <> 'failed'"):
        for attempt in range(1, int(attempts) + 1):
            missing += [(cid[:12], attempt, what) for what, present in (
                ("verdict row", (cid, attempt) in verdict_rows),
                ("concept.generated", ("concept.generated", cid, attempt) in events),
                ("verdict.recorded", ("verdict.recorded", cid, attempt) in events)) if not present]
        if cid not in sealed:
            missing.append((cid[:12], None, "concept.sealed"))
    assert not missing, f"concepts stored without all their rows (concept, attempt, missing): {missing[:8]}"
    written = scene.rows(
        "SELECT run_id, sum((result::jsonb ->> 'attempts')::int) FROM run_units WHERE kind = 'concept' "
        "AND status = 'done' AND NOT coalesce((result::jsonb ->> 'reused')::boolean, false) GROUP BY run_id")
    for run_id, attempts in written:
        calls = scene.scalar("SELECT count(*) FROM writer_calls WHERE run_id = :r", r=run_id)
        assert calls >= attempts, f"run {run_id}: {attempts} attempts written, {calls} model-call rows stored"


def assert_audit_verifies(scene: Scene) -> str:
    """``adloom audit verify`` on the scene's store, as a user would run it: exit 0, the chain OK."""
    done = subprocess.run([ADLOOM, "audit", "verify", "--project", str(scene.project)], env=scene.env(),
                          capture_output=True, text=True, timeout=300, cwd=scene.project)
    assert done.returncode == 0 and "audit chain OK" in done.stdout, done.stdout + done.stderr
    return done.stdout


def assert_store_whole(scene: Scene) -> None:
    """The checks every fault test ends with: nothing stored twice or half, one audit chain that verifies."""
    assert_no_duplicates(scene)
    assert_no_half_written_concepts(scene)
    assert_concepts_complete(scene)
    assert_audit_verifies(scene)


def assert_run_whole(scene: Scene, run_id: str, units: int) -> None:
    """Every concept unit of the run named its concept, the run links exactly those, each stored once; and
    the store is whole."""
    named = {r[0] for r in scene.rows("SELECT result::jsonb ->> 'concept_id' FROM run_units "
                                      "WHERE run_id = :r AND kind = 'concept'", r=run_id)}
    assert concepts_of(scene, run_id) == named and len(named) == units
    assert scene.scalar("SELECT count(*) FROM concepts") == units
    assert_store_whole(scene)


def finished_runs(scene: Scene) -> list[tuple[str, str]]:
    return scene.rows("SELECT id, status FROM runs ORDER BY started_at")


def concepts_of(scene: Scene, run_id: str) -> set[str]:
    return {r[0] for r in scene.rows("SELECT concept_id FROM run_concepts WHERE run_id = :r", r=run_id)}


@pytest.fixture
def fault_scene(db_url: str, tmp_path: Path) -> Iterator[Scene]:
    """A scene on a private PostgreSQL database. ``db_url`` is asked for only so the PostgreSQL pass selects
    the test (see tests/conftest.py); the test's own database is made here, so it can be disconnected."""
    with scene_on(tmp_path) as scene:
        yield scene


@contextmanager
def scene_on(tmp_path: Path, broker_url: str | None = None, *, flush: bool | None = None) -> Iterator[Scene]:
    """A scene on a private PostgreSQL database with ``broker_url`` (default: the suite's Redis database,
    flushed before and after; a broker the test started itself, such as ``private_redis``, is its own and
    not flushed unless ``flush`` says so)."""
    postgres_pass_only()
    with private_database("h_scale_faults") as url:
        scene = Scene(url, tmp_path / "project")
        if broker_url is not None:
            scene.broker_url = broker_url
        scene.project.mkdir()
        shared = broker_url is None if flush is None else flush
        if shared:
            flush_redis(scene.broker_url)
        try:
            yield scene
        finally:
            scene.stop_all()
            if shared:
                flush_redis(scene.broker_url)


def flush_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} is unreachable: {exc}")


# ---------------------------------------------------------------- a Redis server of the test's own


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisServer:
    """A ``redis-server`` on 127.0.0.1:PORT that only this test uses, so it can be killed and started again
    (the machine's Redis on 6379 is shared and never touched). No persistence (``--save ''``, no AOF), like
    the machine's: a restart comes back empty, the harder case, where nothing queued survives."""

    port: int
    workdir: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / f"redis{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--protected-mode", "no"], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.starts += 1
        wait_until(f"redis-server on port {self.port}", self._up, timeout=30, every=0.05)

    def _up(self) -> bool:
        import redis

        assert self.proc is not None and self.proc.poll() is None, \
            f"redis-server exited: {(self.workdir / f'redis{self.starts - 1}.log').read_text()[-2000:]}"
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def run_id(self) -> str:
        import redis

        return str(redis.Redis(port=self.port, socket_connect_timeout=2).info("server")["run_id"])

    def kill(self) -> None:
        """SIGKILL: a crash, nothing written, every connection cut."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self, down_for: float = 0.0) -> None:
        self.kill()
        time.sleep(down_for)
        self.start()


@contextmanager
def private_redis(workdir: Path) -> Iterator[RedisServer]:
    server = RedisServer(free_port(), workdir)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@contextmanager
def example_run_on_private_redis(tmp_path: Path) -> Iterator[tuple[RedisServer, Scene, subprocess.Popen[str]]]:
    """The example brand's celery run on a private Redis (``private_redis``), a private database and a model
    stand-in, with two single-process workers. The driver starts first: it reads the brand and builds its
    governor while the workers start. Unit resends wait 600 s, so only the fault's own recovery can rescue
    the run."""
    with private_redis(tmp_path / "redis") as redis_server, scene_on(tmp_path, redis_server.url) as scene, \
            fake_model_server(Profile(speed=40.0)) as model:
        brand = copy_brand(EXAMPLE_BRAND, scene.project)
        scene.model_url = model.base_url
        scene.extra_env.update(ADLOOM_UNIT_RESEND_AFTER="600")
        driver = scene.start(*scene.run_cmd(brand, "--executor", "celery"), log="driver")
        scene.start_worker("--concurrency", "1")
        scene.start_worker("--concurrency", "1")
        yield redis_server, scene, driver
