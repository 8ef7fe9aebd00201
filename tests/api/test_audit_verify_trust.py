"""The API checks the audit trail the way `adloom audit verify` does: against the store-keyed anchor under
.adloom/anchors/ (required once written), not the old .adloom/audit.anchor.json that deleting switched off;
a run started from the API writes that store-keyed checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from adloom.api.main import create_app
from adloom.api.runner import _run
from adloom.audit import AuditLog
from adloom.cli.audit import checkpointer_for
from adloom.settings import Settings
from adloom.store import accounts
from adloom.store.db import transaction
from tests.audit.conftest import filler
from tests.conftest import EXAMPLE_BRAND

from .conftest import make_config


@pytest.fixture(autouse=True)
def _no_audit_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ADLOOM_AUDIT_KEY", "ADLOOM_AUDIT_WITNESS"):
        monkeypatch.delenv(name, raising=False)


def test_api_verify_requires_the_store_keyed_anchor(store: sessionmaker[Session], tmp_path: Path) -> None:
    filler(AuditLog(store), 5)
    with transaction(store) as session:
        token = accounts.create_token(session, "ops", "admin")
    app = create_app(make_config(store, tmp_path))
    headers = {"authorization": f"Bearer {token}"}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        checkpointer_for(tmp_path, Settings()).write(store)
        [anchor] = (tmp_path / ".adloom" / "anchors").glob("*.json")
        ok = client.get("/api/audit/verify", headers=headers).json()
        assert ok["ok"] and ok["anchor"] == str(anchor), ok
        anchor.unlink()              # the old API said OK here: no anchor file meant no check
        gone = client.get("/api/audit/verify", headers=headers).json()
        assert not gone["ok"] and "unanchored" in gone["summary"], gone
    app.state.governors.close()


def test_a_run_from_the_api_writes_the_store_keyed_checkpoint(db_url: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    summary = _run(db_url, str(EXAMPLE_BRAND), str(project), str(project / "out"), ["meta"], 2, 2, False, False)
    assert summary["concepts"] > 0
    assert len(list((project / ".adloom" / "anchors").glob("*.json"))) == 1
    assert not (project / ".adloom" / "audit.anchor.json").exists()
