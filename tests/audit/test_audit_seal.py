"""Stored content is checked against the chain (issue 16, item 4): a concept's text edited in the database
is refused by `adloom export`, by `adloom run --force` (reuse) and reported by `adloom audit verify`; a
rendered file changed or truncated on disk is refused at export. Real `adloom` processes, a real store
(SQLite, or PostgreSQL with ADLOOM_TEST_PG_URL), real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, kinds, prune_payloads
from adloom.audit.seal import check_run_assets
from adloom.errors import ContentMismatch
from adloom.store import concepts as concept_store
from adloom.store.tables import ConceptRow
from adloom.types import Asset, sha256_file
from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).parent / "adloom"


def _adloom(*args: str, cwd: Path, db_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")} | {"ADLOOM_DATABASE_URL": db_url}
    result = subprocess.run([str(ADLOOM), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result


def test_an_edited_concept_is_refused_at_export_and_reuse(tmp_path: Path, db_url: str,
                                                          store: sessionmaker[Session]) -> None:
    run = _adloom("run", str(EXAMPLE_BRAND), "--no-render", "--project", ".", "--out", "out", cwd=tmp_path,
                  db_url=db_url)
    assert run.returncode == 0, run.stderr[-1500:]
    # untouched, the sealed text exports (seals follow dedupe and the review hand-off)
    assert _adloom("export", "--project", ".", cwd=tmp_path, db_url=db_url).returncode == 0
    with store() as session, session.begin():
        row = session.query(ConceptRow).filter(ConceptRow.status == "approved").first()
        assert row is not None
        payload = dict(row.payload)
        payload["draft"] = {**payload["draft"], "copy_variants": [
            {**payload["draft"]["copy_variants"][0], "headline": "Cures arthritis in a week"},
            *payload["draft"]["copy_variants"][1:]]}
        row.payload, edited = payload, row.id
    expected = f"stored concept {edited} differs from the text the audit chain sealed for it"
    export = _adloom("export", "--project", ".", cwd=tmp_path, db_url=db_url)
    assert export.returncode == 4 and expected in " ".join(export.stderr.split()), export.stderr[-800:]
    rerun = _adloom("run", str(EXAMPLE_BRAND), "--no-render", "--project", ".", "--out", "out", "--force",
                    cwd=tmp_path, db_url=db_url)
    assert rerun.returncode == 4 and expected in " ".join(rerun.stderr.split()), rerun.stderr[-800:]
    verify = _adloom("audit", "verify", "--project", ".", cwd=tmp_path, db_url=db_url)
    assert verify.returncode == 1 and "unsealed" in verify.stderr and edited in verify.stderr, verify.stderr
    # retention keeps seals: the check still works after every payload older than now is pruned
    prune_payloads(store, 0)
    with store() as session, pytest.raises(ContentMismatch):
        concept_store.get_concept(session, edited)


def test_a_changed_or_truncated_render_is_refused(tmp_path: Path, store: sessionmaker[Session]) -> None:
    run_dir = tmp_path / "run"
    (run_dir / "assets").mkdir(parents=True)
    path = run_dir / "assets" / "c1_h1_1x1.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(path)
    asset = Asset(id="a1", concept_id="c1", kind="image", path="assets/c1_h1_1x1.png", media_type="image/png",
                  sha256=sha256_file(path), generator="fake")
    AuditLog(store).append_many([NewEvent(kinds.ASSET_RENDERED, "c1", "fake", {
        "asset_id": "a1", "concept_id": "c1", "path": asset.path, "sha256": asset.sha256})])
    with store() as session:
        check_run_assets(session, [asset], run_dir)          # as rendered: exported
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])             # truncated
        with pytest.raises(ContentMismatch, match="changed or truncated"):
            check_run_assets(session, [asset], run_dir)
        Image.new("RGB", (64, 64), (40, 200, 40)).save(path)  # replaced
        with pytest.raises(ContentMismatch, match="changed or truncated"):
            check_run_assets(session, [asset], run_dir)
        path.unlink()
        with pytest.raises(ContentMismatch, match="unreadable"):
            check_run_assets(session, [asset], run_dir)
