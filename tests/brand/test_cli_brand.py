import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from adloom.brand.yamlio import load_brand
from adloom.cli.brand import app
from adloom.store.db import make_engine
from adloom.store.tables import AuditEventRow
from tests.conftest import EXAMPLE_BRAND

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    target = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, target, ignore=shutil.ignore_patterns("brand.yaml", ".adloom"))
    return target


def _candidate(folder: Path) -> str:
    claims = load_brand(folder / "brand.yaml").claims
    return next(c.id for c in claims if not c.approved and "82%" in c.statement)


def test_extract_then_show(folder: Path) -> None:
    result = runner.invoke(app, ["extract", str(folder)])
    assert result.exit_code == 0, result.output
    assert "extracted" in result.stdout and "candidate claim(s)" in result.stdout
    shown = runner.invoke(app, ["show", str(folder), "--format", "json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["slug"] == "restwave"
    as_yaml = runner.invoke(app, ["show", str(folder)])
    assert yaml.safe_load(as_yaml.stdout)["name"] == "Restwave"
    assert "using" in as_yaml.stderr          # status goes to stderr; stdout stays pure YAML


def test_approve_claim_needs_evidence_then_records_who_and_when(folder: Path) -> None:
    runner.invoke(app, ["extract", str(folder)])
    claim = _candidate(folder)
    refused = runner.invoke(app, ["approve-claim", str(folder), claim, "--by", "ana"])
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1 and "has no evidence" in refused.stderr
    ok = runner.invoke(app, ["approve-claim", str(folder), claim[:6], "--by", "ana",
                             "--evidence", "Member survey RW-S-2026, n=1,200"])
    assert ok.exit_code == 0, ok.output
    approved = next(c for c in load_brand(folder / "brand.yaml").claims if c.id == claim)
    assert approved.approved and approved.approved_by == "ana" and approved.approved_at is not None
    assert approved.evidence == "Member survey RW-S-2026, n=1,200"
    # the approval is an audit event on the new brand version, naming who approved it
    factory = sessionmaker(make_engine(os.environ["ADLOOM_DATABASE_URL"]))
    with factory() as session:
        event = session.scalars(select(AuditEventRow).where(AuditEventRow.kind == "brand.claim_approved")).one()
    assert event.actor == "user:ana" and event.subject == load_brand(folder / "brand.yaml").version()
    assert event.payload is not None and event.payload["claim"] == claim
    diff = runner.invoke(app, ["diff", str(folder)])
    assert diff.exit_code == 0, diff.output
    assert f"~ claims[{claim}].approved: false -> true" in diff.stdout
    # the approval is adloom's own write, so an unchanged folder still resolves to it
    again = runner.invoke(app, ["extract", str(folder)])
    assert "using" in again.stdout


def test_unknown_claim_and_missing_brand_yaml_are_one_line_errors(folder: Path) -> None:
    missing = runner.invoke(app, ["approve-claim", str(folder), "c-00000000"])
    assert missing.exit_code == 2 and "brand extract" in missing.stderr
    runner.invoke(app, ["extract", str(folder)])
    unknown = runner.invoke(app, ["approve-claim", str(folder), "c-zzzz"])
    assert unknown.exit_code == 3 and "no claim 'c-zzzz'" in unknown.stderr
    assert "Traceback" not in unknown.output


def test_extract_force_replaces_user_edits_but_keeps_approvals(folder: Path) -> None:
    runner.invoke(app, ["extract", str(folder)])
    claim = _candidate(folder)
    runner.invoke(app, ["approve-claim", str(folder), claim, "--evidence", "Survey"])
    path = folder / "brand.yaml"
    path.write_text(path.read_text().replace("Recover like you mean it.", "Recover smarter."))
    (folder / "docs" / "extra.md").write_text("# Extra\n\nRated 4.8 out of 5 by 3,400 verified buyers.\n")
    kept = runner.invoke(app, ["extract", str(folder)])
    assert "--force" in kept.stdout and load_brand(path).tagline == "Recover smarter."
    forced = runner.invoke(app, ["extract", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    brand = load_brand(path)
    assert brand.tagline == "Recover like you mean it."
    assert next(c for c in brand.claims if c.id == claim).approved


def test_diff_with_nothing_stored_and_unknown_version(folder: Path) -> None:
    runner.invoke(app, ["extract", str(folder)])
    assert "nothing to compare" in runner.invoke(app, ["diff", str(folder)]).stdout
    unknown = runner.invoke(app, ["diff", str(folder), "--from", "deadbeef"])
    assert unknown.exit_code == 3 and "not stored" in unknown.stderr
