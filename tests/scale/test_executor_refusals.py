"""What the celery executor refuses, in one line and exit 2, before anything is written (no services)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import EXAMPLE_BRAND
from tests.scale.celery_env import ADLOOM


def _adloom(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    return subprocess.run([ADLOOM, *args], env={**clean, **env}, cwd=tmp_path, text=True, capture_output=True,
                          timeout=120)


def test_celery_executor_on_a_sqlite_store_is_refused(tmp_path: Path) -> None:
    done = _adloom(tmp_path, "run", str(EXAMPLE_BRAND), "--executor", "celery", "--project", str(tmp_path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PostgreSQL" in lines[0] and "sqlite" in lines[0], done.stderr
    assert not (tmp_path / ".adloom").exists()          # refused before a store was made
    assert not (tmp_path / "out").exists()


def test_executor_from_settings_and_unknown_name(tmp_path: Path) -> None:
    done = _adloom(tmp_path, "run", str(EXAMPLE_BRAND), "--project", str(tmp_path), ADLOOM_EXECUTOR="celery",
                   ADLOOM_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 2 and "PostgreSQL" in done.stderr
    done = _adloom(tmp_path, "run", str(EXAMPLE_BRAND), "--executor", "threads", "--project", str(tmp_path))
    assert done.returncode == 2 and "unknown executor 'threads'" in done.stderr


def test_worker_on_a_sqlite_store_is_refused(tmp_path: Path) -> None:
    done = _adloom(tmp_path, "worker")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "PostgreSQL" in done.stderr, done.stderr
