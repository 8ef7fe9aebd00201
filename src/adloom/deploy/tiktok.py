"""TikTok API for Business (v1.3) through ``httpx``: campaign → ad group → ad, video and cover uploads, all
created with ``operation_status: DISABLE`` (paused); insights from the synchronous report.

Why httpx and not ``tiktok-business-api-sdk-official``: that SDK is not on the package registry these
machines and users install from, and its generated client adds nothing the JSON envelope needs.

Idempotent by name (base.py's rules): campaign by name in the advertiser, ad group by name in the campaign,
ad by the adloom ad name in the ad group, identity by display name, video and cover image by MD5 signature
(TikTok's own content key); without a rendered cover image the ad takes the first cover TikTok suggests.
Every list is read to its last page. An ad whose creative TikTok's review refuses
is reported through ``on_rejected`` with the reasons ``ad/review_info/`` gives.

Error codes (Return code appendix): 40100 is the QPS limit (paced before it is hit, backed off when it is),
40102/40104/40105 an access token that is expired, missing or revoked, 40001 a missing permission, 40002 a
parameter error whose message starts with the field name.

Objectives map to TikTok's (OUTCOME_SALES → WEB_CONVERSIONS, …); a conversion objective needs a pixel
(``pixel_id`` option) to optimise for; without one the campaign is created for TRAFFIC, paused, and the log
says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adloom.deploy.base import (
    Credentials,
    CredentialsExpired,
    DeployError,
    DeployPlan,
    InsightRow,
    InvalidParameter,
    ObjectCallback,
    PermissionMissing,
    PlanAd,
    PlanAdGroup,
    PlanMedia,
    PlatformRateLimited,
    PlatformUnavailable,
    PublishedObject,
    Publisher,
    PublishResult,
    Rejection,
    RejectionCallback,
)
from adloom.deploy.credentials import scrub
from adloom.deploy.pacing import RatePacer
from adloom.errors import ContentMismatch
from adloom.types import TikTokCopy

log = logging.getLogger(__name__)

OBJECTIVES = {"OUTCOME_TRAFFIC": "TRAFFIC", "OUTCOME_AWARENESS": "REACH", "OUTCOME_ENGAGEMENT": "ENGAGEMENT",
              "OUTCOME_LEADS": "LEAD_GENERATION", "OUTCOME_SALES": "WEB_CONVERSIONS",
              "OUTCOME_APP_PROMOTION": "APP_PROMOTION"}
NEEDS_PIXEL = {"WEB_CONVERSIONS", "LEAD_GENERATION"}
GOALS = {"TRAFFIC": ("CLICK", "CPC"), "REACH": ("REACH", "CPM"), "ENGAGEMENT": ("CLICK", "CPC"),
         "WEB_CONVERSIONS": ("CONVERT", "OCPM"), "LEAD_GENERATION": ("CONVERT", "OCPM"),
         "APP_PROMOTION": ("INSTALL", "OCPM")}
# TikTok targets locations by GeoNames id
LOCATIONS = {"US": "6252001", "GB": "2635167", "CA": "6251999", "AU": "2077456", "DE": "2921044", "FR": "3017382",
             "ES": "2510769", "IT": "3175395", "NL": "2750405", "IE": "2963597", "NZ": "2186224", "MX": "3996063",
             "BR": "3469034", "JP": "1861060", "SE": "2661886"}
AGE_GROUPS = ((13, 17, "AGE_13_17"), (18, 24, "AGE_18_24"), (25, 34, "AGE_25_34"), (35, 44, "AGE_35_44"),
              (45, 54, "AGE_45_54"), (55, 100, "AGE_55_100"))
TOKEN_CODES = {40102, 40104, 40105}
PERMISSION_CODES = {40001, 40006}
THROTTLED = 40100
REPORT_METRICS = ("ad_name", "spend", "impressions", "reach", "clicks", "video_watched_2s", "video_watched_6s",
                  "video_views_p100", "complete_payment", "total_complete_payment_rate")
REPORT_DAYS = 30          # a day-by-day report covers at most 30 days a request


class TikTokPublisher(Publisher):
    platform = "tiktok"
    default_api_base = "https://business-api.tiktok.com/open_api/v1.3"
    media_kinds = ("image", "video")
    page_size: ClassVar[int] = 100

    def __init__(self, credentials: Credentials, api_base: str | None = None, *, qps: float = 8.0,
                 retries: int = 5, timeout: float = 60.0, pixel_id: str | None = None, **options: Any) -> None:
        super().__init__(credentials, api_base, **options)
        self.pacer = RatePacer(qps)
        self.retries = retries
        self.pixel_id = pixel_id
        self._http = httpx.AsyncClient(base_url=self.api_base + "/", timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------ transport

    async def _call(self, method: str, endpoint: str, *, params: dict[str, Any] | None = None,
                    body: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> Any:
        headers = {"Access-Token": self.credentials.secret("tiktok_access_token")}
        query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in (params or {}).items()}
        for attempt in range(self.retries + 1):
            await self.pacer.wait()
            try:
                if files is not None:
                    response = await self._http.post(endpoint, data=body, files=files, headers=headers)
                elif method == "POST":
                    response = await self._http.post(endpoint, json=body, headers=headers)
                else:
                    response = await self._http.get(endpoint, params=query, headers=headers)
            except httpx.HTTPError as exc:
                # a create cut off in flight may have landed: never resent blind; the rerun looks it up by name
                if method == "GET" and attempt < self.retries:
                    await self.pacer.throttled(attempt)
                    continue
                raise PlatformUnavailable(f"{endpoint} failed: {type(exc).__name__}", platform="tiktok") from exc
            if response.status_code >= 500:
                if method == "GET" and attempt < self.retries:
                    await self.pacer.throttled(attempt)
                    continue
                raise PlatformUnavailable(f"{endpoint} answered HTTP {response.status_code}", platform="tiktok")
            try:
                envelope = response.json()
                code = int(envelope.get("code", -1))
            except (ValueError, AttributeError, TypeError) as exc:
                raise PlatformUnavailable(f"{endpoint} answered HTTP {response.status_code} without its JSON "
                                          "envelope", platform="tiktok") from exc
            if code == 0:
                self.pacer.ok()
                return envelope.get("data")
            if code == THROTTLED and attempt < self.retries:
                await self.pacer.throttled(attempt)      # the request was refused, not run: safe to resend
                continue
            raise self._error(endpoint, code, str(envelope.get("message", "")))
        raise AssertionError("unreachable")

    def _error(self, endpoint: str, code: int, message: str) -> DeployError:
        message = scrub(message, self.credentials.values())
        if code == THROTTLED:
            return PlatformRateLimited(f"{endpoint}: still over the QPS limit after {self.retries} retries "
                                       f"({message})", platform="tiktok", code=code)
        if code in TOKEN_CODES:
            return CredentialsExpired(f"the access token is expired, revoked or wrong ({message}); get a new one "
                                      "and set ADLOOM_TIKTOK_ACCESS_TOKEN", platform="tiktok", code=code)
        if code in PERMISSION_CODES:
            return PermissionMissing(f"missing permission: {message}", platform="tiktok", code=code)
        if code == 40002:
            field = re.match(r"\s*([\w.\[\]]+):", message)
            return InvalidParameter(f"{endpoint} refused a parameter: {message}", platform="tiktok", code=code,
                                    field=field.group(1) if field else None)
        if code >= 50000:
            return PlatformUnavailable(f"{endpoint}: {message} (code {code})", platform="tiktok", code=code)
        return DeployError(f"{endpoint}: {message} (code {code})", platform="tiktok", code=code)

    async def _all(self, endpoint: str, params: dict[str, Any], key: str = "list") -> list[dict[str, Any]]:
        """Every row of a paged list: page 1 .. page_info.total_page."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            data = await self._call("GET", endpoint, params={**params, "page": page, "page_size": self.page_size})
            rows.extend(data.get(key) or [])
            if page >= int((data.get("page_info") or {}).get("total_page") or 1):
                return rows
            page += 1

    # ------------------------------------------------------------ publish

    async def publish(self, plan: DeployPlan, *, on_object: ObjectCallback,
                      on_rejected: RejectionCallback) -> PublishResult:
        advertiser = plan.account_id.strip()
        for _, ad in plan.ads():            # every file present and unchanged before anything is created
            video, cover = _media(ad)
            for media in (video, cover) if cover is not None else (video,):
                _read_checked(media)
        objects: list[PublishedObject] = []
        rejected: list[Rejection] = []

        def landed(obj: PublishedObject) -> None:
            objects.append(obj)
            on_object(obj)

        objective = OBJECTIVES.get(plan.campaign.objective, "TRAFFIC")
        if objective in NEEDS_PIXEL and not self.pixel_id:
            log.warning("tiktok: no pixel_id for a %s campaign; created for TRAFFIC (paused): attach a pixel and "
                        "change the objective in Ads Manager", objective)
            objective = "TRAFFIC"
        campaigns = {c["campaign_name"]: c for c in await self._all("campaign/get/", {"advertiser_id": advertiser})}
        campaign = campaigns.get(plan.campaign.name)
        if campaign is None:
            data = await self._call("POST", "campaign/create/", body={
                "advertiser_id": advertiser, "campaign_name": plan.campaign.name, "objective_type": objective,
                "budget_mode": "BUDGET_MODE_INFINITE", "operation_status": "DISABLE"})
            campaign_id, created = str(data["campaign_id"]), True
        else:
            campaign_id, created = str(campaign["campaign_id"]), False
        landed(PublishedObject(level="campaign", name=plan.campaign.name, platform_id=campaign_id, created=created))

        groups = {g["adgroup_name"]: g for g in await self._all(
            "adgroup/get/", {"advertiser_id": advertiser, "filtering": {"campaign_ids": [campaign_id]}})}
        identities: dict[str, str] = {}
        videos: dict[str, str] | None = None
        images: dict[str, str] | None = None
        ad_ids: dict[str, tuple[str, str]] = {}          # ad id -> (ad name, concept id)
        for group in plan.campaign.ad_groups:
            found = groups.get(group.name)
            if found is None:
                data = await self._call("POST", "adgroup/create/",
                                        body=self._adgroup_body(advertiser, campaign_id, group, objective))
                group_id, created = str(data["adgroup_id"]), True
            else:
                group_id, created = str(found["adgroup_id"]), False
            landed(PublishedObject(level="ad_group", name=group.name, platform_id=group_id,
                                   concept_id=group.concept_id, parent_id=campaign_id, created=created))
            existing = {a["ad_name"]: str(a["ad_id"]) for a in await self._all(
                "ad/get/", {"advertiser_id": advertiser, "filtering": {"adgroup_ids": [group_id]}})}
            for ad in group.ads:
                if ad.name in existing:
                    ad_ids[existing[ad.name]] = (ad.name, ad.concept_id)
                    landed(PublishedObject(level="ad", name=ad.name, platform_id=existing[ad.name],
                                           concept_id=ad.concept_id, parent_id=group_id, created=False))
                    continue
                video, cover = _media(ad)
                if videos is None:
                    videos = {v["signature"]: str(v["video_id"]) for v in await self._all(
                        "file/video/ad/search/", {"advertiser_id": advertiser})}
                    images = {i["signature"]: str(i["image_id"]) for i in await self._all(
                        "file/image/ad/search/", {"advertiser_id": advertiser})}
                assert images is not None
                video_id = await self._upload(advertiser, "video", video, videos, ad, group_id, landed)
                image_id = (await self._upload(advertiser, "image", cover, images, ad, group_id, landed)
                            if cover is not None else await self._suggested_cover(advertiser, video_id))
                identity = await self._identity(advertiser, ad, identities)
                data = await self._call("POST", "ad/create/", body={
                    "advertiser_id": advertiser, "adgroup_id": group_id,
                    "creatives": [self._creative(ad, identity, video_id, image_id)]})
                ad_id = str(data["ad_ids"][0])
                ad_ids[ad_id] = (ad.name, ad.concept_id)
                landed(PublishedObject(level="ad", name=ad.name, platform_id=ad_id, concept_id=ad.concept_id,
                                       parent_id=group_id))
        for rejection in await self._reviews(advertiser, ad_ids):
            rejected.append(rejection)
            on_rejected(rejection)
        return PublishResult(platform="tiktok", account_id=advertiser, objects=tuple(objects),
                             rejected=tuple(rejected))

    def _adgroup_body(self, advertiser: str, campaign_id: str, group: PlanAdGroup, objective: str) -> dict[str, Any]:
        unknown = [c for c in group.countries if c.upper() not in LOCATIONS]
        if unknown:
            raise InvalidParameter(f"no TikTok location id known for {', '.join(unknown)} (known: "
                                   f"{', '.join(sorted(LOCATIONS))})", field="countries", platform="tiktok")
        goal, billing = GOALS[objective]
        body: dict[str, Any] = {
            "advertiser_id": advertiser, "campaign_id": campaign_id, "adgroup_name": group.name,
            "placement_type": "PLACEMENT_TYPE_NORMAL", "placements": ["PLACEMENT_TIKTOK"],
            "location_ids": [LOCATIONS[c.upper()] for c in group.countries],
            "age_groups": [g for low, high, g in AGE_GROUPS if high >= group.age_min and low <= group.age_max],
            "budget_mode": "BUDGET_MODE_DAY", "budget": round(group.daily_budget, 2),
            "schedule_type": "SCHEDULE_FROM_NOW",
            "schedule_start_time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "optimization_goal": goal, "billing_event": billing, "bid_type": "BID_TYPE_NO_BID",
            "pacing": "PACING_MODE_SMOOTH", "operation_status": "DISABLE"}
        if objective in NEEDS_PIXEL:
            body.update(pixel_id=self.pixel_id, optimization_event="SHOPPING")
        return body

    def _creative(self, ad: PlanAd, identity: str, video_id: str, image_id: str) -> dict[str, Any]:
        copy = ad.copy_variant
        if not isinstance(copy, TikTokCopy):
            raise InvalidParameter(f"ad {ad.name} carries {copy.platform} copy, not TikTok's", field="copy",
                                   platform="tiktok")
        link = f"{ad.link}{'&' if '?' in ad.link else '?'}{ad.url_tags}" if ad.url_tags else ad.link
        return {"ad_name": ad.name, "ad_format": "SINGLE_VIDEO", "ad_text": copy.ad_text,
                "call_to_action": copy.cta, "landing_page_url": link, "identity_type": "CUSTOMIZED_USER",
                "identity_id": identity, "video_id": video_id, "image_ids": [image_id],
                "operation_status": "DISABLE"}

    async def _identity(self, advertiser: str, ad: PlanAd, known: dict[str, str]) -> str:
        name = ad.display_name.strip()
        if not name:
            raise InvalidParameter(f"ad {ad.name} has no display name for its TikTok identity", field="display_name",
                                   platform="tiktok")
        if not known:
            known.update({i["display_name"]: str(i["identity_id"]) for i in await self._all(
                "identity/get/", {"advertiser_id": advertiser, "identity_type": "CUSTOMIZED_USER"},
                key="identity_list")})
        if name not in known:
            data = await self._call("POST", "identity/create/", body={"advertiser_id": advertiser,
                                                                      "display_name": name})
            known[name] = str(data["identity_id"])
        return known[name]

    async def _upload(self, advertiser: str, kind: str, media: PlanMedia, library: dict[str, str], ad: PlanAd,
                      group_id: str, landed: ObjectCallback) -> str:
        content = _read_checked(media)
        signature = hashlib.md5(content).hexdigest()
        name = Path(media.path).name
        if signature in library:
            landed(PublishedObject(level=kind, name=name, platform_id=library[signature],
                                   concept_id=ad.concept_id, parent_id=group_id, created=False))
            return library[signature]
        data = await self._call("POST", f"file/{kind}/ad/upload/", files={f"{kind}_file": (name, content)}, body={
            "advertiser_id": advertiser, "upload_type": "UPLOAD_BY_FILE", f"{kind}_signature": signature,
            "file_name": f"{ad.name}-{signature[:8]}{Path(name).suffix}"})
        item = data[0] if isinstance(data, list) else data
        library[signature] = str(item[f"{kind}_id"])
        landed(PublishedObject(level=kind, name=name, platform_id=library[signature],
                               concept_id=ad.concept_id, parent_id=group_id))
        return library[signature]

    async def _suggested_cover(self, advertiser: str, video_id: str) -> str:
        """A single-video ad needs a cover image: without a rendered one, the first frame TikTok suggests."""
        data = await self._call("GET", "file/video/suggestcover/", params={
            "advertiser_id": advertiser, "video_id": video_id, "poster_number": 1})
        covers = data.get("list") or []
        if not covers:
            raise InvalidParameter(f"TikTok suggested no cover for video {video_id}", field="image_ids",
                                   platform="tiktok")
        return str(covers[0]["id"])

    async def _reviews(self, advertiser: str, ads: dict[str, tuple[str, str]]) -> list[Rejection]:
        out = []
        ids = list(ads)
        for start in range(0, len(ids), 100):
            data = await self._call("GET", "ad/review_info/", params={"advertiser_id": advertiser,
                                                                      "ad_ids": ids[start:start + 100]})
            for ad_id, review in (data.get("ad_review_map") or {}).items():
                if review.get("is_approved") is not False or ad_id not in ads:
                    continue
                reasons = [r for info in review.get("reject_info") or [] for r in info.get("reasons") or []]
                hints = [info.get("suggestion", "") for info in review.get("reject_info") or []]
                name, concept = ads[ad_id]
                out.append(Rejection(ad_name=name, concept_id=concept,
                                     reason="; ".join(reasons) or str(review.get("review_status", "rejected")),
                                     title="; ".join(h for h in hints if h),
                                     code=str(review.get("review_status", ""))))
        return out

    # ------------------------------------------------------------ insights

    async def insights(self, account_id: str, since: date, until: date) -> list[InsightRow]:
        advertiser = account_id.strip()
        info = await self._call("GET", "advertiser/info/", params={"advertiser_ids": [advertiser]})
        currency = next((a.get("currency") for a in info.get("list") or []), None)
        rows: list[InsightRow] = []
        for first, last in _windows(since, until, REPORT_DAYS):
            for item in await self._all("report/integrated/get/", {
                    "advertiser_id": advertiser, "report_type": "BASIC", "data_level": "AUCTION_AD",
                    "dimensions": ["ad_id", "stat_time_day"], "metrics": list(REPORT_METRICS),
                    "start_date": first.isoformat(), "end_date": last.isoformat()}):
                m, d = item.get("metrics") or {}, item.get("dimensions") or {}
                name = str(m.get("ad_name", ""))
                if not name.startswith("adl_"):
                    continue
                day = date.fromisoformat(str(d["stat_time_day"])[:10])
                rows.append(InsightRow(
                    ad_name=name, ad_id=str(d.get("ad_id", "")), date_start=day, date_end=day,
                    impressions=_int(m.get("impressions")), reach=_int(m.get("reach")) or None,
                    spend=_num(m.get("spend")), currency=currency, clicks=_int(m.get("clicks")),
                    video_3s=_int(m.get("video_watched_2s")), video_15s=_int(m.get("video_watched_6s")),
                    thruplays=_int(m.get("video_views_p100")), purchases=_num(m.get("complete_payment")),
                    revenue=_num(m.get("total_complete_payment_rate"))))
        return rows


def _media(ad: PlanAd) -> tuple[PlanMedia, PlanMedia | None]:
    video = next((m for m in ad.media if m.kind == "video"), None)
    cover = next((m for m in ad.media if m.kind == "image"), None)
    if video is None:
        raise InvalidParameter(f"ad {ad.name} has no rendered video: TikTok's single-video ad needs one (run "
                               "without --no-render, or approve it at the desk to render it)", field="media",
                               platform="tiktok")
    return video, cover


def _read_checked(media: PlanMedia) -> bytes:
    try:
        content = Path(media.path).read_bytes()
    except OSError as exc:
        raise InvalidParameter(f"cannot read {media.path}: {exc.strerror}", field="media", platform="tiktok") from exc
    if hashlib.sha256(content).hexdigest() != media.sha256:
        raise ContentMismatch(f"{media.path} differs from the file the render stage recorded (sha256 "
                              f"{media.sha256[:12]}…); re-render it", field="media")
    return content


def _windows(since: date, until: date, days: int) -> Iterable[tuple[date, date]]:
    start = since
    while start <= until:
        end = min(until, start + timedelta(days=days - 1))
        yield start, end
        start = end + timedelta(days=1)


def _num(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _int(value: Any) -> int:
    return round(_num(value))
