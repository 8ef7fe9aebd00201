"""`adloom deploy --platform meta` against a Marketing API stand-in on 127.0.0.1 (tests/deploy/meta_standin.py).

The stand-in reproduces request and response shapes from Meta's public reference:
- campaigns: https://developers.facebook.com/docs/marketing-api/reference/ad-account/campaigns/
- ad sets: https://developers.facebook.com/docs/marketing-api/reference/ad-account/adsets/
- ad creatives: https://developers.facebook.com/docs/marketing-api/reference/ad-account/adcreatives/
- ads: https://developers.facebook.com/docs/marketing-api/reference/ad-account/ads/
- images: https://developers.facebook.com/docs/marketing-api/reference/ad-image/ and
  https://developers.facebook.com/docs/marketing-api/reference/ad-account/adimages/
- videos: https://developers.facebook.com/docs/marketing-api/reference/ad-account/advideos/
- insights: https://developers.facebook.com/docs/marketing-api/reference/ad-account/insights/
- paging (cursors, next): https://developers.facebook.com/docs/graph-api/results
- usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting and
  https://developers.facebook.com/docs/marketing-api/overview/rate-limiting
- error bodies and codes: https://developers.facebook.com/docs/graph-api/guides/error-handling and
  https://developers.facebook.com/docs/marketing-api/error-reference
- special ad categories: https://developers.facebook.com/docs/marketing-api/audiences/special-ad-category
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from adloom.cli.main import app
from adloom.deploy.base import Credentials, DeployPlan
from adloom.deploy.meta import MetaPublisher
from adloom.deploy.plan import build_plan, load_run
from adloom.errors import CredentialsExpired, InvalidParameter, PermissionMissing, PlatformRateLimited
from adloom.store.db import make_engine, open_store, transaction
from tests.deploy.meta_project import finished_run, project_copy
from tests.deploy.meta_standin import MetaStandIn

TOKEN = "EAAGstandinTOKEN0123456789"
ACCOUNT = "act_1234567890"


@pytest.fixture
def standin() -> MetaStandIn:
    with MetaStandIn(token=TOKEN, account=ACCOUNT) as server:
        yield server


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, standin: MetaStandIn) -> Path:
    folder, url = project_copy(tmp_path)
    monkeypatch.setenv("ADLOOM_DATABASE_URL", url)
    monkeypatch.setenv("ADLOOM_META_API_BASE", standin.base)
    monkeypatch.setenv("ADLOOM_META_ACCESS_TOKEN", TOKEN)
    return folder


def deploy(project: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["deploy", finished_run().run_id, "--platform", "meta", "--account", ACCOUNT,
                                      "--project", str(project), "--by", "tester", *extra])
    return result.exit_code, result.stdout, result.stderr


def audit_objects(project: Path) -> list[dict[str, object]]:
    with make_engine(os.environ["ADLOOM_DATABASE_URL"]).connect() as conn:
        rows = conn.execute(text("SELECT payload FROM audit_events WHERE kind = 'deploy.object' ORDER BY seq"))
        return [json.loads(p) if isinstance(p, str) else p for (p,) in rows]


def test_deploys_every_approved_ad_paused_then_a_rerun_is_a_no_op(project: Path, standin: MetaStandIn) -> None:
    run = finished_run()
    code, out, err = deploy(project)
    assert code == 0, out + err
    rows = run.rows()
    names = [r["Ad Name"] for r in rows]
    assert sorted(standin.names("ads")) == sorted(names) and len(set(names)) == len(names) > 20
    assert sorted(standin.names("adcreatives")) == sorted(names)
    assert len(standin.objects["campaigns"]) == 1
    assert sorted(standin.names("adsets")) == sorted({r["Ad Set Name"] for r in rows})
    # everything paused, fields from campaign.yaml
    for edge in ("campaigns", "adsets", "ads"):
        assert {o["status"] for o in standin.objects[edge].values()} == {"PAUSED"}, edge
    (campaign,) = standin.objects["campaigns"].values()
    assert campaign["name"] == "Restwave Spring" and campaign["objective"] == "OUTCOME_SALES"
    assert campaign["special_ad_categories"] == []
    for adset in standin.objects["adsets"].values():
        assert adset["daily_budget"] == "4000" and adset["targeting"]["geo_locations"]["countries"] == ["US", "CA"]
        assert 25 <= adset["targeting"]["age_min"] <= adset["targeting"]["age_max"] <= 65
    # media by hash: each uploaded image is one of the run's files, and the hash is its MD5
    files = {hashlib.md5(p.read_bytes(), usedforsecurity=False).hexdigest()
             for p in (run.run_dir / "assets").glob("*.png")}
    assert standin.objects["adimages"] and set(standin.objects["adimages"]) <= files
    videos = {r["Video File Name"] for r in rows if r["Video File Name"]}
    assert videos and sorted(t.split()[0] for t in standin.names("advideos")) == sorted(videos)
    video_creatives = [c for c in standin.objects["adcreatives"].values() if "video_data" in c["object_story_spec"]]
    assert len(video_creatives) == len(videos) and all(c["object_story_spec"]["video_data"]["image_hash"] in
                                             standin.objects["adimages"] for c in video_creatives)
    # each created object is one audit event with its platform id; lineage shows the ad's
    recorded = audit_objects(project)
    created = sum(len(standin.objects[e]) for e in standin.objects)
    assert len(recorded) == created and all(r["created"] for r in recorded)
    ad_id = next(o["id"] for o in standin.objects["ads"].values() if o["name"] == names[0])
    lineage = CliRunner().invoke(app, ["audit", "lineage", names[0], "--project", str(project)])
    assert lineage.exit_code == 0 and f"meta ad {names[0]} id {ad_id} (created" in lineage.stdout, lineage.stdout
    assert "deployed to meta account act_1234567890 by tester" in lineage.stdout
    # the rerun finds everything by name and creates nothing
    posts = len(standin.posts())
    code, out, err = deploy(project)
    assert code == 0, out + err
    assert len(standin.posts()) == posts
    assert "0 objects created" in out and len(audit_objects(project)) == created


def _no_duplicates(standin: MetaStandIn) -> None:
    for edge in ("campaigns", "adsets", "adcreatives", "ads", "advideos"):
        counts = Counter(standin.names(edge))
        assert all(n == 1 for n in counts.values()), (edge, counts.most_common(3))


def test_a_deploy_failing_halfway_and_rerun_creates_no_duplicates(project: Path, standin: MetaStandIn) -> None:
    standin.fail_after = 60
    code, out, err = deploy(project)
    assert code == 1 and err.count("\n") == 1 and "Meta is unavailable" in err, out + err
    assert standin.creates == 60 and len(audit_objects(project)) == 60
    standin.fail_after = None
    code, out, err = deploy(project)
    assert code == 0, out + err
    _no_duplicates(standin)
    assert len(standin.objects["ads"]) == len(finished_run().ad_names())
    recorded = audit_objects(project)
    assert len(recorded) == sum(len(v) for v in standin.objects.values())
    assert len({(r["level"], r["platform_id"]) for r in recorded}) == len(recorded)


def test_a_deploy_killed_halfway_and_rerun_creates_no_duplicates(project: Path, standin: MetaStandIn) -> None:
    standin.slow_creates = 0.05
    env = {**os.environ}
    child = subprocess.Popen([sys.executable, "-m", "adloom.cli.main", "deploy", finished_run().run_id,
                              "--platform", "meta", "--account", ACCOUNT, "--project", str(project)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while standin.creates < 40 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL and 40 <= standin.creates < 150, standin.creates
    killed_at = standin.creates
    standin.slow_creates = 0.0
    code, out, err = deploy(project)
    assert code == 0, out + err
    _no_duplicates(standin)
    assert len(standin.objects["ads"]) == len(finished_run().ad_names()) and standin.creates > killed_at
    # what the killed process created but had not yet recorded is recorded now, marked found
    recorded = audit_objects(project)
    assert {(r["level"], r["platform_id"]) for r in recorded} >= {
        ("ad", i) for i in standin.objects["ads"]} | {("ad_group", i) for i in standin.objects["adsets"]}


def test_policy_rejection_is_one_line_and_a_stored_finding(project: Path, standin: MetaStandIn) -> None:
    phrase = finished_run().rows()[0]["Body"][:40]        # the first ad's own words: its review refuses them
    standin.reject_phrase = phrase
    code, out, err = deploy(project)
    assert code == 1, out + err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert lines and all("meta rejected adl_restwave_" in line and "Advertising Standards" in line for line in lines)
    rejected = {line.split()[3].rstrip(":") for line in lines}
    assert not rejected & set(standin.names("ads"))      # refused ads were not created; the rest were
    assert len(standin.objects["ads"]) == len(finished_run().ad_names()) - len(rejected)
    with make_engine(os.environ["ADLOOM_DATABASE_URL"]).connect() as conn:
        payloads = [json.loads(p) if isinstance(p, str) else p for (p,) in conn.execute(
            text("SELECT payload FROM verdicts WHERE route = 'reject'"))]
    findings = [f for p in payloads for f in p["findings"] if f["rule_id"] == "platform.meta.policy_rejected"]
    assert findings and {f["field"] for f in findings} <= rejected and phrase in findings[0]["message"]
    # recheck shows those concepts as routed reject before today's rules
    recheck = CliRunner().invoke(app, ["concepts", "recheck", "--project", str(project)])
    assert recheck.exit_code == 0 and " reject " in recheck.stdout, recheck.stdout
    # a rerun leaves the rejected concepts out instead of submitting them again
    posts = len(standin.posts("adcreatives"))
    code, out, err = deploy(project)
    assert code == 0 and "rejected by meta before, left out" in err, out + err
    assert len(standin.posts("adcreatives")) == posts


# ------------------------------------------------------------------ the publisher on its own


def _plan(project: Path) -> DeployPlan:
    factory = open_store(os.environ["ADLOOM_DATABASE_URL"])
    with transaction(factory) as session:
        material = load_run(session, finished_run().run_id)
    plan = build_plan(material, "meta", ACCOUNT)
    first = plan.campaign.ad_groups[0]
    return plan.model_copy(update={"campaign": plan.campaign.model_copy(update={"ad_groups": (first,)})})


def _publish(plan: DeployPlan, standin: MetaStandIn, **options: object) -> list[float]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def go() -> None:
        publisher = MetaPublisher(Credentials("meta", {"meta_access_token": TOKEN}), standin.base,
                                  page_id="104857600", sleep=sleep, **options)
        try:
            await publisher.publish(plan, on_object=lambda o: None, on_rejected=lambda r: None)
        finally:
            await publisher.aclose()

    asyncio.run(go())
    return waits


def test_graph_errors_become_one_line_deploy_errors(project: Path, standin: MetaStandIn) -> None:
    plan = _plan(project)
    standin.expire_token = True
    with pytest.raises(CredentialsExpired, match="expired or was revoked"):
        _publish(plan, standin)
    standin.expire_token, standin.deny = False, True
    with pytest.raises(PermissionMissing, match="ads_management"):
        _publish(plan, standin)
    standin.deny = False
    standin.script("/campaigns", 400, {"message": "Invalid parameter", "code": 100, "error_subcode": 1885183,
                                       "error_user_title": "Objective Invalid",
                                       "error_data": json.dumps({"blame_field_specs": [["objective"]]})})
    # the lookup GET of /campaigns takes the scripted answer: an invalid-parameter error naming the field
    with pytest.raises(InvalidParameter) as caught:
        _publish(plan, standin)
    assert caught.value.field == "objective" and "Objective Invalid" in str(caught.value)
    assert caught.value.exit_code == 2


def test_rate_limits_slow_down_and_back_off(project: Path, standin: MetaStandIn) -> None:
    plan = _plan(project)
    standin.usage = 90.0          # above slow_at: every request after the first waits
    waits = _publish(plan, standin, max_delay=4.0)
    assert waits and all(abs(w - 4.0 * (90 - 75) / 25) < 1e-6 for w in waits)
    standin.usage, standin.throttle = 10.0, 2     # two 80004 answers, then through
    waits = _publish(plan, standin)
    assert len(waits) == 2
    standin.throttle = 10
    with pytest.raises(PlatformRateLimited, match="80004"):
        _publish(plan, standin, retries=2)


def test_insights_read_every_page(project: Path, standin: MetaStandIn) -> None:
    code, out, err = deploy(project)
    assert code == 0, out + err

    async def read() -> list[object]:
        publisher = MetaPublisher(Credentials("meta", {"meta_access_token": TOKEN}), standin.base)
        try:
            return list(await publisher.insights(ACCOUNT, date(2026, 11, 1), date(2026, 11, 2)))
        finally:
            await publisher.aclose()

    rows = asyncio.run(read())
    assert len(rows) == 2 * len(finished_run().ad_names())        # two days per ad, over many pages of two
    first = rows[0]
    assert first.ad_name.startswith("adl_restwave_") and first.impressions >= 1000 and first.video_3s >= 200
    assert first.thruplays >= 80 and first.revenue == pytest.approx(first.purchases * 49.5)
