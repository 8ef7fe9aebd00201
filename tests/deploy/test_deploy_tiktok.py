"""The TikTok publisher against a TikTok API for Business v1.3 stand-in (tests/deploy/tiktok_standin.py).

References for the shapes the stand-in reproduces (TikTok API for Business, business-api.tiktok.com/portal/docs):
Campaign "Create a campaign" /campaign/create/ and "Get campaigns" /campaign/get/; Ad Group /adgroup/create/,
/adgroup/get/; Ad /ad/create/, /ad/get/, /ad/review_info/; Identity /identity/create/, /identity/get/; Video
"Upload a video" /file/video/ad/upload/ and "Search for videos" /file/video/ad/search/ (doc 1740050472224769),
"Get suggested video covers" /file/video/suggestcover/; Image /file/image/ad/upload/; Reporting "Run a
synchronous report" /report/integrated/get/; Appendix "Return codes" (doc 1737172488964097) and "Rate limits".
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from adloom.deploy.base import CredentialsExpired, DeployPlan, InvalidParameter, PermissionMissing
from adloom.deploy.tiktok import TikTokPublisher
from adloom.errors import ContentMismatch
from tests.deploy.standin_plans import TOKEN, Collected, tiktok_credentials, tiktok_plan
from tests.deploy.tiktok_standin import TikTokStandIn

REPO = Path(__file__).resolve().parents[2]


async def _publish(server: TikTokStandIn, plan: DeployPlan, **options: object) -> Collected:
    seen = Collected()
    publisher = TikTokPublisher(tiktok_credentials(), server.api_base, **options)  # type: ignore[arg-type]
    try:
        await publisher.publish(plan, on_object=seen.on_object, on_rejected=seen.on_rejected)
    finally:
        await publisher.aclose()
    return seen


def _everything_logged(server: TikTokStandIn) -> str:
    return " ".join(f"{r.path} {r.query} {r.body[:2000]!r}" for r in server.requests)


async def test_deploy_creates_paused_objects_and_a_rerun_creates_nothing(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    plan = tiktok_plan(tmp_path)
    with TikTokStandIn(token=TOKEN, page_cap=2) as server:
        first = await _publish(server, plan)
        assert [c["operation_status"] for c in server.campaigns.values()] == ["DISABLE"]
        assert [g["operation_status"] for g in server.adgroups.values()] == ["DISABLE", "DISABLE"]
        assert sorted(a["ad_name"] for a in server.ads.values()) == sorted(ad.name for _, ad in plan.ads())
        assert {a["operation_status"] for a in server.ads.values()} == {"DISABLE"}
        group = next(iter(server.adgroups.values()))
        assert group["location_ids"] == ["6252001", "2635167"] and group["budget"] == 25.0
        assert group["age_groups"] == ["AGE_25_34", "AGE_35_44"]
        assert len(server.videos) == 6 and len(server.images) == 2 and len(server.identities) == 1
        assert Counter(o.level for o in first.objects if o.created) == {
            "campaign": 1, "ad_group": 2, "ad": 6, "video": 6, "image": 2}

        posts_before = len(server.paths("POST"))
        again = await _publish(server, plan)
        assert len(server.paths("POST")) == posts_before            # the rerun sent no create at all
        assert not [o for o in again.objects if o.created]
        assert {o.name for o in again.objects if o.level == "ad"} == {ad.name for _, ad in plan.ads()}
        # every list was read to its last page (the stand-in pages by 2; an ad group holds 3 ads)
        assert any(r.path.endswith("/ad/get/") and r.query.get("page") == "2" for r in server.requests)
        # the token travels only in the Access-Token header: never in a query, a body or a log line
        assert TOKEN not in _everything_logged(server) and TOKEN not in caplog.text
        assert all(r.headers.get("access-token") == TOKEN for r in server.requests)


async def test_a_deploy_killed_halfway_then_rerun_creates_no_duplicates(tmp_path: Path) -> None:
    plan = tiktok_plan(tmp_path)
    script = ("import asyncio, sys\n"
              "from adloom.deploy.base import DeployPlan, Credentials\n"
              "from adloom.deploy.tiktok import TikTokPublisher\n"
              "plan = DeployPlan.model_validate_json(open(sys.argv[1]).read())\n"
              "pub = TikTokPublisher(Credentials('tiktok', {'tiktok_access_token': sys.argv[3]}), sys.argv[2])\n"
              "asyncio.run(pub.publish(plan, on_object=print, on_rejected=print))\n")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan.model_dump_json(), encoding="utf-8")
    # creates: campaign, ad group, video, cover, identity, ad h1, video h2 -> held at the 8th (the ad h2)
    with TikTokStandIn(token=TOKEN, halt_after=7) as server:
        proc = subprocess.Popen([sys.executable, "-c", script, str(plan_file), server.api_base, TOKEN], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert await asyncio.to_thread(server.halted.wait, 60), "the deploy never reached the halfway point"
            proc.send_signal(signal.SIGKILL)          # killed mid-request, as a crash or a closed laptop would
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        server.release()
        assert len(server.ads) == 1 and len(server.videos) == 2
        await _publish(server, plan)
        names = Counter(a["ad_name"] for a in server.ads.values())
        assert names == Counter(ad.name for _, ad in plan.ads())                 # each ad exactly once
        assert len(server.campaigns) == 1 and len(server.adgroups) == 2 and len(server.identities) == 1
        assert len(server.videos) == 6                                          # the uploaded video was found again


async def test_pacing_stays_under_the_qps_limit(tmp_path: Path) -> None:
    with TikTokStandIn(token=TOKEN, qps=6) as server:
        await _publish(server, tiktok_plan(tmp_path, groups=1), qps=5)
        assert server.throttled == 0 and len(server.ads) == 3


async def test_a_throttled_client_backs_off_slows_down_and_finishes(tmp_path: Path) -> None:
    with TikTokStandIn(token=TOKEN, qps=4) as server:
        publisher = TikTokPublisher(tiktok_credentials(), server.api_base, qps=100)
        seen = Collected()
        await publisher.publish(tiktok_plan(tmp_path, groups=1), on_object=seen.on_object,
                                on_rejected=seen.on_rejected)
        await publisher.aclose()
        assert server.throttled > 0 and publisher.pacer.throttles > 0
        assert publisher.pacer.rate < 100                  # it slowed down after code 40100
        assert len(server.ads) == 3


async def test_error_codes_become_one_line_messages_without_the_token(tmp_path: Path) -> None:
    plan = tiktok_plan(tmp_path, groups=1)
    with TikTokStandIn(token="another-token") as server, pytest.raises(CredentialsExpired) as expired:
        await _publish(server, plan)
    with TikTokStandIn(token=TOKEN, advertisers=("9999",)) as server, pytest.raises(PermissionMissing) as denied:
        await _publish(server, plan)
    bad = tiktok_plan(tmp_path, groups=1, texts={"0.2": "Recovery #1 for runners"})
    with TikTokStandIn(token=TOKEN) as server, pytest.raises(InvalidParameter) as invalid:
        await _publish(server, bad)
    for exc in (expired.value, denied.value, invalid.value):
        text = str(exc)
        assert "\n" not in text and TOKEN not in text and text.startswith("tiktok: ")
    assert "ADLOOM_TIKTOK_ACCESS_TOKEN" in str(expired.value) and "7001" in str(denied.value)
    assert invalid.value.field == "creatives[0].ad_text"


async def test_a_policy_rejection_is_reported_with_the_reason_and_the_others_go_on(tmp_path: Path) -> None:
    plan = tiktok_plan(tmp_path, groups=1, texts={"0.2": "Heals every injury overnight"})
    with TikTokStandIn(token=TOKEN, rejected_phrases=("heals every injury",)) as server:
        seen = await _publish(server, plan)
    assert len(server.ads) == 3
    [rejection] = seen.rejected
    assert rejection.ad_name.endswith("_h2_" + plan.campaign.ad_groups[0].concept_id[:8] + "_tiktok")  # type: ignore[attr-defined]
    assert "heals every injury" in rejection.reason.lower()  # type: ignore[attr-defined]


async def test_without_a_rendered_cover_the_ad_takes_tiktoks_suggested_cover(tmp_path: Path) -> None:
    with TikTokStandIn(token=TOKEN) as server:
        await _publish(server, tiktok_plan(tmp_path, groups=1, cover=False))
        assert all(a["image_ids"][0].startswith("tos-") for a in server.ads.values())
        assert server.paths("GET").count("/open_api/v1.3/file/video/suggestcover/") == 3


async def test_insights_read_every_page_and_window(tmp_path: Path) -> None:
    plan = tiktok_plan(tmp_path, groups=1)
    with TikTokStandIn(token=TOKEN, page_cap=2, currency="EUR") as server:
        await _publish(server, plan)
        start = date(2026, 10, 1)
        for ad_id in server.ads:
            for d in range(40):                        # more than one 30-day report window
                server.deliver(ad_id, start + timedelta(days=d), spend=2.5, impressions=1000, clicks=12, reach=900,
                               video_watched_2s=300, video_watched_6s=120, video_views_p100=60, complete_payment=1,
                               total_complete_payment_rate=39.0)
        publisher = TikTokPublisher(tiktok_credentials(), server.api_base)
        rows = await publisher.insights("7001", start, start + timedelta(days=39))
        await publisher.aclose()
    assert len(rows) == 3 * 40
    assert {r.currency for r in rows} == {"EUR"} and {r.video_3s for r in rows} == {300}
    assert {r.ad_name for r in rows} == {ad.name for _, ad in plan.ads()}
    assert sum(r.spend for r in rows) == pytest.approx(3 * 40 * 2.5)
    windows = {(r.query["start_date"], r.query["end_date"]) for r in server.requests
               if r.path.endswith("/report/integrated/get/")}
    assert windows == {("2026-10-01", "2026-10-30"), ("2026-10-31", "2026-11-09")}
    assert json.loads(next(r.query["metrics"] for r in server.requests if "metrics" in r.query))[0] == "ad_name"


async def test_a_missing_or_changed_file_stops_the_deploy_before_anything_is_created(tmp_path: Path) -> None:
    plan = tiktok_plan(tmp_path, groups=1)
    bare = plan.model_copy(update={"campaign": plan.campaign.model_copy(update={"ad_groups": (
        plan.campaign.ad_groups[0].model_copy(update={"ads": tuple(
            ad.model_copy(update={"media": ()}) for ad in plan.campaign.ad_groups[0].ads)}),)})})
    Path(plan.campaign.ad_groups[0].ads[2].media[0].path).write_bytes(b"edited after render")
    with TikTokStandIn(token=TOKEN) as server:
        with pytest.raises(InvalidParameter, match="no rendered video"):
            await _publish(server, bare)
        with pytest.raises(ContentMismatch, match="differs from the file the render stage recorded"):
            await _publish(server, plan)
        assert server.requests == []


def test_the_example_brand_deploys_to_tiktok_dry_run_then_for_real_then_a_no_op_rerun(tmp_path: Path) -> None:
    """End to end through `adloom deploy`: a rendered run of the example brand (9:16 animatic per hook)."""
    import shutil

    from typer.testing import CliRunner

    from adloom.cli.main import app
    from tests.conftest import EXAMPLE_BRAND

    brand = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, brand, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    env = {"ADLOOM_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "ADLOOM_TIKTOK_ACCESS_TOKEN": TOKEN}
    cli = CliRunner()
    # one angle, two hooks: a few animatics rather than 25 per segment keeps the test in seconds
    result = cli.invoke(app, ["run", str(brand), "--platforms", "tiktok", "--angles", "1", "--hooks", "2",
                              "--out", str(tmp_path / "out"),
                              "--project", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    run_id = next((tmp_path / "out" / "restwave").iterdir()).name
    deploy = ["deploy", run_id, "--platform", "tiktok", "--account", "7001", "--project", str(tmp_path)]
    with TikTokStandIn(token=TOKEN) as server:
        env["ADLOOM_TIKTOK_API_BASE"] = server.api_base
        planned = cli.invoke(app, [*deploy, "--dry-run"], env=env)
        assert planned.exit_code == 0, planned.output
        assert "dry run: nothing was sent" in planned.output and server.requests == []
        n_ads = planned.output.count("    ad adl_")
        real = cli.invoke(app, deploy, env=env)
        assert real.exit_code == 0, real.output
        assert n_ads > 0 and len(server.ads) == n_ads and len(server.videos) == n_ads
        assert {a["operation_status"] for a in [*server.ads.values(), *server.adgroups.values(),
                                                *server.campaigns.values()]} == {"DISABLE"}
        rerun = cli.invoke(app, deploy, env=env)
        assert rerun.exit_code == 0 and " 0 objects created" in rerun.output and len(server.ads) == n_ads
    assert TOKEN not in planned.output + real.output + rerun.output
