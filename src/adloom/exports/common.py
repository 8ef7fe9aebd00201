"""What every export needs: which concepts ship, their final verdict, names and the landing URL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit

from adloom.errors import PolicyViolation
from adloom.naming import ad_name, slugify
from adloom.platforms import Platform, limit
from adloom.types import Asset, BrandObject, Campaign, Concept, Verdict

# Names are read by people in Ads Manager / Ads Editor; the machine-joinable name is the ad name.
NAME_SEPARATOR = " – "


def final_verdict(verdicts: Mapping[str, Sequence[Verdict]], concept_id: str) -> Verdict | None:
    """The verdict of the latest attempt (ties: the one recorded last)."""
    history = verdicts.get(concept_id) or []
    if not history:
        return None
    return max(enumerate(history), key=lambda pair: (pair[1].attempt, pair[0]))[1]


def shippable(concepts: Sequence[Concept]) -> list[Concept]:
    """Approved concepts with a draft: the only ones that may reach an ad platform."""
    return [c for c in concepts if c.status == "approved" and c.draft is not None]


def segment_label(brand: BrandObject, segment_id: str) -> str:
    try:
        return brand.segment(segment_id).label or segment_id
    except KeyError:
        return segment_id


def campaign_name(brand: BrandObject, campaign: Campaign) -> str:
    return campaign.name or brand.name


def group_name(brand: BrandObject, concept: Concept) -> str:
    """Ad set / ad group name: brand – angle – segment."""
    return NAME_SEPARATOR.join([brand.name, concept.angle.name or concept.angle.id,
                                segment_label(brand, concept.segment_id)])


def landing_url(brand: BrandObject, campaign: Campaign) -> str:
    return campaign.link or brand.website or ""


def display_link(url: str) -> str:
    """The bare host shown under a Meta ad ("restwave.com")."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def utm_tags(source: str, campaign_slug: str, content: str) -> str:
    return urlencode({"utm_source": source, "utm_medium": "paid", "utm_campaign": campaign_slug,
                      "utm_content": content})


def campaign_slug(brand: BrandObject, campaign: Campaign) -> str:
    return slugify(campaign.name) if campaign.name else brand.slug


def concept_ad_name(brand: BrandObject, concept: Concept, hook: str, platform: Platform) -> str:
    return ad_name(brand.slug, concept.angle.id, concept.segment_id, hook, concept.id, platform=platform)


def within_limit(value: str, platform: Platform, field: str, *, where: str) -> str:
    """Return ``value`` unchanged, or refuse it. Approved copy is never truncated: a cut headline is
    copy nobody approved, and Google rejects over-length text anyway. Over the hard limit here means
    the govern stage let something through, so the export stops and says where."""
    hard = limit(platform, field)
    if len(value) > hard:
        raise PolicyViolation(f"{platform} {field} is {len(value)} chars, limit {hard}; "
                              "fix the copy or re-run governance", field=where)
    return value


def asset_for(assets: Sequence[Asset], kind: str, placements: Sequence[str], hook_id: str) -> Asset | None:
    """The ``kind`` asset of one hook, for the first of ``placements`` (preference order) that has one.

    Exact matches only, on what the render stage recorded: a row must never name another hook's file or
    another placement's shape. None means the row goes out without media (the person attaches it).
    """
    for placement in placements:
        for asset in assets:
            if asset.kind == kind and asset.placement == placement and asset.hook_id == hook_id:
                return asset
    return None
