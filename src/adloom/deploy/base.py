"""The publisher interface: one async method to publish a plan, one to read insights back.

A publisher turns a platform-neutral ``DeployPlan`` (campaign → ad groups → ads, every object ``PAUSED``)
into objects in one ad account, and reads per-ad results back as ``InsightRow``s for the feedback loop.
Publishers register under the ``adloom.publishers`` entry-point group (``deploy.registry``), like writers.

Rules every publisher keeps (the tests hold each platform to them):

- **Idempotent by name.** Before creating an object, look it up by its name in the account (campaign by
  ``PlanCampaign.name``, ad group by ``PlanAdGroup.name`` inside that campaign, ad by ``PlanAd.name`` — the
  adloom ad name convention — inside that ad group; uploaded media by content hash where the platform has one).
  A found object is reported with ``created=False`` and not touched, so a rerun after a failure creates only
  what is missing and a rerun after success creates nothing.
- **Paused.** Every object is created paused; a publisher never activates anything.
- **Report each object as it lands.** Call ``on_object`` right after each create or lookup, before the next
  request: the caller records it in the audit log, so a deploy killed halfway still leaves a true record.
- **Errors are ``DeployError`` subclasses** (below), raised ``from`` the transport error; the message is one
  line a person can act on and never contains a credential. A policy rejection of one ad is reported through
  ``on_rejected`` and the publisher goes on with the next ad; every other error stops the publish.
- **Slow down before throttling.** Read the platform's usage headers and wait (``deploy.ratelimit``) before a
  limit is hit; on a rate-limit error, back off and retry a bounded number of times, then raise.

Construction: ``cls(credentials, api_base=None, **options)`` — ``credentials`` from ``deploy.credentials``
(secret values, never printed), ``api_base`` the API root (``None``: the platform's public default), which is
how tests and proxies point a publisher elsewhere.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from adloom.errors import (
    CredentialsExpired,
    DeployError,
    InvalidParameter,
    PermissionMissing,
    PlatformRateLimited,
    PlatformUnavailable,
    PolicyRejected,
)
from adloom.platforms import Platform
from adloom.types import StaticCopy

__all__ = [
    "ENTRY_POINT_GROUP",
    "PAUSED",
    "SETTINGS",
    "Credentials",
    "CredentialsExpired",
    "DeployError",
    "DeployPlan",
    "InsightRow",
    "InvalidParameter",
    "Level",
    "MediaKind",
    "ObjectCallback",
    "PermissionMissing",
    "PlanAd",
    "PlanAdGroup",
    "PlanCampaign",
    "PlanMedia",
    "PlatformRateLimited",
    "PlatformUnavailable",
    "PolicyRejected",
    "PublishResult",
    "PublishedObject",
    "Publisher",
    "Rejection",
    "RejectionCallback",
]

ENTRY_POINT_GROUP = "adloom.publishers"
PAUSED: Literal["PAUSED"] = "PAUSED"

# Settings (``adloom.settings.Settings`` fields; environment ADLOOM_<NAME upper-cased>) each platform reads.
# Secrets may also come from the OS keyring: service "adloom", user name = the field name (deploy.credentials).
SETTINGS: dict[Platform, dict[str, tuple[str, ...]]] = {
    "meta": {"secrets": ("meta_access_token",), "api_base": ("meta_api_base",)},
    "tiktok": {"secrets": ("tiktok_access_token",), "api_base": ("tiktok_api_base",)},
    "google": {"secrets": ("google_ads_developer_token", "google_ads_client_id", "google_ads_client_secret",
                           "google_ads_refresh_token"),
               "plain": ("google_ads_login_customer_id", "google_ads_token_url"), "api_base": ("google_ads_api_base",)},
}

Level = Literal["campaign", "ad_group", "creative", "ad", "image", "video"]
MediaKind = Literal["image", "video"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- the plan (deploy.plan builds it)


class PlanMedia(_Frozen):
    """A rendered file the ad carries: uploaded (or found by hash) before the creative is made."""

    kind: MediaKind
    path: str                 # absolute path of the file on disk
    sha256: str               # as the render stage recorded it (the file is checked against it)
    asset_id: str
    placement: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None


class PlanAd(_Frozen):
    """One ad (on Meta: a creative plus the ad using it). ``name`` is the adloom ad name convention."""

    name: str
    concept_id: str
    hook_id: str              # "h1".. or "rsa"
    copy_variant: StaticCopy  # the approved copy for this platform, field for field
    link: str                 # landing URL
    url_tags: str = ""        # utm_* query string
    display_link: str = ""
    display_name: str = ""    # TikTok identity / Google business name
    media: tuple[PlanMedia, ...] = ()
    status: Literal["PAUSED"] = PAUSED


class PlanAdGroup(_Frozen):
    """Meta ad set / TikTok ad group / Google ad group: one per concept (brand – angle – segment)."""

    name: str
    concept_id: str
    daily_budget: float       # in the account's currency units (publishers convert to minor units)
    countries: tuple[str, ...]
    age_min: int
    age_max: int
    ads: tuple[PlanAd, ...]
    status: Literal["PAUSED"] = PAUSED


class PlanCampaign(_Frozen):
    name: str
    objective: str            # campaign.yaml objective (Meta OUTCOME_* names; other platforms map it)
    buying_type: str = "AUCTION"
    special_ad_categories: tuple[str, ...] = ()   # Meta: HOUSING, EMPLOYMENT, FINANCIAL_PRODUCTS_SERVICES, ...
    ad_groups: tuple[PlanAdGroup, ...] = ()
    status: Literal["PAUSED"] = PAUSED


class DeployPlan(_Frozen):
    """Everything one deploy will create, in order; ``--dry-run`` prints exactly this."""

    platform: Platform
    account_id: str           # as the user gave it (Meta: with or without "act_")
    run_id: str
    brand_slug: str
    brand_version: str
    campaign: PlanCampaign

    def ads(self) -> Iterator[tuple[PlanAdGroup, PlanAd]]:
        for group in self.campaign.ad_groups:
            for ad in group.ads:
                yield group, ad


# ---------------------------------------------------------------- what comes back


class PublishedObject(_Frozen):
    """One object the publish created, or found already there (``created=False``)."""

    level: Level
    name: str                 # our name for it (media: the file name)
    platform_id: str          # the platform's id (image: its hash)
    concept_id: str | None = None    # None for the campaign
    parent_id: str | None = None     # the platform id of the object it sits in
    created: bool = True


class Rejection(_Frozen):
    """The platform's review refused one ad: the reason as the platform gave it."""

    ad_name: str
    concept_id: str
    reason: str               # error_user_msg / message, as given
    title: str = ""           # error_user_title
    code: str = ""            # platform code and subcode, e.g. "368" or "100/1487xxx"


class PublishResult(_Frozen):
    platform: Platform
    account_id: str
    objects: tuple[PublishedObject, ...] = ()
    rejected: tuple[Rejection, ...] = ()

    @property
    def created(self) -> list[PublishedObject]:
        return [o for o in self.objects if o.created]


class InsightRow(_Frozen):
    """One ad's figures for one reporting window, as a performance export row would carry them."""

    ad_name: str
    ad_id: str = ""
    campaign_name: str = ""
    ad_group_name: str = ""
    date_start: date
    date_end: date
    impressions: int = 0
    reach: int | None = None
    spend: float = 0.0
    currency: str | None = None
    clicks: int = 0              # link clicks where the platform has them
    video_3s: int = 0            # Meta 3-second plays; TikTok 2-second views
    video_15s: int = 0           # Meta video_15_sec_watched_actions; TikTok 6-second views
    thruplays: int = 0
    purchases: float = 0.0
    revenue: float = 0.0
    extra: dict[str, Any] = Field(default_factory=dict)   # anything else the platform reported


ObjectCallback = Callable[[PublishedObject], None]
RejectionCallback = Callable[[Rejection], None]


class Credentials:
    """Secret values by settings name. ``repr`` and ``str`` never show a value; ``secret(name)`` does."""

    def __init__(self, platform: str, values: dict[str, str], *, sources: dict[str, str] | None = None) -> None:
        self.platform = platform
        self._values = dict(values)
        self.sources = dict(sources or {})     # name -> "environment" | "keyring" | "settings"

    def secret(self, name: str) -> str:
        try:
            return self._values[name]
        except KeyError:
            raise CredentialsExpired(f"no {name} configured: set ADLOOM_{name.upper()} or store it in the OS "
                                     f"keyring (service 'adloom', user '{name}')", platform=self.platform) from None

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def values(self) -> list[str]:
        """Every secret value: for scrubbing them out of anything printed or stored."""
        return [v for v in self._values.values() if v]

    def __repr__(self) -> str:
        return f"Credentials({self.platform!r}, names={sorted(self._values)})"

    __str__ = __repr__


class Publisher(ABC):
    """One ad platform. Capabilities are class attributes; see the module docstring for the rules."""

    platform: ClassVar[Platform]
    default_api_base: ClassVar[str]
    media_kinds: ClassVar[tuple[MediaKind, ...]] = ("image", "video")

    def __init__(self, credentials: Credentials, api_base: str | None = None, **options: Any) -> None:
        self.credentials = credentials
        self.api_base = (api_base or self.default_api_base).rstrip("/")
        self.options = options

    @abstractmethod
    async def publish(self, plan: DeployPlan, *, on_object: ObjectCallback,
                      on_rejected: RejectionCallback) -> PublishResult:
        """Create what the plan names and is not there yet, all paused; report each object as it lands."""

    @abstractmethod
    async def insights(self, account_id: str, since: date, until: date) -> list[InsightRow]:
        """Per-ad, per-day figures of ads named by the adloom convention, ``since`` .. ``until`` inclusive,
        every page read."""

    async def aclose(self) -> None:
        """Release connections; the default has none."""
        return None
