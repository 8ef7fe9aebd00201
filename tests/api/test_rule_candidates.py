"""Repeated rejections of one phrase become a proposed pack rule; accepting it writes a new pack version
only when the policy tests pass, and recheck then shows which stored concepts route differently."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.cli.main import app as cli

from .conftest import login
from .seed import PHRASES, Seeded


def _reject_three(client: TestClient, seeded: Seeded, start: int = 0) -> None:
    csrf = login(client, "rita")
    for cid in seeded.queued[start:start + 3]:
        resp = client.post(f"/api/review/items/{cid}/decision", headers={"x-csrf-token": csrf},
                           json={"decision": "reject", "rationale": "names a competitor", "phrase": PHRASES[0]})
        assert resp.status_code == 200, resp.text


def test_three_rejections_propose_a_rule_an_admin_accepts(app_client: TestClient, seeded: Seeded, tmp_path: Path,
                                                          store: sessionmaker[Session], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    csrf = login(app_client, "rita")
    app_client.post(f"/api/review/items/{seeded.queued[0]}/decision", headers={"x-csrf-token": csrf},
                    json={"decision": "reject", "rationale": "names a competitor", "phrase": PHRASES[0]})
    assert app_client.get("/api/rules/candidates").json() == []        # one rejection is not a pattern
    _reject_three(app_client, seeded, start=1)
    (candidate,) = app_client.get("/api/rules/candidates").json()
    assert candidate["phrase"] == "better than sleepco" and candidate["rejections"] == 4
    assert all("better than sleepco" in case.lower() for case in candidate["cases"])
    assert app_client.post(f"/api/rules/candidates/{candidate['id']}/accept",
                           headers={"x-csrf-token": csrf}).status_code == 403        # reviewers cannot
    admin = {"x-csrf-token": login(app_client, "adam")}
    done = app_client.post(f"/api/rules/candidates/{candidate['id']}/accept", headers=admin)
    assert done.status_code == 200, done.text
    assert done.json()["pack"] == "review_learned@1"
    pack = yaml.safe_load((tmp_path / "packs" / "review_learned.yaml").read_text())
    assert pack["rules"][0]["terms"] == ["better than sleepco"] and pack["rules"][0]["severity"] == "block"
    assert app_client.post(f"/api/rules/candidates/{candidate['id']}/accept", headers=admin).status_code == 409

    monkeypatch.setenv("ADLOOM_DATABASE_URL", store.kw["bind"].url.render_as_string(hide_password=False))
    runner = CliRunner()
    tested = runner.invoke(cli, ["policy", "test", str(tmp_path)])
    assert tested.exit_code == 0, tested.output
    recheck = runner.invoke(cli, ["concepts", "recheck", "--project", str(tmp_path)], terminal_width=200)
    assert recheck.exit_code == 0, recheck.output
    assert candidate["rule"]["id"] in recheck.output
    assert "would be routed differently" in recheck.output and not recheck.output.strip().endswith("0 of")


def test_a_rule_that_breaks_the_policy_tests_is_not_written(app_client: TestClient, seeded: Seeded,
                                                            tmp_path: Path) -> None:
    cases = tmp_path / "packs" / "cases"
    cases.mkdir(parents=True)
    (cases / "house.yaml").write_text(yaml.safe_dump({"pack": "general", "cases": [
        {"name": "naming the rival is fine for us", "text": "Better than SleepCo.", "hits": []}]}))
    _reject_three(app_client, seeded)
    (candidate,) = app_client.get("/api/rules/candidates").json()
    admin = {"x-csrf-token": login(app_client, "adam")}
    refused = app_client.post(f"/api/rules/candidates/{candidate['id']}/accept", headers=admin)
    assert refused.status_code == 422 and "house.yaml" in refused.json()["detail"]
    assert not (tmp_path / "packs" / "review_learned.yaml").exists()
    assert app_client.get("/api/rules/candidates").json()[0]["state"] == "proposed"
    page = app_client.get("/desk/rules", headers={"accept": "text/html"})
    assert page.status_code == 200 and "better than sleepco" in page.text
