"""The lexical check: every visible text field of a concept, scanned by the packs in its campaign context."""

from __future__ import annotations

from collections.abc import Callable

from adloom.governance.fields import text_fields
from adloom.governance.packs.packset import Hit, PackSet
from adloom.types import BrandObject, Campaign, Concept, Finding

__all__ = ["CheckFn", "hit_finding", "lexical_check"]

# the same shape as ``gate.CheckFn``; not imported from there so gate.py can import this module
CheckFn = Callable[[Concept, BrandObject, Campaign], list[Finding]]


def _platform(path: str) -> str | None:
    """``copy.meta[h2].headline`` runs on Meta only; hooks, scripts and briefs run on every campaign platform."""
    for platform in ("meta", "google", "tiktok"):
        if path.startswith(f"copy.{platform}["):
            return platform
    return None


def hit_finding(hit: Hit, field: str) -> Finding:
    return Finding(rule_id=hit.rule_id, pack=hit.pack, severity=hit.severity,
                   message=f"{hit.description}: '{hit.text}'", field=field, span=(hit.start, hit.end),
                   excerpt=hit.text, fix_hint=hit.fix_hint)


def lexical_check(packs: PackSet) -> CheckFn:
    def check(concept: Concept, brand: BrandObject, campaign: Campaign) -> list[Finding]:
        if concept.draft is None:
            return []
        vertical = campaign.vertical or brand.vertical
        out: list[Finding] = []
        for field in text_fields(concept.draft):
            if not field.audience:
                continue
            platform = _platform(field.path)
            platforms = [platform] if platform else list(campaign.platforms)
            for hit in packs.scan_context(field.text, platforms=platforms, countries=campaign.countries,
                                          vertical=vertical):
                out.append(hit_finding(hit, field.path))
        return out

    return check
