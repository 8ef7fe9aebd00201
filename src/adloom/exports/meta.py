"""Meta Ads Manager "Import ads in bulk" rows: one per Meta copy variant (hook) of each approved concept.

Each row is one creative, image or video, never both: the hook's animatic when it has one (a Video Page
Post Ad), else the hook's static image (a Link Page Post Ad); with no media, a link ad to attach it to.

Everything is created PAUSED so nothing spends before a person has looked at it in Ads Manager.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from adloom.exports.common import (
    asset_for,
    campaign_name,
    campaign_slug,
    concept_ad_name,
    display_link,
    group_name,
    landing_url,
    shippable,
    utm_tags,
    within_limit,
)
from adloom.types import Asset, BrandObject, Campaign, Concept, MetaCopy

META_COLUMNS: tuple[str, ...] = (
    "Campaign Name", "Campaign Status", "Campaign Objective", "Buying Type", "Ad Set Name",
    "Ad Set Daily Budget", "Countries", "Age Min", "Age Max", "Ad Name", "Title", "Body",
    "Link Description", "Display Link", "Link", "URL Tags", "Call to Action", "Image File Name",
    "Image Hash", "Video File Name", "Video ID", "Creative Type",
)
# Feed portrait first: Meta's recommended feed format; Reels/Stories last. Only Meta's own shapes: a
# TikTok-sized file is never offered to Meta.
META_IMAGE_PLACEMENTS = ("meta_feed_portrait", "meta_feed_square", "meta_stories_reels")
META_VIDEO_PLACEMENTS = ("meta_feed_square", "meta_feed_portrait", "meta_stories_reels")
# Ads Manager's names for the two creative shapes we produce.
CREATIVE_LINK = "Link Page Post Ad"
CREATIVE_VIDEO = "Video Page Post Ad"


def _age_range(brand: BrandObject, campaign: Campaign, segment_id: str) -> tuple[int, int]:
    """The campaign's range, narrowed to the segment's when the segment has one (never widened:
    the campaign range is what governance checked age-restricted verticals against)."""
    low, high = campaign.age_min, campaign.age_max
    try:
        seg = brand.segment(segment_id)
    except KeyError:
        return low, high
    if seg.age_min is not None:
        low = max(low, seg.age_min)
    if seg.age_max is not None:
        high = min(high, seg.age_max)
    return (low, high) if low <= high else (campaign.age_min, campaign.age_max)


def meta_rows(concepts: Sequence[Concept], brand: BrandObject, campaign: Campaign,
              assets: Mapping[str, Sequence[Asset]] | None = None) -> list[dict[str, str]]:
    link = landing_url(brand, campaign)
    rows: list[dict[str, str]] = []
    for concept in shippable(concepts):
        age_min, age_max = _age_range(brand, campaign, concept.segment_id)
        own_assets = (assets or {}).get(concept.id, [])
        for copy in concept.copy_for("meta"):
            assert isinstance(copy, MetaCopy)
            # one creative per ad: the hook's video where it has one, else the hook's image
            video = asset_for(own_assets, "video", META_VIDEO_PLACEMENTS, copy.hook_id)
            image = None if video else asset_for(own_assets, "image", META_IMAGE_PLACEMENTS, copy.hook_id)
            name = concept_ad_name(brand, concept, copy.hook_id, "meta")
            where = f"{concept.id}.copy.meta[{copy.hook_id}]"
            rows.append({
                "Campaign Name": campaign_name(brand, campaign),
                "Campaign Status": "PAUSED",
                "Campaign Objective": campaign.objective,
                "Buying Type": "AUCTION",
                "Ad Set Name": group_name(brand, concept),
                "Ad Set Daily Budget": f"{campaign.daily_budget:.2f}",
                "Countries": ", ".join(campaign.countries),
                "Age Min": str(age_min),
                "Age Max": str(age_max),
                "Ad Name": name,
                "Title": within_limit(copy.headline, "meta", "headline", where=f"{where}.headline"),
                "Body": within_limit(copy.primary_text, "meta", "primary_text",
                                     where=f"{where}.primary_text"),
                "Link Description": within_limit(copy.description, "meta", "description",
                                                 where=f"{where}.description"),
                "Display Link": display_link(link),
                "Link": link,
                "URL Tags": utm_tags("meta", campaign_slug(brand, campaign), name),
                "Call to Action": copy.cta,
                # Ads Manager matches uploaded media by file name, so the bare name, not our path.
                "Image File Name": PurePath(image.path).name if image else "",
                "Image Hash": "",
                "Video File Name": PurePath(video.path).name if video else "",
                "Video ID": "",
                "Creative Type": CREATIVE_VIDEO if video else CREATIVE_LINK,
            })
    return rows
