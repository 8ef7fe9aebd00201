"""The per-brand pack: the brand object's avoid list and competitor names, as rules like any other."""

from __future__ import annotations

from adloom.governance.packs.schema import Pack, Rule
from adloom.types import BrandObject

__all__ = ["BRAND_PACK_ID", "brand_pack"]

BRAND_PACK_ID = "brand"


def _unique(terms: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for term in terms:
        key = " ".join(term.split()).casefold()
        if key:
            seen.setdefault(key, " ".join(term.split()))
    return tuple(seen.values())


def brand_pack(brand: BrandObject) -> Pack | None:
    """None when the brand lists nothing to avoid. Rule ids and severities are the v1 ``avoid`` check's."""
    source = f"brand.yaml of {brand.slug}@{brand.version()}"
    rules = []
    avoid = _unique(brand.avoid)
    if avoid:
        rules.append(Rule(
            id="brand.avoid", description=f"on {brand.name}'s avoid list", category="brand", severity="block",
            terms=avoid, fix_hint=f"Remove or rephrase it; {brand.name} never uses these words.", source=source))
    competitors = _unique(brand.competitors)
    if competitors:
        rules.append(Rule(
            id="brand.competitor", description="names a competitor", category="named_competitor",
            severity="block", terms=competitors,
            fix_hint="Do not name competitors; contrast with 'the usual option' instead.", source=source))
    if not rules:
        return None
    return Pack(id=BRAND_PACK_ID, version=brand.version()[:12], description=f"derived from {brand.slug}",
                rules=tuple(rules))
