"""`adloom feedback pull`: insights read through the TikTok and Google publishers land in `adloom insights`
through the export importer, and the example brand deploys to the Google Ads stand-in end to end (dry run,
real, rerun, pull). Stand-in references: tests/deploy/test_deploy_tiktok.py and test_deploy_google.py.
Meta's pull is exercised by deploy-meta's stand-in tests when it answers /insights.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.cli.main import app
from adloom.naming import ad_name
from tests.conftest import EXAMPLE_BRAND
from tests.deploy.google_standin import GoogleAdsStandIn
from tests.deploy.standin_plans import TOKEN
from tests.deploy.tiktok_standin import TikTokStandIn
from tests.feedback.factories import ANGLES, SEGMENTS, concept_id, seed_concepts

GOOGLE = {"ADLOOM_GOOGLE_ADS_DEVELOPER_TOKEN": "dev-planted-7c1e", "ADLOOM_GOOGLE_ADS_CLIENT_ID": "client-planted.apps",
          "ADLOOM_GOOGLE_ADS_CLIENT_SECRET": "secret-planted-93ab",
          "ADLOOM_GOOGLE_ADS_REFRESH_TOKEN": "refresh-planted-51f0",
          "ADLOOM_GOOGLE_ADS_LOGIN_CUSTOMER_ID": "1110000000"}


def _invoke(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env)
    return result.exit_code, result.output


def test_tiktok_pull_lands_in_insights_and_a_second_pull_changes_nothing(
        store: sessionmaker[Session], db_url: str, tmp_path: Path) -> None:
    seed_concepts(store, brand="acme")
    with TikTokStandIn(token=TOKEN, page_cap=3) as server:
        start = date(2026, 11, 1)
        for angle in ANGLES:
            for segment in SEGMENTS:
                ad_id = server._id()
                server.ads[ad_id] = {"ad_id": ad_id, "advertiser_id": "7001", "adgroup_id": "1", "_rejected": [],
                                     "ad_name": ad_name("acme", angle, segment, "h1",
                                                        concept_id(angle, segment, "acme"), "tiktok")}
                rate = 0.04 if angle == "contrarian" else 0.01
                for d in range(7):
                    server.deliver(ad_id, start + timedelta(days=d), spend=9.0, impressions=4000, clicks=4000 * rate,
                                   video_watched_2s=900, video_watched_6s=300, complete_payment=2,
                                   total_complete_payment_rate=80.0)
        env = {"ADLOOM_DATABASE_URL": db_url, "ADLOOM_TIKTOK_ACCESS_TOKEN": TOKEN,
               "ADLOOM_TIKTOK_API_BASE": server.api_base}
        args = ["feedback", "pull", "--platform", "tiktok", "--since", "2026-11-01", "--until", "2026-11-07",
                "--account", "7001", "--project", str(tmp_path)]
        code, out = _invoke(args, env)
        assert code == 0, out
        assert "pulled 42 rows from tiktok" in out and "42 records" in out
        code, again = _invoke(args, env)
        assert code == 0 and "was imported before" in again and "nothing changed" in again
    code, shown = _invoke(["insights", "--format", "json", "--project", str(tmp_path)], env)
    assert code == 0, shown
    board = json.loads(shown)
    assert board["brand"] == "acme" and board["ads"] == 6 and board["currency"] == "USD"
    assert board["angles"][0]["key"] == "contrarian"            # the ad that clicked 4x leads
    pulled = list((tmp_path / ".adloom" / "pulls").glob("tiktok-7001-2026-11-01-2026-11-07-*.csv"))
    assert len(pulled) == 1 and "2-second video views" in pulled[0].read_text(encoding="utf-8")
    assert TOKEN not in out + again + shown + pulled[0].read_text(encoding="utf-8")


def test_the_example_brand_deploys_to_google_then_pulls_into_insights(tmp_path: Path) -> None:
    brand = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, brand, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    env = {"ADLOOM_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", **GOOGLE}
    code, out = _invoke(["run", str(brand), "--platforms", "google", "--no-render", "--angles", "2", "--hooks", "2",
                         "--out", str(tmp_path / "out"), "--project", str(tmp_path)], env)
    assert code == 0, out
    run_id = next((tmp_path / "out" / "restwave").iterdir()).name
    deploy = ["deploy", run_id, "--platform", "google", "--account", "1234567890", "--project", str(tmp_path)]
    with GoogleAdsStandIn(developer_token=GOOGLE["ADLOOM_GOOGLE_ADS_DEVELOPER_TOKEN"],
                          client_id=GOOGLE["ADLOOM_GOOGLE_ADS_CLIENT_ID"],
                          client_secret=GOOGLE["ADLOOM_GOOGLE_ADS_CLIENT_SECRET"],
                          refresh_token=GOOGLE["ADLOOM_GOOGLE_ADS_REFRESH_TOKEN"]) as server:
        env |= {"ADLOOM_GOOGLE_ADS_API_BASE": server.api_base, "ADLOOM_GOOGLE_ADS_TOKEN_URL": server.token_url}
        code, planned = _invoke([*deploy, "--dry-run"], env)
        assert code == 0, planned
        assert "PAUSED" in planned and "dry run: nothing was sent" in planned and server.requests == []

        code, out = _invoke(deploy, env)
        assert code == 0, out
        ads = server.of("ad_group_ad")
        assert ads and {a["status"] for a in ads} == {"PAUSED"}
        assert {server.objects["campaign"][c]["status"] for c in server.objects["campaign"]} == {"PAUSED"}
        code, rerun = _invoke(deploy, env)
        assert code == 0 and " 0 objects created" in rerun and len(server.of("ad_group_ad")) == len(ads)

        for i, ad in enumerate(ads):
            for d in range(5):
                server.deliver(ad["resource_name"], date(2026, 11, 1) + timedelta(days=d), impressions="2500",
                               clicks=str(25 + 40 * (i == 0)), cost_micros="7500000", conversions=1.0,
                               conversions_value=45.0)
        # no --account: the one this project last deployed to, from the audit log
        code, pulled = _invoke(["feedback", "pull", "--platform", "google", "--since", "2026-11-01", "--until",
                                "2026-11-30", "--project", str(tmp_path)], env)
        assert code == 0, pulled
        assert f"pulled {5 * len(ads)} rows from google" in pulled and f"{5 * len(ads)} records" in pulled
    code, shown = _invoke(["insights", "--format", "json", "--project", str(tmp_path)], env)
    assert code == 0, shown
    board = json.loads(shown)
    assert board["brand"] == "restwave" and board["ads"] == len(ads)
    everything = planned + out + rerun + pulled + shown
    assert not any(secret in everything for secret in GOOGLE.values() if "planted" in secret)


def test_meta_pull_lands_in_insights(store: sessionmaker[Session], db_url: str, tmp_path: Path) -> None:
    """deploy-meta's Graph stand-in answers /insights with two days per ad: the pull imports them like an export."""
    from tests.deploy.meta_standin import MetaStandIn

    names = seed_concepts(store, brand="acme", hooks=1)
    with MetaStandIn(token=TOKEN) as server:
        for i, name in enumerate(names):
            server.objects["ads"][str(900 + i)] = {"id": str(900 + i), "name": name, "adset_id": ""}
        env = {"ADLOOM_DATABASE_URL": db_url, "ADLOOM_META_ACCESS_TOKEN": TOKEN, "ADLOOM_META_API_BASE": server.base}
        code, out = _invoke(["feedback", "pull", "--platform", "meta", "--since", "2026-11-01", "--until",
                             "2026-11-02", "--account", server.account, "--project", str(tmp_path)], env)
    assert code == 0, out
    assert f"pulled {2 * len(names)} rows from meta" in out and f"{2 * len(names)} records" in out
    code, shown = _invoke(["insights", "--format", "json", "--project", str(tmp_path)], env)
    assert code == 0 and json.loads(shown)["ads"] == len(names)
    assert TOKEN not in out + shown
