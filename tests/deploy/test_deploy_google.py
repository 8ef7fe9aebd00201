"""The Google Ads publisher against a REST stand-in of the Google Ads API (tests/deploy/google_standin.py).

References for the shapes (developers.google.com/google-ads/api): /rest/overview and /rest/reference/rest
(customers.googleAds.search, customers.campaignBudgets/campaigns/adGroups/adGroupAds/labels/adGroupAdLabels
.mutate), /docs/best-practices/partial-failures, /docs/concepts/call-structure (request headers),
/docs/common-errors, /docs/best-practices/quotas and /docs/rate-sheet (RESOURCE_TEMPORARILY_EXHAUSTED,
retryDelay), /docs/ads/responsive-search-ads (3-15 headlines of 30, 2-4 descriptions of 90), /docs/oauth/overview
and developers.google.com/identity/protocols/oauth2/web-server#offline (refresh-token exchange, invalid_grant).
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from adloom.deploy.base import Credentials, CredentialsExpired, DeployPlan, InvalidParameter, PermissionMissing
from adloom.deploy.google import GooglePublisher
from tests.deploy.google_standin import GoogleAdsStandIn
from tests.deploy.standin_plans import Collected, google_plan

REPO = Path(__file__).resolve().parents[2]
SECRETS = {"google_ads_developer_token": "dev-planted-7c1e", "google_ads_client_id": "client-planted.apps",
           "google_ads_client_secret": "secret-planted-93ab", "google_ads_refresh_token": "refresh-planted-51f0"}


def standin(**options: object) -> GoogleAdsStandIn:
    return GoogleAdsStandIn(developer_token=SECRETS["google_ads_developer_token"],
                            client_id=SECRETS["google_ads_client_id"],
                            client_secret=SECRETS["google_ads_client_secret"],
                            refresh_token=SECRETS["google_ads_refresh_token"], **options)  # type: ignore[arg-type]


def credentials(server: GoogleAdsStandIn, **override: str) -> Credentials:
    return Credentials("google", {**SECRETS, "google_ads_login_customer_id": "111-000-0000",
                                  "google_ads_token_url": server.token_url, **override})


async def _publish(server: GoogleAdsStandIn, plan: DeployPlan, **override: str) -> Collected:
    seen = Collected()
    publisher = GooglePublisher(credentials(server, **override), server.api_base)
    try:
        await publisher.publish(plan, on_object=seen.on_object, on_rejected=seen.on_rejected)
    finally:
        await publisher.aclose()
    return seen


def _mutates(server: GoogleAdsStandIn) -> list[str]:
    return [p.rsplit("/", 1)[1] for p in server.paths("POST") if p.endswith(":mutate")]


async def test_paused_rsas_with_partial_failure_then_a_rerun_that_mutates_nothing() -> None:
    plan = google_plan(headline={1: "Cures every injury"})
    with standin(rejected_phrases=("cures every injury",)) as server:
        first = await _publish(server, plan)
        [campaign] = server.of("campaign")
        assert campaign["status"] == "PAUSED" and campaign["advertising_channel_type"] == "SEARCH"
        assert server.of("campaign_budget")[0]["amount_micros"] == str(60 * 1_000_000)
        assert [c["location"]["geo_target_constant"] for c in server.of("campaign_criterion")] == [
            "geoTargetConstants/2840"]
        assert {g["status"] for g in server.of("ad_group")} == {"PAUSED"} and len(server.of("ad_group")) == 3
        ads = server.of("ad_group_ad")
        assert len(ads) == 2 and {a["status"] for a in ads} == {"PAUSED"}      # the third was disapproved
        assert ads[0]["ad"]["final_url_suffix"] == "utm_source=google"
        # one mutate for all ads, with partial failure: the disapproved ad did not stop the other two
        assert _mutates(server).count("adGroupAds:mutate") == 1
        assert all(r.json.get("partialFailure") is True for r in server.requests if r.path.endswith("Ads:mutate"))
        [rejection] = first.rejected
        assert rejection.ad_name == plan.campaign.ad_groups[1].ads[0].name  # type: ignore[attr-defined]
        assert "UNREALISTIC_HEALTH_CLAIMS" in rejection.reason and "Cures every injury" in rejection.reason  # type: ignore[attr-defined]
        labelled = {lab["name"] for lab in server.of("label")}
        assert all(server.objects["label"][a["labels"][0]]["name"] in labelled for a in ads)
        # every request carried the three headers; the access token came from the refresh-token exchange
        api = [r for r in server.requests if r.path != "/token"]
        assert all(r.headers["developer-token"] == SECRETS["google_ads_developer_token"] for r in api)
        assert {r.headers["login-customer-id"] for r in api} == {"1110000000"}
        assert {r.headers["authorization"].split()[0] for r in api} == {"Bearer"}

        server.expire_tokens()                        # an hour later: the next call must refresh once
        before = len(_mutates(server))
        again = await _publish(server, google_plan())  # the same plan without the rejected headline
        assert len(server.of("ad_group_ad")) == 3       # only the missing (formerly rejected) ad was created
        assert [o.name for o in again.objects if o.created] == [plan.campaign.ad_groups[1].ads[0].name]
        await _publish(server, google_plan())
        assert len(_mutates(server)) == before + 2      # adGroupAds + adGroupAdLabels once; the third run none
        # search results were read page by page (2 rows a page here)
        assert any("pageToken" in (r.json or {}) for r in server.requests)


async def test_a_deploy_killed_before_its_labels_then_rerun_adopts_the_ads(tmp_path: Path) -> None:
    plan = google_plan()
    script = ("import asyncio, sys, json\n"
              "from adloom.deploy.base import DeployPlan, Credentials\n"
              "from adloom.deploy.google import GooglePublisher\n"
              "plan = DeployPlan.model_validate_json(open(sys.argv[1]).read())\n"
              "pub = GooglePublisher(Credentials('google', json.loads(sys.argv[3])), sys.argv[2])\n"
              "asyncio.run(pub.publish(plan, on_object=print, on_rejected=print))\n")
    # budget, campaign, its location, 3 ad groups, 3 labels, 3 ads: held at labelling
    with standin(halt_after=12) as server:
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(plan.model_dump_json(), encoding="utf-8")
        creds = {**SECRETS, "google_ads_login_customer_id": "1110000000", "google_ads_token_url": server.token_url}
        proc = subprocess.Popen([sys.executable, "-c", script, str(plan_file), server.api_base, json.dumps(creds)],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert await asyncio.to_thread(server.halted.wait, 60), "the deploy never reached the labels"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        server.release()
        assert len(server.of("ad_group_ad")) == 3 and not any(a["labels"] for a in server.of("ad_group_ad"))
        seen = await _publish(server, plan)
        assert len(server.of("ad_group_ad")) == 3                     # adopted, not created again
        assert Counter(len(a["labels"]) for a in server.of("ad_group_ad")) == {1: 3}
        assert not [o for o in seen.objects if o.created]
        assert len(server.of("campaign")) == 1 and len(server.of("campaign_budget")) == 1
        assert len(server.of("campaign_criterion")) == 1


async def test_errors_are_one_line_and_carry_no_secret() -> None:
    plan = google_plan(groups=1)
    with standin() as server:
        with pytest.raises(CredentialsExpired) as revoked:
            await _publish(server, plan, google_ads_refresh_token="refresh-planted-revoked")
        with pytest.raises(PermissionMissing) as denied:
            await _publish(server, plan, google_ads_login_customer_id="999-999-9999")
        with pytest.raises(InvalidParameter) as invalid:
            await _publish(server, google_plan(groups=1, headline={0: "A headline far longer than thirty chars"}))
    assert "ADLOOM_GOOGLE_ADS_REFRESH_TOKEN" in str(revoked.value)
    assert "login-customer-id" in str(denied.value)
    assert invalid.value.field == "ad.responsive_search_ad.headlines[5].text"
    for exc in (revoked.value, denied.value, invalid.value):
        text = str(exc)
        assert "\n" not in text and text.startswith("google: ")
        assert not any(secret in text for secret in [*SECRETS.values(), "refresh-planted-revoked"])


async def test_quota_errors_slow_the_client_down_and_it_finishes() -> None:
    with standin(qps=3) as server:
        publisher = GooglePublisher(credentials(server), server.api_base, qps=50)
        seen = Collected()
        await publisher.publish(google_plan(), on_object=seen.on_object, on_rejected=seen.on_rejected)
        await publisher.aclose()
        assert server.throttled > 0 and publisher.pacer.rate < 50
        assert len(server.of("ad_group_ad")) == 3
    with standin(qps=6) as server:
        await _publish(server, google_plan())
        assert server.throttled == 0                  # paced at 5/s by default: never throttled
