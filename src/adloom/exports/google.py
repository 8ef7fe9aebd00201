"""Google Ads Editor rows: one responsive search ad per approved concept.

Ads Editor has no free-text ad name, so the adloom ad name rides in the Labels column; Google's
performance exports carry labels, which is how results join back to the concept.
"""

from __future__ import annotations

from collections.abc import Sequence

from adloom.exports.common import (
    campaign_name,
    concept_ad_name,
    group_name,
    landing_url,
    shippable,
    within_limit,
)
from adloom.platforms import GOOGLE_RSA_DESCRIPTIONS, GOOGLE_RSA_HEADLINES
from adloom.types import BrandObject, Campaign, Concept, GoogleRSACopy

MAX_HEADLINES = GOOGLE_RSA_HEADLINES[1]
MAX_DESCRIPTIONS = GOOGLE_RSA_DESCRIPTIONS[1]
GOOGLE_COLUMNS: tuple[str, ...] = (
    "Campaign", "Ad group", "Ad type",
    *(f"Headline {i}" for i in range(1, MAX_HEADLINES + 1)),
    *(f"Description {i}" for i in range(1, MAX_DESCRIPTIONS + 1)),
    "Path 1", "Path 2", "Final URL", "Labels",
)
RSA_AD_TYPE = "Responsive search ad"


def google_rows(concepts: Sequence[Concept], brand: BrandObject, campaign: Campaign) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for concept in shippable(concepts):
        rsas = [c for c in concept.copy_for("google") if isinstance(c, GoogleRSACopy)]
        if not rsas:
            continue
        rsa = rsas[0]   # one RSA per concept; Google rotates its 15 headlines itself
        where = f"{concept.id}.copy.google"
        row = {
            "Campaign": campaign_name(brand, campaign),
            "Ad group": group_name(brand, concept),
            "Ad type": RSA_AD_TYPE,
            "Path 1": within_limit(rsa.path1, "google", "path", where=f"{where}.path1"),
            "Path 2": within_limit(rsa.path2, "google", "path", where=f"{where}.path2"),
            "Final URL": landing_url(brand, campaign),
            "Labels": concept_ad_name(brand, concept, "rsa", "google"),
        }
        for i in range(MAX_HEADLINES):
            text = rsa.headlines[i] if i < len(rsa.headlines) else ""
            row[f"Headline {i + 1}"] = within_limit(text, "google", "headline",
                                                    where=f"{where}.headlines[{i}]")
        for i in range(MAX_DESCRIPTIONS):
            text = rsa.descriptions[i] if i < len(rsa.descriptions) else ""
            row[f"Description {i + 1}"] = within_limit(text, "google", "description",
                                                       where=f"{where}.descriptions[{i}]")
        rows.append(row)
    return rows
