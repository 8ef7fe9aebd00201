"""The lexical check: every visible text field of a concept, scanned by the packs in its campaign context."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from adloom.governance.fields import TextField, text_fields
from adloom.governance.packs.packset import Hit, PackSet
from adloom.types import BrandObject, Campaign, Concept, Finding

__all__ = ["CheckFn", "hit_finding", "lexical_check"]

# the same shape as ``gate.CheckFn``; not imported from there so gate.py can import this module
CheckFn = Callable[..., list[Finding]]


def _platform(path: str) -> str | None:
    """``copy.meta[h2].headline`` runs on Meta only; hooks, scripts and briefs run on every campaign platform."""
    if not path.startswith("copy."):
        return None
    for platform in ("meta", "google", "tiktok"):
        if path.startswith(f"copy.{platform}["):
            return platform
    return None


def hit_finding(hit: Hit, field: str) -> Finding:
    return Finding(rule_id=hit.rule_id, pack=hit.pack, severity=hit.severity,
                   message=f"{hit.description}: '{hit.text}'", field=field, span=(hit.start, hit.end),
                   excerpt=hit.text, fix_hint=hit.fix_hint)


def lexical_check(packs: PackSet) -> CheckFn:
    def check(concept: Concept, brand: BrandObject, campaign: Campaign,
              fields: Sequence[TextField] | None = None) -> list[Finding]:
        if concept.draft is None:
            return []
        audience = [f for f in (text_fields(concept.draft) if fields is None else fields) if f.audience and f.text]
        every = list(campaign.platforms)
        contexts: list[tuple[str, Collection[str] | None]] = []
        for field in audience:
            platform = _platform(field.path)
            contexts.append((field.text, [platform] if platform else every))
        hits = packs.scan_fields(contexts, countries=campaign.countries, vertical=campaign.vertical or brand.vertical)
        return [hit_finding(hit, field.path) for field, found in zip(audience, hits, strict=True) for hit in found]

    return check
