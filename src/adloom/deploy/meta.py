"""Meta Marketing API publisher: images by hash, videos, then campaign → ad set → ad creative → ad, all PAUSED.

Every object is looked up by name before it is created (campaign in the account, ad set in the campaign, ad
in the ad set, creative in the account by the ad's name; images by their MD5 hash, which is Meta's image hash;
videos by a title carrying the file's SHA-256), so a rerun creates only what is missing. Shapes follow the
Marketing API reference: ``/act_{id}/campaigns``, ``/adsets``, ``/adcreatives``, ``/ads``, ``/adimages``,
``/advideos``, ``/insights``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from adloom.deploy.base import (
    PAUSED,
    Credentials,
    DeployPlan,
    InsightRow,
    ObjectCallback,
    PlanAd,
    PlanAdGroup,
    PlanMedia,
    PublishedObject,
    Publisher,
    PublishResult,
    Rejection,
    RejectionCallback,
)
from adloom.deploy.meta_graph import GraphClient
from adloom.deploy.ratelimit import Pacer
from adloom.errors import ConfigError, DeployError, PolicyRejected
from adloom.types import MetaCopy

__all__ = ["MetaPublisher", "account_path"]

# Currencies Meta keeps without minor units (its "offset" 1): budgets are sent as whole units.
ZERO_DECIMAL = frozenset({"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"})
# objective -> (optimization goal without a pixel, with one, the pixel event)
GOALS: dict[str, tuple[str, str | None, str | None]] = {
    "OUTCOME_TRAFFIC": ("LINK_CLICKS", None, None),
    "OUTCOME_AWARENESS": ("REACH", None, None),
    "OUTCOME_ENGAGEMENT": ("POST_ENGAGEMENT", None, None),
    "OUTCOME_SALES": ("LINK_CLICKS", "OFFSITE_CONVERSIONS", "PURCHASE"),
    "OUTCOME_LEADS": ("LINK_CLICKS", "OFFSITE_CONVERSIONS", "LEAD"),
}
INSIGHT_FIELDS = ("ad_id,ad_name,adset_name,campaign_name,date_start,date_stop,impressions,reach,spend,"
                  "account_currency,inline_link_clicks,actions,action_values,video_thruplay_watched_actions,"
                  "video_15_sec_watched_actions")
PURCHASE_ACTIONS = ("purchase", "offsite_conversion.fb_pixel_purchase", "omni_purchase")
LIVE = ("ACTIVE", "PAUSED", "IN_PROCESS", "WITH_ISSUES", "CAMPAIGN_PAUSED", "ADSET_PAUSED", "PENDING_REVIEW",
        "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO")


def account_path(account_id: str) -> str:
    """``act_<digits>`` from "act_123" or "123"; anything else is a one-line error naming --account."""
    bare = account_id.strip().removeprefix("act_")
    if not bare.isdigit():
        raise ConfigError(f"Meta ad account id '{account_id}' is not act_<digits> or <digits>", field="--account")
    return f"act_{bare}"


class MetaPublisher(Publisher):
    platform: ClassVar = "meta"
    default_api_base: ClassVar[str] = "https://graph.facebook.com/v26.0"

    def __init__(self, credentials: Credentials, api_base: str | None = None, **options: Any) -> None:
        super().__init__(credentials, api_base, **options)
        self._graph: GraphClient | None = None

    @property
    def graph(self) -> GraphClient:
        if self._graph is None:
            pacer = Pacer(slow_at=float(self.options.get("slow_at", 75.0)),
                          max_delay=float(self.options.get("max_delay", 20.0)))
            if "sleep" in self.options:
                pacer.sleep = self.options["sleep"]
            self._graph = GraphClient(self.api_base, self.credentials.secret("meta_access_token"),
                                      pacer=pacer, retries=int(self.options.get("retries", 3)),
                                      timeout=float(self.options.get("timeout", 60.0)))
        return self._graph

    async def aclose(self) -> None:
        if self._graph is not None:
            await self._graph.aclose()

    # ------------------------------------------------------------ publish

    async def publish(self, plan: DeployPlan, *, on_object: ObjectCallback,
                      on_rejected: RejectionCallback) -> PublishResult:
        act = account_path(plan.account_id)
        page_id = self.options.get("page_id")
        if not page_id:
            raise ConfigError("Meta ads need the Facebook Page they run as: set meta_page_id in campaign.yaml",
                              field="meta_page_id")
        objects: list[PublishedObject] = []
        rejected: list[Rejection] = []

        def report(obj: PublishedObject) -> None:
            objects.append(obj)
            on_object(obj)

        account = await self.graph.get(act, {"fields": "currency"}, what="read the ad account")
        minor = 1 if str(account.get("currency", "USD")).upper() in ZERO_DECIMAL else 100
        campaign_id = await self._campaign(act, plan, report)
        creatives = await self._named(f"{act}/adcreatives", "id,name", prefix=f"adl_{plan.brand_slug}_",
                                      what="list ad creatives")
        images = await self._images(act, [m for _, ad in plan.ads() for m in ad.media if m.kind == "image"])
        videos: dict[str, str] | None = None
        for group in plan.campaign.ad_groups:
            adset_id = await self._adset(act, campaign_id, plan, group, minor, report)
            ads = await self._named(f"{adset_id}/ads", "id,name", what="list ads of an ad set")
            for ad in group.ads:
                if ad.name in ads:
                    report(PublishedObject(level="ad", name=ad.name, platform_id=ads[ad.name],
                                           concept_id=ad.concept_id, parent_id=adset_id, created=False))
                    continue
                if videos is None and any(m.kind == "video" for m in ad.media):
                    videos = await self._named(f"{act}/advideos", "id,title", key="title", what="list ad videos")
                try:
                    creative_id = creatives.get(ad.name) or await self._creative(
                        act, ad, page_id, images, videos or {}, report)
                    creatives[ad.name] = creative_id
                    created = await self.graph.post(f"{act}/ads", {
                        "name": ad.name, "adset_id": adset_id, "creative": {"creative_id": creative_id},
                        "status": PAUSED}, what=f"create ad {ad.name}")
                except PolicyRejected as exc:
                    rejection = Rejection(ad_name=ad.name, concept_id=ad.concept_id, reason=exc.message,
                                          code=str(exc.code or ""))
                    rejected.append(rejection)
                    on_rejected(rejection)
                    continue
                report(PublishedObject(level="ad", name=ad.name, platform_id=str(created["id"]),
                                       concept_id=ad.concept_id, parent_id=adset_id))
        return PublishResult(platform="meta", account_id=act, objects=tuple(objects), rejected=tuple(rejected))

    async def _named(self, edge: str, fields: str, *, what: str, prefix: str | None = None,
                     key: str = "name", name: str | None = None) -> dict[str, str]:
        """name -> id of an edge's live objects (every page); filtered server-side where the API allows."""
        params: dict[str, Any] = {"fields": fields, "limit": 200}
        if name is not None:
            params["filtering"] = [{"field": "name", "operator": "EQUAL", "value": name}]
        elif prefix is not None:
            params["filtering"] = [{"field": "name", "operator": "CONTAIN", "value": prefix}]
        found: dict[str, str] = {}
        async for item in self.graph.pages(edge, params, what=what):
            status = item.get("effective_status") or item.get("status")
            if isinstance(status, str) and status not in LIVE and status not in ("ready", "processing"):
                continue     # deleted or archived: a name reused by a new object, not ours to resume
            if item.get(key):
                found.setdefault(str(item[key]), str(item["id"]))
        return found

    async def _campaign(self, act: str, plan: DeployPlan, report: ObjectCallback) -> str:
        c = plan.campaign
        found = await self._named(f"{act}/campaigns", "id,name,effective_status", name=c.name,
                                  what="look up the campaign")
        if c.name in found:
            report(PublishedObject(level="campaign", name=c.name, platform_id=found[c.name], created=False))
            return found[c.name]
        data: dict[str, Any] = {"name": c.name, "objective": c.objective, "status": PAUSED,
                                "buying_type": c.buying_type,
                                "special_ad_categories": list(c.special_ad_categories),
                                "is_adset_budget_sharing_enabled": False}
        if c.special_ad_categories:
            data["special_ad_category_country"] = sorted({x for g in c.ad_groups for x in g.countries})
        created = await self.graph.post(f"{act}/campaigns", data, what=f"create campaign '{c.name}'")
        report(PublishedObject(level="campaign", name=c.name, platform_id=str(created["id"]), parent_id=act))
        return str(created["id"])

    async def _adset(self, act: str, campaign_id: str, plan: DeployPlan, group: PlanAdGroup, minor: int,
                     report: ObjectCallback) -> str:
        found = await self._named(f"{campaign_id}/adsets", "id,name,effective_status", name=group.name,
                                  what="look up an ad set")
        if group.name in found:
            report(PublishedObject(level="ad_group", name=group.name, platform_id=found[group.name],
                                   concept_id=group.concept_id, parent_id=campaign_id, created=False))
            return found[group.name]
        objective = plan.campaign.objective
        if objective not in GOALS:
            raise ConfigError(f"objective {objective} cannot be deployed by adloom (supported: {', '.join(GOALS)})",
                              field="objective")
        plain, with_pixel, event = GOALS[objective]
        pixel = self.options.get("pixel_id")
        data: dict[str, Any] = {
            "name": group.name, "campaign_id": campaign_id, "status": PAUSED,
            "daily_budget": round(group.daily_budget * minor), "billing_event": "IMPRESSIONS",
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
            "optimization_goal": with_pixel if pixel and with_pixel else plain,
            # Advantage+ audience off: the age range is a hard limit, as governance's age gates assume
            "targeting": {"geo_locations": {"countries": list(group.countries)}, "age_min": group.age_min,
                          "age_max": group.age_max, "targeting_automation": {"advantage_audience": 0}},
        }
        if pixel and with_pixel:
            data["promoted_object"] = {"pixel_id": str(pixel), "custom_event_type": event}
        created = await self.graph.post(f"{act}/adsets", data, what=f"create ad set '{group.name}'")
        report(PublishedObject(level="ad_group", name=group.name, platform_id=str(created["id"]),
                               concept_id=group.concept_id, parent_id=campaign_id))
        return str(created["id"])

    async def _images(self, act: str, media: list[PlanMedia]) -> dict[str, str]:
        """file sha256 -> Meta image hash of images already in the account (Meta's hash is the file's MD5)."""
        md5s = {_md5(Path(m.path)): m.sha256 for m in media}
        if not md5s:
            return {}
        found: dict[str, str] = {}
        async for item in self.graph.pages(f"{act}/adimages", {"fields": "hash,name,status",
                                                               "hashes": sorted(md5s)}, what="look up ad images"):
            if item.get("hash") in md5s and item.get("status", "ACTIVE") != "DELETED":
                found[md5s[str(item["hash"])]] = str(item["hash"])
        return found

    async def _image_hash(self, act: str, media: PlanMedia, images: dict[str, str], concept_id: str,
                          report: ObjectCallback) -> str:
        name = Path(media.path).name
        if media.sha256 in images:
            return images[media.sha256]
        body = await self.graph.post(f"{act}/adimages", {}, what=f"upload image {name}",
                                     files={"filename": (name, Path(media.path).read_bytes(), "image/png")})
        entries = body.get("images") or {}
        entry: dict[str, Any] = next(iter(entries.values()), {}) if isinstance(entries, dict) else {}
        if not entry.get("hash"):
            raise DeployError(f"upload image {name}: the answer carried no image hash", platform="meta")
        images[media.sha256] = str(entry["hash"])
        report(PublishedObject(level="image", name=name, platform_id=str(entry["hash"]), concept_id=concept_id,
                               parent_id=act))
        return str(entry["hash"])

    async def _video_id(self, act: str, media: PlanMedia, videos: dict[str, str], concept_id: str,
                        report: ObjectCallback) -> str:
        title = f"{Path(media.path).name} {media.sha256[:16]}"
        if title in videos:
            return videos[title]
        body = await self.graph.post(f"{act}/advideos", {"title": title}, what=f"upload video {title}",
                                     files={"source": (Path(media.path).name, Path(media.path).read_bytes(),
                                                       "video/mp4")})
        video_id = str(body["id"])
        videos[title] = video_id
        report(PublishedObject(level="video", name=title, platform_id=video_id, concept_id=concept_id,
                               parent_id=act))
        for _ in range(int(self.options.get("video_polls", 30))):
            state = await self.graph.get(video_id, {"fields": "status"}, what=f"check video {title}")
            status = (state.get("status") or {}).get("video_status")
            if status == "ready":
                return video_id
            if status == "error":
                raise DeployError(f"video {title}: Meta could not process it", platform="meta")
            await self.graph.pacer.sleep(float(self.options.get("video_poll_seconds", 2.0)))
        raise DeployError(f"video {title}: still processing; run the deploy again later", platform="meta")

    async def _creative(self, act: str, ad: PlanAd, page_id: str, images: dict[str, str],
                        videos: dict[str, str], report: ObjectCallback) -> str:
        copy = ad.copy_variant
        assert isinstance(copy, MetaCopy)
        video = next((m for m in ad.media if m.kind == "video"), None)
        image = next((m for m in ad.media if m.kind == "image"), None)
        cta = {"type": copy.cta, "value": {"link": ad.link}}
        image_hash = await self._image_hash(act, image, images, ad.concept_id, report) if image else None
        if video is not None:
            video_id = await self._video_id(act, video, videos, ad.concept_id, report)
            video_data: dict[str, Any] = {"video_id": video_id, "message": copy.primary_text, "title": copy.headline,
                                          "link_description": copy.description, "call_to_action": cta}
            if image_hash:
                video_data["image_hash"] = image_hash
            else:
                video_data["image_url"] = await self._thumbnail(video_id)
            spec: dict[str, Any] = {"page_id": page_id, "video_data": video_data}
        else:
            link_data: dict[str, Any] = {"link": ad.link, "message": copy.primary_text, "name": copy.headline,
                                         "description": copy.description, "call_to_action": cta}
            if image_hash:
                link_data["image_hash"] = image_hash
            spec = {"page_id": page_id, "link_data": link_data}
        created = await self.graph.post(f"{act}/adcreatives", {"name": ad.name, "object_story_spec": spec,
                                                               "url_tags": ad.url_tags},
                                        what=f"create ad creative {ad.name}")
        report(PublishedObject(level="creative", name=ad.name, platform_id=str(created["id"]),
                               concept_id=ad.concept_id, parent_id=act))
        return str(created["id"])

    async def _thumbnail(self, video_id: str) -> str:
        thumbs = [t async for t in self.graph.pages(f"{video_id}/thumbnails", {"fields": "uri,is_preferred"},
                                                    what="read video thumbnails")]
        chosen = next((t for t in thumbs if t.get("is_preferred")), thumbs[0] if thumbs else None)
        if not chosen or not chosen.get("uri"):
            raise DeployError(f"video {video_id} has no thumbnail yet; run the deploy again later", platform="meta")
        return str(chosen["uri"])

    # ------------------------------------------------------------ insights

    async def insights(self, account_id: str, since: date, until: date) -> list[InsightRow]:
        act = account_path(account_id)
        params = {"level": "ad", "fields": INSIGHT_FIELDS, "time_increment": 1, "limit": 500,
                  "time_range": {"since": since.isoformat(), "until": until.isoformat()},
                  "filtering": [{"field": "ad.name", "operator": "CONTAIN", "value": "adl_"}]}
        rows = []
        async for item in self.graph.pages(f"{act}/insights", params, what="read ad insights"):
            rows.append(_insight_row(item))
        return rows


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _actions(item: Mapping[str, Any], key: str, types: tuple[str, ...] | None = None) -> float:
    """Sum of an action list's values ([{"action_type", "value"}]), of the given types (None: all)."""
    total = 0.0
    for entry in item.get(key) or []:
        if isinstance(entry, dict) and (types is None or entry.get("action_type") in types):
            try:
                total += float(entry.get("value") or 0)
            except (TypeError, ValueError):
                continue
    return total


def _purchases(item: Mapping[str, Any], key: str) -> float:
    """One purchase action type, the first present: Meta reports the same purchases under several names."""
    for action_type in PURCHASE_ACTIONS:
        value = _actions(item, key, (action_type,))
        if value:
            return value
    return 0.0


def _insight_row(item: Mapping[str, Any]) -> InsightRow:
    def number(key: str) -> float:
        try:
            return float(item.get(key) or 0)
        except (TypeError, ValueError):
            return 0.0

    return InsightRow(
        ad_name=str(item.get("ad_name") or ""), ad_id=str(item.get("ad_id") or ""),
        campaign_name=str(item.get("campaign_name") or ""), ad_group_name=str(item.get("adset_name") or ""),
        date_start=date.fromisoformat(str(item["date_start"])), date_end=date.fromisoformat(str(item["date_stop"])),
        impressions=int(number("impressions")), reach=int(number("reach")) if "reach" in item else None,
        spend=number("spend"), currency=item.get("account_currency"), clicks=int(number("inline_link_clicks")),
        video_3s=int(_actions(item, "actions", ("video_view",))),
        video_15s=int(_actions(item, "video_15_sec_watched_actions")),
        thruplays=int(_actions(item, "video_thruplay_watched_actions")),
        purchases=_purchases(item, "actions"), revenue=_purchases(item, "action_values"))
