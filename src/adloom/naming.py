"""The ad naming convention: one parseable name per ad, so performance exports join back.

    adl_<brand>_<angle>_<segment>_<hook>_<concept8>[_<platform>]

Fields are slugs of ``[a-z0-9-]``; ``_`` only separates. Example:
``adl_recoverly_pain-first_weekend-warriors_h3_1a2b3c4d_meta``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from adloom.errors import InputError
from adloom.platforms import Platform
from adloom.types import BrandObject, Concept, GoogleRSACopy

PREFIX = "adl"
_NAME = re.compile(
    r"^adl_(?P<brand>[a-z0-9-]+)_(?P<angle>[a-z0-9-]+)_(?P<segment>[a-z0-9-]+)_(?P<hook>h\d+|rsa)"
    r"_(?P<concept>[0-9a-f]{8})(?:_(?P<platform>meta|google|tiktok))?$"
)


def slugify(text: str, max_len: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "x"


@dataclass(frozen=True)
class AdName:
    brand: str
    angle: str
    segment: str
    hook: str                # "h1".."h8", or "rsa" for a Google responsive search ad
    concept: str             # first 8 hex digits of the concept id
    platform: str | None = None

    def __str__(self) -> str:
        parts = [PREFIX, self.brand, self.angle, self.segment, self.hook, self.concept[:8]]
        if self.platform:
            parts.append(self.platform)
        return "_".join(parts)


def ad_name(brand: str, angle: str, segment: str, hook: str, concept_id: str,
            platform: str | None = None) -> str:
    return str(AdName(slugify(brand), slugify(angle), slugify(segment), hook, concept_id[:8], platform))


def parse_ad_name(name: str) -> AdName:
    match = _NAME.match(name.strip())
    if not match:
        raise InputError(f"'{name}' does not follow the adloom naming convention "
                         "adl_<brand>_<angle>_<segment>_<hook>_<concept8>[_<platform>]")
    return AdName(**match.groupdict())


def ad_names(concept: Concept, brand: BrandObject, platform: Platform) -> list[str]:
    """Every ad name a concept exports to a platform: one per hook variant, or one RSA for Google."""
    if platform == "google":
        if not concept.copy_for("google"):
            return []
        return [ad_name(brand.slug, concept.angle.id, concept.segment_id, "rsa", concept.id, "google")]
    hooks = [c.hook_id for c in concept.copy_for(platform) if not isinstance(c, GoogleRSACopy)]
    return [ad_name(brand.slug, concept.angle.id, concept.segment_id, h, concept.id, platform) for h in hooks]

