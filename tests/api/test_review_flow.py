"""Decisions through the API and the CLI: rules (rationale, roles, conflicts), edits re-governed, exports,
lineage, pagination, the dashboard and library, and a run started in the background."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.cli.main import app as cli
from adloom.naming import parse_ad_name
from adloom.store.tables import ReviewDecisionRow

from .conftest import login
from .seed import PHRASES, Seeded

HTML = {"accept": "text/html"}


def _meta_field(client: TestClient, cid: str) -> tuple[str, str]:
    concept = client.get(f"/api/review/items/{cid}").json()["concept"]
    copy = next(c for c in concept["draft"]["copy_variants"] if c["platform"] == "meta")
    return f"copy.meta[{copy['hook_id']}].primary_text", copy["primary_text"]


def test_decision_rules_edits_and_conflicts(app_client: TestClient, seeded: Seeded) -> None:
    csrf = login(app_client, "rita")
    h = {"x-csrf-token": csrf}
    first, second, third = seeded.queued[:3]
    url = "/api/review/items/{}/decision"
    missing = app_client.post(url.format(first), json={"decision": "reject"}, headers=h)
    assert missing.status_code == 422 and missing.json()["field"] == "rationale"
    # an edit that adds a blocking claim is refused with the findings, and nothing is stored
    path, text = _meta_field(app_client, first)
    refused = app_client.post(url.format(first), headers=h, json={
        "decision": "edit", "rationale": "tighter", "edits": {path: text + " It cures insomnia in 3 days."}})
    assert refused.status_code == 422, refused.text
    assert any(f["severity"] == "block" for f in refused.json()["findings"])
    assert app_client.get(f"/api/review/items/{first}").json()["item"]["state"] == "pending"
    bad_path = app_client.post(url.format(first), headers=h, json={
        "decision": "edit", "rationale": "x y z", "edits": {"brief.persona": "someone"}})
    assert bad_path.status_code == 422 and bad_path.json()["field"] == "brief.persona"
    # an edit that keeps a review-level phrase is stored and stays in the queue with its new verdict
    kept = app_client.post(url.format(first), headers=h, json={
        "decision": "edit", "rationale": "shorter", "edits": {path: text.split(". ")[0] + ". Better than SleepCo."}})
    assert kept.status_code == 200 and kept.json()["state"] == "pending" and kept.json()["route"] == "review"
    # escalate: then only an admin decides it
    assert app_client.post(url.format(second), headers=h, json={"decision": "escalate"}).json()["state"] == "escalated"
    assert app_client.post(url.format(second), headers=h, json={"decision": "approve"}).status_code == 403
    approved = app_client.post(url.format(third), headers=h, json={"decision": "approve", "seconds": 4.5})
    assert approved.json() == {"concept_id": third, "decision": "approve", "state": "approved", "status": "approved",
                               "route": None}
    again = app_client.post(url.format(third), headers=h, json={"decision": "reject", "rationale": "changed mind"})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    admin_csrf = login(app_client, "adam")
    done = app_client.post(url.format(second), headers={"x-csrf-token": admin_csrf},
                           json={"decision": "reject", "rationale": "competitor named",
                                 "phrase": "Better than SleepCo."})
    assert done.json()["status"] == "rejected"
    log = app_client.get("/api/review/decisions?limit=2").json()
    assert [d["decision"] for d in log] == ["reject", "approve"] and log[1]["seconds"] == 4.5


def test_queue_paging_and_filters(app_client: TestClient, seeded: Seeded) -> None:
    login(app_client, "rita")
    seen: list[str] = []
    cursor = None
    risks: list[float] = []
    while True:
        page = app_client.get("/api/review/items", params={"limit": 5, **({"cursor": cursor} if cursor else {})}).json()
        seen += [i["concept_id"] for i in page["items"]]
        risks += [i["risk"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(seeded.queued) and len(set(seen)) == len(seen)
    assert risks == sorted(risks, reverse=True)
    angle = app_client.get("/api/review/items").json()["items"][0]["angle"]
    only = app_client.get("/api/review/items", params={"angle": angle, "platform": "meta",
                                                       "run": seeded.result.summary.run_id}).json()
    assert only["total"] >= 1 and all(i["angle"] == angle for i in only["items"])
    assert app_client.get("/api/review/items", params={"platform": "snapchat"}).json()["total"] == 0
    assert app_client.get("/api/review/items", params={"limit": 0}).status_code == 422


def test_cli_decides_exports_follow_and_lineage_shows_it(store: sessionmaker[Session], seeded: Seeded,
                                                         tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADLOOM_DATABASE_URL", store.kw["bind"].url.render_as_string(hide_password=False))
    runner = CliRunner()
    listed = runner.invoke(cli, ["review", "list", "--project", str(tmp_path)])
    assert listed.exit_code == 0 and f"{len(seeded.queued)} pending" in listed.output
    keep, drop = seeded.queued[0], seeded.queued[1]
    ok = runner.invoke(cli, ["review", "approve", keep[:10], "--by", "dana", "--project", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    no_why = runner.invoke(cli, ["review", "reject", drop[:10], "--why", "", "--project", str(tmp_path)])
    assert no_why.exit_code == 2 and "rationale" in no_why.output
    bad = runner.invoke(cli, ["review", "reject", drop[:10], "--why", "names a competitor", "--phrase",
                              PHRASES[0], "--by", "dana", "--project", str(tmp_path)])
    assert bad.exit_code == 0, bad.output
    meta = seeded.result.outputs["meta"]
    before = meta.read_bytes()
    out = runner.invoke(cli, ["review", "export", "--by", "dana", "--project", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert meta.read_bytes() != before
    with meta.open(encoding="utf-8-sig") as fh:
        shipped = {parse_ad_name(r["Ad Name"]).concept for r in csv.DictReader(fh)}
    assert keep[:8] in shipped and drop[:8] not in shipped
    assert not any(cid[:8] in shipped for cid in seeded.queued[2:])     # still pending: never shipped
    lineage = runner.invoke(cli, ["audit", "lineage", drop, "--project", str(tmp_path)])
    assert lineage.exit_code == 0 and "review.decided by dana" in lineage.output and "reject" in lineage.output
    with store() as session:
        row = session.scalars(select(ReviewDecisionRow).where(ReviewDecisionRow.concept_id == drop)).one()
    assert row.phrase == PHRASES[0] and row.before and row.reviewer == "dana"


def test_dashboard_library_and_a_background_run(app_client: TestClient, seeded: Seeded, tmp_path: Path) -> None:
    csrf = login(app_client, "rita")
    h = {"x-csrf-token": csrf}
    for cid in seeded.queued[:2]:
        app_client.post(f"/api/review/items/{cid}/decision", headers=h, json={"decision": "approve", "seconds": 3})
    app_client.post(f"/api/review/items/{seeded.queued[2]}/decision", headers=h,
                    json={"decision": "reject", "rationale": "too pushy", "phrase": "Better than SleepCo."})
    figures = app_client.get("/api/dashboard").json()
    assert figures["decisions"] == 3 and figures["waits"]["decision_median_s"] == 3
    assert figures["reject_reasons"] == [{"reason": "Better than SleepCo.", "count": 1.0}]
    page = app_client.get("/desk/dashboard", headers=HTML)
    assert page.status_code == 200 and page.text.count("<svg") >= 3
    library = app_client.get("/desk/library", headers=HTML)
    assert seeded.result.summary.run_id in library.text
    run_page = app_client.get(f"/desk/library/{seeded.result.summary.run_id}?status=approved", headers=HTML)
    assert run_page.status_code == 200 and run_page.text.count('class="thumb"') >= 2
    # starting a run needs an admin; then it runs in the background and is polled
    assert app_client.post("/api/runs", headers=h, json={"folder": "restwave"}).status_code == 403
    admin = {"x-csrf-token": login(app_client, "adam")}
    outside = app_client.post("/api/runs", headers=admin, json={"folder": "../.."})
    assert outside.status_code == 422
    started = app_client.post("/api/runs", headers=admin, json={"folder": "restwave", "angles": 2, "force": True})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 120
    while (job := app_client.get(started.json()["poll"]).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["state"] == "done", job
    assert app_client.get(f"/api/runs/{job['run_id']}").json()["status"] == "done"
    runs = app_client.get("/api/runs", params={"limit": 1}).json()
    assert len(runs["items"]) == 1 and runs["next_offset"] == 1
