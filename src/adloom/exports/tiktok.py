"""TikTok Ads Manager bulk rows: one per TikTok copy variant (hook) of each approved concept, each naming
that hook's own 9:16 animatic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from adloom.exports.common import (
    asset_for,
    campaign_name,
    concept_ad_name,
    group_name,
    landing_url,
    shippable,
    within_limit,
)
from adloom.platforms import limit
from adloom.types import Asset, BrandObject, Campaign, Concept, TikTokCopy

TIKTOK_COLUMNS: tuple[str, ...] = (
    "Campaign name", "Ad group name", "Ad name", "Ad text", "Call to action", "Landing page URL",
    "Display name", "Video file name",
)
TIKTOK_VIDEO_PLACEMENTS = ("tiktok_infeed",)      # the hook's own 9:16 animatic, nothing else


def display_name(brand: BrandObject) -> str:
    """The brand name as TikTok shows it; not approved copy, so shortening it changes no claim."""
    return brand.name[: limit("tiktok", "display_name")].rstrip()


def tiktok_rows(concepts: Sequence[Concept], brand: BrandObject, campaign: Campaign,
                assets: Mapping[str, Sequence[Asset]] | None = None) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for concept in shippable(concepts):
        own_assets = (assets or {}).get(concept.id, [])
        for copy in concept.copy_for("tiktok"):
            assert isinstance(copy, TikTokCopy)
            video = asset_for(own_assets, "video", TIKTOK_VIDEO_PLACEMENTS, copy.hook_id)
            rows.append({
                "Campaign name": campaign_name(brand, campaign),
                "Ad group name": group_name(brand, concept),
                "Ad name": concept_ad_name(brand, concept, copy.hook_id, "tiktok"),
                "Ad text": within_limit(copy.ad_text, "tiktok", "ad_text",
                                        where=f"{concept.id}.copy.tiktok[{copy.hook_id}].ad_text"),
                "Call to action": copy.cta,
                "Landing page URL": landing_url(brand, campaign),
                "Display name": display_name(brand),
                "Video file name": PurePath(video.path).name if video else "",
            })
    return rows
