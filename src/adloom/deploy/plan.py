"""The deploy plan of a stored run: its approved concepts, their copy for one platform, their rendered files.

The selection is the exports': ``exports.common.shippable`` (approved by governance or a reviewer, with a
draft), names and ad-set fields as the bulk CSVs carry them, and every file checked against the hash the audit
chain sealed (``check_run_assets``) before it can be uploaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session

from adloom.audit.seal import check_run_assets
from adloom.deploy.base import DeployPlan, PlanAd, PlanAdGroup, PlanCampaign, PlanMedia
from adloom.errors import ConfigError, InputError
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
from adloom.exports.meta import META_IMAGE_PLACEMENTS, META_VIDEO_PLACEMENTS
from adloom.exports.meta import _age_range as age_range  # the bulk CSV's rule: segment narrows, never widens
from adloom.exports.tiktok import TIKTOK_VIDEO_PLACEMENTS, display_name
from adloom.platforms import Platform
from adloom.store import concepts as concept_store
from adloom.store.brands import get_version
from adloom.types import Asset, BrandObject, Campaign, Concept, GoogleRSACopy, MetaCopy, RunSummary, TikTokCopy

__all__ = ["META_SPECIAL_CATEGORIES", "RunMaterial", "build_plan", "load_run", "special_ad_categories"]

# Policy categories (data/policies vertical_categories) that Meta runs as special ad categories. Source: Marketing
# API "Special Ad Categories" (FINANCIAL_PRODUCTS_SERVICES replaced CREDIT on 2025-01-14), checked 2026-12-05.
META_SPECIAL_CATEGORIES: dict[str, str] = {
    "credit": "FINANCIAL_PRODUCTS_SERVICES", "insurance": "FINANCIAL_PRODUCTS_SERVICES",
    "housing": "HOUSING", "employment": "EMPLOYMENT", "political": "ISSUES_ELECTIONS_POLITICS",
}
# Categories under which Meta allows no age targeting: ad sets must span 18-65+.
AGE_LOCKED = frozenset({"FINANCIAL_PRODUCTS_SERVICES", "HOUSING", "EMPLOYMENT"})


@dataclass
class RunMaterial:
    """A stored run, read once: what a plan is built from."""

    run_id: str
    out_dir: Path
    brand: BrandObject
    campaign: Campaign
    concepts: list[Concept]
    assets: dict[str, list[Asset]] = field(default_factory=dict)

    @property
    def not_approved(self) -> list[Concept]:
        shipping = {c.id for c in shippable(self.concepts)}
        return [c for c in self.concepts if c.id not in shipping]


def load_run(session: Session, run_id: str) -> RunMaterial:
    row = concept_store.get_run(session, run_id)
    if row.status != "done":
        raise ConfigError(f"run {run_id} is {row.status}, not finished: finish it (run the same command again) "
                          "before deploying", field="RUN")
    summary = RunSummary.model_validate(row.summary)
    brand = get_version(session, row.brand_version)
    if brand is None:
        raise ConfigError(f"brand version {row.brand_version} of run {run_id} is not in the store")
    out_dir = Path(row.out_dir)
    check_run_assets(session, summary.assets, out_dir)     # no changed file leaves
    assets: dict[str, list[Asset]] = {}
    for asset in summary.assets:
        assets.setdefault(asset.concept_id, []).append(asset)
    return RunMaterial(run_id=run_id, out_dir=out_dir, brand=brand, campaign=summary.campaign or Campaign(),
                       concepts=concept_store.run_concepts(session, run_id), assets=assets)


@cache
def _vertical_categories() -> dict[str, list[str]]:
    data = json.loads(resources.files("adloom").joinpath("data/policies/data.json").read_text("utf-8"))
    table: dict[str, list[str]] = data.get("tables", {}).get("vertical_categories", {})
    return table


def special_ad_categories(campaign: Campaign, brand: BrandObject) -> tuple[str, ...]:
    """campaign.yaml's own list when it has one, else what the vertical's policy categories require."""
    if campaign.special_ad_categories is not None:
        return tuple(campaign.special_ad_categories)
    vertical = campaign.vertical or brand.vertical
    categories = _vertical_categories().get(vertical, [vertical])
    return tuple(sorted({META_SPECIAL_CATEGORIES[c] for c in categories if c in META_SPECIAL_CATEGORIES}))


def _media(material: RunMaterial, asset: Asset | None) -> list[PlanMedia]:
    if asset is None or asset.kind not in ("image", "video"):
        return []
    path = (material.out_dir / asset.path).resolve()
    return [PlanMedia(kind="video" if asset.kind == "video" else "image", path=str(path), sha256=asset.sha256,
                      asset_id=asset.id, placement=asset.placement, width=asset.width, height=asset.height,
                      duration=asset.duration)]


def _ads(material: RunMaterial, concept: Concept, platform: Platform) -> list[PlanAd]:
    brand, campaign = material.brand, material.campaign
    link = landing_url(brand, campaign)
    own = material.assets.get(concept.id, [])
    ads: list[PlanAd] = []
    for copy in concept.copy_for(platform):
        where = f"{concept.id}.copy.{platform}"
        if isinstance(copy, MetaCopy):
            within_limit(copy.headline, "meta", "headline", where=f"{where}[{copy.hook_id}].headline")
            within_limit(copy.primary_text, "meta", "primary_text", where=f"{where}[{copy.hook_id}].primary_text")
            within_limit(copy.description, "meta", "description", where=f"{where}[{copy.hook_id}].description")
            video = asset_for(own, "video", META_VIDEO_PLACEMENTS, copy.hook_id)
            image = asset_for(own, "image", META_IMAGE_PLACEMENTS, copy.hook_id)    # the video's thumbnail too
            hook, media = copy.hook_id, _media(material, video) + _media(material, image)
        elif isinstance(copy, TikTokCopy):
            within_limit(copy.ad_text, "tiktok", "ad_text", where=f"{where}[{copy.hook_id}].ad_text")
            hook = copy.hook_id
            media = _media(material, asset_for(own, "video", TIKTOK_VIDEO_PLACEMENTS, copy.hook_id))
        elif isinstance(copy, GoogleRSACopy):
            for i, text in enumerate(copy.headlines):
                within_limit(text, "google", "headline", where=f"{where}.headlines[{i}]")
            for i, text in enumerate(copy.descriptions):
                within_limit(text, "google", "description", where=f"{where}.descriptions[{i}]")
            hook, media = "rsa", []
        else:       # pragma: no cover - the union is closed
            continue
        name = concept_ad_name(brand, concept, hook, platform)
        ads.append(PlanAd(name=name, concept_id=concept.id, hook_id=hook, copy_variant=copy, link=link,
                          url_tags=utm_tags(platform, campaign_slug(brand, campaign), name),
                          display_link=display_link(link), display_name=display_name(brand),
                          media=tuple(media)))
        if isinstance(copy, GoogleRSACopy):
            break       # one RSA per concept, as the Ads Editor export
    return ads


def build_plan(material: RunMaterial, platform: Platform, account_id: str, *,
               campaign_name_override: str | None = None, skip: frozenset[str] = frozenset()) -> DeployPlan:
    """The plan for one platform: one ad group per approved concept, one ad per copy variant.

    ``skip``: concept ids left out (e.g. ones this platform's review already refused).
    """
    brand, campaign = material.brand, material.campaign
    if platform not in campaign.platforms:
        raise InputError(f"run {material.run_id} was made for {', '.join(campaign.platforms)}, not {platform}: "
                         f"run it again with --platforms including {platform}", field="--platform")
    categories = special_ad_categories(campaign, brand) if platform == "meta" else ()
    locked = bool(AGE_LOCKED & set(categories))
    if locked and (campaign.age_min > 18 or campaign.age_max < 65):
        raise InputError(f"Meta special ad category {', '.join(sorted(AGE_LOCKED & set(categories)))} allows no age "
                         f"targeting, but the campaign targets {campaign.age_min}-{campaign.age_max}: set age_min 18 "
                         "and age_max 65", field="campaign.age_min")
    groups: list[PlanAdGroup] = []
    for concept in shippable(material.concepts):
        if concept.id in skip:
            continue
        ads = _ads(material, concept, platform)
        if not ads:
            continue
        low, high = (18, 65) if locked else age_range(brand, campaign, concept.segment_id)
        groups.append(PlanAdGroup(name=group_name(brand, concept), concept_id=concept.id,
                                  daily_budget=campaign.daily_budget, countries=tuple(campaign.countries),
                                  age_min=low, age_max=high, ads=tuple(ads)))
    return DeployPlan(platform=platform, account_id=account_id, run_id=material.run_id, brand_slug=brand.slug,
                      brand_version=brand.version(),
                      campaign=PlanCampaign(name=campaign_name_override or campaign_name(brand, campaign),
                                            objective=campaign.objective, special_ad_categories=categories,
                                            ad_groups=tuple(groups)))
