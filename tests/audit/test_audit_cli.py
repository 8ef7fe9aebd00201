"""`adloom audit …`: one line and a non-zero exit on every failure, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.audit import AuditLog
from adloom.cli.audit import app

from .conftest import CONCEPT, filler, seed_lineage, tamper

runner = CliRunner()


@pytest.fixture
def project(db_url: str, monkeypatch: pytest.MonkeyPatch, log: AuditLog, tmp_path: Path) -> str:
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)     # never the user's folder: its .adloom/ holds the demo's state
    filler(log, 3)
    seed_lineage(log)
    return db_url


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_verify_ok_and_json(project: str) -> None:
    code, out = _run("verify")
    assert code == 0 and "audit chain OK: 14 events" in out
    code, out = _run("verify", "--json")
    assert code == 0 and '"ok": true' in out


def test_verify_names_the_break_and_exits_non_zero(project: str, store: sessionmaker[Session]) -> None:
    tamper(store, "DELETE FROM audit_events WHERE seq = 2")
    code, out = _run("verify")
    assert code == 1 and "BROKEN at seq 3 (run.started): deleted" in out and len(out.strip().splitlines()) == 1


def test_anchor_round_trip(project: str, store: sessionmaker[Session], tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    assert _run("verify", "--anchor", str(anchor), "--update-anchor")[0] == 0
    assert _run("verify", "--anchor", str(anchor))[0] == 0
    tamper(store, "DELETE FROM audit_events WHERE seq = 14")
    code, out = _run("verify", "--anchor", str(anchor))
    assert code == 1 and "truncated" in out
    anchor.write_text("garbage")
    code, out = _run("verify", "--anchor", str(anchor))
    assert code == 2 and "not a valid audit anchor" in out


def test_lineage_text_json_and_unknown(project: str) -> None:
    code, out = _run("lineage", CONCEPT[:8])
    assert code == 0 and f"lineage of concept {CONCEPT}" in out
    code, out = _run("lineage", CONCEPT, "--json")
    assert code == 0 and f'"concept_id": "{CONCEPT}"' in out
    code, out = _run("lineage", "cafebabecafebabe")
    assert code == 3 and out.startswith("error: ") and "cafebabe" in out


def test_export_and_offline_verify(project: str, tmp_path: Path) -> None:
    out_dir = tmp_path / "exp"
    code, out = _run("export", "--out", str(out_dir), "--since", "2000-01-01")
    assert code == 0 and "exported 14 events" in out
    assert _run("verify", "--export", str(out_dir))[0] == 0
    events = out_dir / "events.jsonl"
    events.write_bytes(events.read_bytes()[:-40])
    code, out = _run("verify", "--export", str(out_dir))
    assert code == 1 and "corrupt" in out and "line 14" in out
    code, out = _run("export", "--out", str(out_dir), "--since", "last tuesday")
    assert code == 2 and "--since" in out


def test_missing_project_store_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADLOOM_DATABASE_URL", raising=False)
    code, out = _run("verify", "--project", str(tmp_path / "nowhere"))
    assert code == 2 and "no adloom store" in out
