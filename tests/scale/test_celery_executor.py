"""The celery executor with real processes: `adloom worker` subprocesses, Redis as the broker, a private
PostgreSQL database as the store. The in-process run of the example brand is the reference."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from adloom.scale.executor import CeleryExecutor
from adloom.store.db import make_engine
from tests.conftest import EXAMPLE_BRAND
from tests.scale.celery_env import ADLOOM, ADMIN_URL, REDIS_URL, Cluster, cluster_in, postgres_pass_only

RUN = ["run", str(EXAMPLE_BRAND), "--no-render"]


@pytest.fixture
def cluster(db_url: str, tmp_path: Path) -> Iterator[Cluster]:
    """``db_url`` only so the PostgreSQL pass selects these tests (tests/conftest.py); the store the workers
    share is a database of its own."""
    with cluster_in(tmp_path) as scene:
        yield scene


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def _run_id(stdout: str) -> str:
    return next(line.split("run ")[-1].split()[0] for line in stdout.splitlines() if "· run " in line)


def _in_process_ids(tmp_path: Path) -> list[tuple[int, str]]:
    """The reference: the same command in-process, on a SQLite store of its own."""
    project = tmp_path / "inprocess"
    project.mkdir()
    env_run = subprocess.run([ADLOOM, *RUN, "--project", str(project), "--out", str(project / "out")],
                             cwd=project, text=True, capture_output=True, timeout=600,
                             env={k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")})
    _ok(env_run)


    engine = make_engine(f"sqlite:///{project / '.adloom' / 'adloom.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT position, concept_id FROM run_concepts ORDER BY position")).all()
    engine.dispose()
    return [(int(p), str(c)) for p, c in rows]


def test_celery_run_gives_the_in_process_concepts(cluster: Cluster, tmp_path: Path) -> None:
    """Done when: `adloom worker` + `--executor celery` store the same concepts, by content key and in the
    same order, as the in-process run; every unit ran once; the audit chain verifies; `runs status` agrees."""
    cluster.start_worker("--concurrency", "2")
    project = cluster.root / "project"
    project.mkdir()
    stdout = _ok(cluster.adloom(*RUN, "--executor", "celery", "--project", str(project)))
    run_id = _run_id(stdout)

    celery_ids = [(int(p), str(c)) for p, c in cluster.rows(
        "SELECT position, concept_id FROM run_concepts WHERE run_id = :r ORDER BY position", r=run_id)]
    assert len(celery_ids) == 15
    assert celery_ids == _in_process_ids(tmp_path)

    units = cluster.rows("SELECT kind, status, deliveries, sends FROM run_units WHERE run_id = :r", r=run_id)
    assert sorted({(k, s) for k, s, _, _ in units}) == [("concept", "done"), ("export", "done")]
    assert all(d == 1 and n == 1 for _, _, d, n in units), units
    worker_pid = cluster.workers[0].pid       # run_units.worker: the Celery node, then the pool process
    assert {w.split("/")[0] for (w,) in cluster.rows("SELECT worker FROM run_units WHERE run_id = :r", r=run_id)} \
        == {f"adloom-{worker_pid}@{socket.gethostname()}"}
    assert "concept tasks" in stdout and "15/15 done" in stdout
    # the files are in the shared output root, where the report says they are
    assert (cluster.out / "restwave" / run_id / "report.html").is_file()
    assert (cluster.out / "restwave" / run_id / "exports" / "meta_bulk.csv").is_file()

    status = json.loads(_ok(cluster.adloom("runs", "status", run_id, "--json", "--project", str(project))))
    assert status["status"] == "done" and status["executor"] == "celery"
    assert status["units"]["concept"]["done"] == status["units"]["concept"]["total"] == 15
    assert status["failures"] == []
    lines = _ok(cluster.adloom("runs", "status", run_id, "--project", str(project)))
    assert "concept  15/15 done" in lines

    verify = cluster.adloom("audit", "verify", "--project", str(project))
    assert verify.returncode == 0 and "audit chain OK" in verify.stdout, verify.stdout + verify.stderr

    # worker logs: JSON lines, and the units' own lines name the run and the unit
    records = cluster.log_records(0)
    done = [r for r in records if r.get("message") == "unit done" and r.get("kind") == "concept"]
    assert len(done) == 15 and {r["run_id"] for r in done} == {run_id}
    assert {r["unit"] for r in done} == {u for (u,) in cluster.rows(
        "SELECT unit FROM run_units WHERE run_id = :r AND kind = 'concept'", r=run_id)}


def test_a_redelivered_unit_writes_nothing_twice(cluster: Cluster) -> None:
    """A unit's message delivered again after the unit finished (what acks_late does when a worker dies
    between its commit and its ack): counted as a delivery, and not one concept, verdict, call row or audit
    event more. The message is the driver's own, copied off the queue before a worker took it."""
    import redis

    broker = redis.Redis.from_url(REDIS_URL)
    project = cluster.root / "project"
    project.mkdir()
    driver = subprocess.Popen([ADLOOM, *RUN, "--angles", "1", "--executor", "celery", "--project", str(project)],
                              env=cluster.env(), cwd=cluster.root, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not broker.llen("adloom.concepts"):          # no worker yet: the first unit waits in the queue
        assert driver.poll() is None and time.monotonic() < deadline, driver.communicate()
        time.sleep(0.2)
    message = broker.lindex("adloom.concepts", 0)
    assert message is not None
    cluster.start_worker("--concurrency", "1")
    stdout, stderr = driver.communicate(timeout=300)
    _ok(subprocess.CompletedProcess(driver.args, driver.returncode, stdout, stderr))
    run_id = _run_id(stdout)
    counts_sql = ("SELECT (SELECT count(*) FROM concepts), (SELECT count(*) FROM verdicts), "
                  "(SELECT count(*) FROM writer_calls), (SELECT count(*) FROM audit_events)")
    before = cluster.rows(counts_sql)[0]
    task_id = json.loads(message)["headers"]["id"]
    (unit,) = cluster.rows("SELECT unit FROM run_units WHERE run_id = :r AND key = :k", r=run_id, k=task_id)[0]

    broker.lpush("adloom.concepts", message)            # the same message, delivered again
    deadline = time.monotonic() + 60
    while cluster.rows("SELECT deliveries FROM run_units WHERE run_id = :r AND unit = :u", r=run_id, u=unit)[0][0] < 2:
        assert time.monotonic() < deadline, "the unit was not delivered again"
        time.sleep(0.2)
    time.sleep(1.0)      # anything the second delivery were going to write would be written by now
    assert cluster.rows(counts_sql)[0] == before
    assert any(r.get("message") == "already finished by an earlier delivery" and r.get("unit") == unit
               for r in cluster.log_records(0))


def test_render_runs_as_tasks(cluster: Cluster) -> None:
    """Rendering spread over tasks, one per approved concept, into the shared output root; the run's manifest
    merges them, the files open, and a worker did not need the brand folder (it was published to the run)."""
    cluster.start_worker("--concurrency", "2")
    project = cluster.root / "project"
    project.mkdir()
    brand = cluster.root / "brand"
    shutil.copytree(EXAMPLE_BRAND, brand)
    stdout = _ok(cluster.adloom("run", str(brand), "--angles", "1", "--platforms", "google", "--executor", "celery",
                                "--generator", "brief_pdf=none", "--project", str(project)))
    run_id = _run_id(stdout)
    run_dir = cluster.out / "restwave" / run_id
    approved = cluster.rows("SELECT count(*) FROM concepts WHERE status = 'approved'")[0][0]
    render_units = cluster.rows("SELECT status, deliveries FROM run_units WHERE run_id = :r AND kind = 'render'",
                                r=run_id)
    assert approved > 0 and len(render_units) == approved and all(u == ("done", 1) for u in render_units)
    manifest = json.loads((run_dir / "assets" / "manifest.json").read_text())
    assert manifest["assets"] and not manifest["errors"]
    from PIL import Image

    for asset in manifest["assets"]:
        path = run_dir / asset["path"]
        assert path.is_file(), asset["path"]
        if path.suffix == ".png":
            with Image.open(path) as image:
                assert image.size == (asset["width"], asset["height"])
    assert (run_dir / "_brand" / "brand.yaml").is_file() or (run_dir / "_brand" / "onboarding.yaml").is_file()
    # the rows the exports wrote name files the workers made
    verify = cluster.adloom("audit", "verify", "--project", str(project))
    assert verify.returncode == 0 and "audit chain OK" in verify.stdout, verify.stdout + verify.stderr


def test_a_run_started_from_the_api_uses_the_configured_executor(cluster: Cluster,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The API's background run (api/runner.py) with ADLOOM_EXECUTOR=celery: its units go to the workers."""
    from adloom.api.runner import _run

    cluster.start_worker("--concurrency", "1")
    project = cluster.root / "project"
    project.mkdir()
    for name, value in cluster.env(ADLOOM_EXECUTOR="celery").items():
        if name.startswith("ADLOOM_"):
            monkeypatch.setenv(name, value)
    summary = _run(cluster.db_url, str(EXAMPLE_BRAND), str(project), str(cluster.out), ["meta"], 1, 2, False, False)
    assert summary["concepts"] == 3
    units = cluster.rows("SELECT kind, status, deliveries FROM run_units WHERE run_id = :r", r=summary["run_id"])
    assert sorted(units) == [("concept", "done", 1)] * 3 + [("export", "done", 1)]


def test_a_worker_refuses_a_store_whose_schema_is_behind(db_url: str, tmp_path: Path) -> None:
    """Migrations first: a worker on an unmigrated store says so in one line (exit 2) and takes no unit."""
    postgres_pass_only()
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"h_scale_exec_empty_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
        done = subprocess.run([ADLOOM, "worker"], env={**env, "ADLOOM_DATABASE_URL": url,
                                                       "ADLOOM_BROKER_URL": REDIS_URL},
                              cwd=tmp_path, text=True, capture_output=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "adloom migrate" in done.stderr
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_failed_unit_stops_the_run_and_the_same_command_finishes_it(cluster: Cluster) -> None:
    """A unit that fails on a worker (here: the export, whose output root is a file) stops the run with one
    line naming it; `runs status` shows the failure; with the worker fixed, the same command resumes the run
    under its id, sends the failed unit again and reuses the finished ones."""
    broken = cluster.root / "not-a-folder"
    broken.write_text("")
    bad = cluster.start_worker("--concurrency", "1", ADLOOM_OUTPUT_ROOT=str(broken))
    project = cluster.root / "project"
    project.mkdir()
    command = [*RUN, "--angles", "1", "--executor", "celery", "--project", str(project)]
    first = cluster.adloom(*command)
    assert first.returncode == 1, first.stdout + first.stderr
    error = first.stderr.strip().splitlines()
    assert len(error) == 1 and "export unit export failed" in error[0], first.stderr
    ((run_id, status),) = cluster.rows("SELECT id, status FROM runs")
    assert status == "interrupted"
    report = json.loads(_ok(cluster.adloom("runs", "status", run_id, "--json", "--project", str(project))))
    assert report["units"]["concept"]["done"] == 3
    assert [f["unit"] for f in report["failures"]] == ["export"]

    cluster.stop([bad])
    cluster.start_worker("--concurrency", "1")
    second = _ok(cluster.adloom(*command))
    assert _run_id(second) == run_id
    units = dict(((k, u), (s, d)) for k, u, s, d in cluster.rows(
        "SELECT kind, unit, status, deliveries FROM run_units WHERE run_id = :r", r=run_id))
    assert units.pop(("export", "export")) == ("done", 2)
    assert set(units.values()) == {("done", 2)}     # concept units: delivered again, answered from the store
    assert cluster.rows("SELECT count(*) FROM concepts")[0][0] == 3
    verify = cluster.adloom("audit", "verify", "--project", str(project))
    assert verify.returncode == 0 and "audit chain OK" in verify.stdout, verify.stdout + verify.stderr


class _Broker(CeleryExecutor):
    """The real executor with the broker's identity set by the test (a restart is a new Redis ``run_id``)."""

    identity = "before"

    def broker_id(self) -> str | None:
        return self.identity


async def test_units_a_restarted_broker_lost_are_sent_again(cluster: Cluster) -> None:
    """Redis restarted without persistence comes back with an empty queue: the driver sees a new broker and
    sends every unfinished unit again, and the run completes (it would otherwise wait ADLOOM_UNIT_RESEND_AFTER)."""
    import redis

    from adloom.cli.run import load_campaign
    from adloom.pipeline.run import RunOptions, run
    from adloom.settings import Settings
    from adloom.store.db import open_store
    from adloom.writers.registry import get_writer

    broker = redis.Redis.from_url(REDIS_URL)
    executor = _Broker.from_settings(Settings(broker_url=REDIS_URL, database_url=cluster.db_url), "formula",
                                     cluster.out)
    executor.broker_check = 0.1
    driving = asyncio.ensure_future(run(
        EXAMPLE_BRAND, factory=open_store(cluster.db_url), writer=get_writer("formula"),
        campaign=load_campaign(EXAMPLE_BRAND, None, ["meta"]), out_root=cluster.out,
        options=RunOptions(platforms=["meta"], n_angles=1, render=False, project_dir=cluster.root),
        executor=executor))
    deadline = time.monotonic() + 120
    while not broker.llen("adloom.concepts"):       # no worker yet: the first unit waits in the queue
        assert not driving.done() and time.monotonic() < deadline
        await asyncio.sleep(0.1)
    broker.flushdb()                                 # the queue is gone, as with a restarted Redis ...
    executor.identity = "after"                      # ... which is a new server process
    cluster.start_worker("--concurrency", "1")
    result = await asyncio.wait_for(driving, timeout=180)
    assert result.summary.concepts == 3
    assert result.summary.tasks["concept"]["resent"] >= 1 and result.summary.tasks["concept"]["done"] == 3
