"""Platform facts as data: field limits, CTA vocabularies, placement sizes and safe zones.

Platforms edit their documentation in place, so every figure lives here once, with the page it came
from and the date it was checked; governance, writers, renderers and exporters all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Platform = Literal["meta", "google", "tiktok"]
PLATFORMS: tuple[Platform, ...] = ("meta", "google", "tiktok")


@dataclass(frozen=True)
class FieldLimit:
    platform: Platform
    field: str
    hard: int                    # over this the platform rejects the ad
    recommended: int | None      # over this the text is truncated on screen
    source: str
    checked: str = "2026-11-01"


FIELD_LIMITS: dict[tuple[Platform, str], FieldLimit] = {
    (lim.platform, lim.field): lim
    for lim in [
        FieldLimit("meta", "primary_text", 2200, 125,
                   "Meta Ads Guide: primary text ~125 chars before 'See more' on mobile"),
        FieldLimit("meta", "headline", 255, 40, "Meta Ads Guide: headline 40 recommended, ~27 in Feed"),
        FieldLimit("meta", "description", 255, 30, "Meta Ads Guide: link description 25-30 recommended"),
        FieldLimit("google", "headline", 30, 30, "Google Ads Help: RSA headlines, 30 chars, over-length rejected"),
        FieldLimit("google", "description", 90, 90, "Google Ads Help: RSA descriptions, 90 chars"),
        FieldLimit("google", "path", 15, 15, "Google Ads Help: RSA display path, 15 chars each"),
        FieldLimit("tiktok", "ad_text", 100, 100,
                   "TikTok Ads Manager: ad text 1-100 Latin chars; no emoji, '{}' or '#'"),
        FieldLimit("tiktok", "display_name", 40, 40, "TikTok Ads Manager: display name 40 chars"),
    ]
}

# Counts of variants each platform accepts per ad.
GOOGLE_RSA_HEADLINES = (5, 15)      # 3 allowed, >= 5 distinct advised
GOOGLE_RSA_DESCRIPTIONS = (2, 4)
META_MAX_TEXT_VARIATIONS = 5

META_CTAS: tuple[str, ...] = (
    "LEARN_MORE", "SHOP_NOW", "SIGN_UP", "SUBSCRIBE", "GET_OFFER", "ORDER_NOW", "CONTACT_US",
    "DOWNLOAD", "APPLY_NOW", "BOOK_TRAVEL", "ADD_TO_CART", "GET_QUOTE", "WATCH_MORE",
)
META_OBJECTIVES: tuple[str, ...] = (
    "OUTCOME_TRAFFIC", "OUTCOME_AWARENESS", "OUTCOME_ENGAGEMENT", "OUTCOME_LEADS", "OUTCOME_SALES",
    "OUTCOME_APP_PROMOTION",
)
TIKTOK_CTAS: tuple[str, ...] = (
    "LEARN_MORE", "SHOP_NOW", "SIGN_UP", "DOWNLOAD", "ORDER_NOW", "CONTACT_US", "APPLY_NOW",
    "BOOK_NOW", "GET_QUOTE", "SUBSCRIBE",
)
# TikTok ad text: characters the platform refuses.
TIKTOK_FORBIDDEN_CHARS = frozenset("#{}")


@dataclass(frozen=True)
class Placement:
    id: str
    platform: Platform
    width: int
    height: int
    safe_top: int = 0       # px kept free of text at the top (UI chrome)
    safe_bottom: int = 0
    note: str = ""

    @property
    def ratio(self) -> str:
        from math import gcd
        g = gcd(self.width, self.height)
        return f"{self.width // g}:{self.height // g}"


PLACEMENTS: dict[str, Placement] = {
    p.id: p
    for p in [
        Placement("meta_feed_square", "meta", 1080, 1080),
        Placement("meta_feed_portrait", "meta", 1080, 1350, note="recommended feed format"),
        Placement("meta_stories_reels", "meta", 1080, 1920, safe_top=250, safe_bottom=340),
        Placement("google_display_landscape", "google", 1200, 628),
        Placement("google_display_square", "google", 1200, 1200),
        Placement("tiktok_infeed", "tiktok", 1080, 1920, safe_top=250, safe_bottom=340),
    ]
}


def limit(platform: Platform, field: str) -> int:
    """Hard character limit of a platform field."""
    return FIELD_LIMITS[(platform, field)].hard


def recommended(platform: Platform, field: str) -> int:
    lim = FIELD_LIMITS[(platform, field)]
    return lim.recommended or lim.hard
