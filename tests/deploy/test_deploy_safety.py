"""Safe by construction: --dry-run sends and records nothing; only approved concepts are planned; a concept that
stops being approved after its plan was made is refused before any request."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from adloom.audit import AuditLog
from adloom.cli.main import app
from adloom.deploy.base import Credentials
from adloom.deploy.meta import MetaPublisher
from adloom.deploy.plan import build_plan, load_run
from adloom.deploy.run import deploy
from adloom.errors import Forbidden
from adloom.store.db import make_engine, open_store, transaction
from tests.deploy.meta_project import finished_run, project_copy
from tests.deploy.meta_standin import MetaStandIn

TOKEN = "EAAGsafetyTOKEN000111"
ACCOUNT = "act_1234567890"


@pytest.fixture
def standin() -> MetaStandIn:
    with MetaStandIn(token=TOKEN, account=ACCOUNT) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, standin: MetaStandIn) -> tuple[Path, str]:
    folder, url = project_copy(tmp_path)
    monkeypatch.setenv("ADLOOM_DATABASE_URL", url)
    monkeypatch.setenv("ADLOOM_META_API_BASE", standin.base)
    monkeypatch.setenv("ADLOOM_META_ACCESS_TOKEN", TOKEN)
    return folder, url


def _dry(folder: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["deploy", finished_run().run_id, "--platform", "meta", "--account", ACCOUNT,
                                      "--project", str(folder), "--dry-run", *extra])
    return result.exit_code, result.stdout, result.stderr


def _deploy_events(url: str) -> int:
    with make_engine(url).connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM audit_events WHERE kind LIKE 'deploy.%'")).scalar() or 0)


def test_dry_run_prints_every_ad_and_changes_nothing(project: tuple[Path, str], standin: MetaStandIn) -> None:
    folder, url = project
    code, out, err = _dry(folder)
    assert code == 0 and "dry run: nothing was sent or recorded" in out, out + err
    assert all(name in out for name in finished_run().ad_names())
    code, out, err = _dry(folder, "--json")
    plan = json.loads(out)
    ads = [ad for group in plan["campaign"]["ad_groups"] for ad in group["ads"]]
    assert sorted(a["name"] for a in ads) == sorted(finished_run().ad_names())
    assert {plan["campaign"]["status"], *(g["status"] for g in plan["campaign"]["ad_groups"]),
            *(a["status"] for a in ads)} == {"PAUSED"}
    assert standin.requests == [] and _deploy_events(url) == 0


def _set_status(url: str, concept_id: str, status: str) -> None:
    """As a desk decision lands it (store.reviews.apply_decision): the row and the payload agree."""
    with make_engine(url).begin() as conn:
        payload = conn.execute(text("SELECT payload FROM concepts WHERE id = :i"), {"i": concept_id}).scalar()
        data = json.loads(payload) if isinstance(payload, str) else dict(payload)
        data["status"] = status
        conn.execute(text("UPDATE concepts SET status = :s, payload = :p WHERE id = :i"),
                     {"s": status, "p": json.dumps(data), "i": concept_id})


def test_unapproved_concepts_are_left_out_and_refused(project: tuple[Path, str], standin: MetaStandIn) -> None:
    folder, url = project
    factory = open_store(url)
    with transaction(factory) as session:
        material = load_run(session, finished_run().run_id)
    before = build_plan(material, "meta", ACCOUNT)          # made while every concept was approved
    first, second = (g.concept_id for g in before.campaign.ad_groups[:2])
    _set_status(url, first, "rejected")
    _set_status(url, second, "review")
    code, out, err = _dry(folder, "--json")
    assert code == 0 and f"{first[:12]} (rejected)" in err and f"{second[:12]} (review)" in err, err
    planned = {g["concept_id"] for g in json.loads(out)["campaign"]["ad_groups"]}
    assert first not in planned and second not in planned and planned
    # the stale plan is refused by the store re-check before a single request
    publisher = MetaPublisher(Credentials("meta", {"meta_access_token": TOKEN}), standin.base, page_id="1")
    with pytest.raises(Forbidden, match="only approved concepts deploy"):
        asyncio.run(deploy(before, publisher, factory=factory, audit=AuditLog(factory), actor="tester"))
    assert standin.requests == [] and _deploy_events(url) == 0
