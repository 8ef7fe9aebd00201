"""The pattern library learns: ranked evidence becomes stored patterns the next run reads.

Every group of the brand's ads along each learned dimension (angle, segment, angle x segment arm, hook
structure, emotional trigger, format, length bucket) becomes one pattern ``perf.<brand>.<dimension>.<key>``
with its weight (posterior mean over the brand baseline), evidence (judged ads, impressions, winners by
posterior) and Beta posterior. A learned angle pattern sits beside the shipped prior of that angle; the
angle ranking weighs them by observations (the prior counts as one ad), so lore gives way to evidence as
ads accumulate. Recomputed from every stored record at each import: the result depends on the evidence,
not on the order files arrived in.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.orm import Session

from adloom.feedback.evidence import Evidence, Group
from adloom.platforms import Platform
from adloom.store import patterns as pattern_store
from adloom.types import Pattern

__all__ = ["LEARNED", "learned_patterns", "pattern_id", "store_patterns"]

LEARNED = ("angle", "segment", "arm", "hook_structure", "trigger", "format", "length")


def pattern_id(brand: str, dimension: str, key: str) -> str:
    return f"perf.{brand}.{dimension}.{key}"[:160]


def _pattern(evidence: Evidence, group: Group) -> Pattern:
    angle, _, segment = group.key.partition("|") if group.dimension == "arm" else (group.key, "", "")
    angle_type = angle if group.dimension in ("angle", "arm") else "*"
    segment_id = segment or (group.key if group.dimension == "segment" else None)
    platform = cast(Platform, group.key) if group.dimension == "platform" else None
    m = evidence.metric
    note = (f"{m} {group.posterior.mean:.2%} [{group.low:.2%}-{group.high:.2%}] vs brand {evidence.prior.mean:.2%}; "
            f"{group.ads} ads ({group.judged_ads} judged, {group.winners} winners), "
            f"{group.totals.impressions:,} impressions")
    return Pattern(id=pattern_id(evidence.brand, group.dimension, group.key), angle_type=angle_type,
                   segment_id=segment_id, platform=platform, weight=group.weight, observations=group.judged_ads,
                   source="performance", note=note, brand_slug=evidence.brand, dimension=group.dimension,
                   key=group.key, alpha=round(group.posterior.alpha, 6), beta=round(group.posterior.beta, 6),
                   mean=group.posterior.mean, low=group.low, high=group.high,
                   impressions=group.totals.impressions, winners=group.winners)


def baseline_pattern(evidence: Evidence) -> Pattern:
    """The brand's prior itself: an arm without evidence of its own starts from it in the next allocation."""
    p = evidence.prior
    low, high = p.interval(seed=f"baseline:{evidence.brand}")
    return Pattern(id=pattern_id(evidence.brand, "baseline", evidence.metric), angle_type="*", weight=1.0,
                   observations=evidence.judged_ads, source="performance", brand_slug=evidence.brand,
                   dimension="baseline", key=evidence.metric, alpha=round(p.alpha, 6), beta=round(p.beta, 6),
                   mean=p.mean, low=low, high=high, impressions=sum(ad.totals.impressions for ad in evidence.ads),
                   winners=sum(ad.winner for ad in evidence.ads),
                   note=f"{evidence.metric} prior fitted on the {p.source} ads: mean {p.mean:.2%}, "
                        f"strength {p.alpha + p.beta:.0f}")


def learned_patterns(evidence: Evidence) -> list[Pattern]:
    return [baseline_pattern(evidence), *(_pattern(evidence, g) for d in LEARNED for g in evidence.groups.get(d, []))]


def store_patterns(session: Session, evidence: Evidence) -> dict[str, Any]:
    """Upsert the brand's learned patterns; the PATTERNS_UPDATED payload (what changed and by how much)."""
    before = {p.id: p for p in pattern_store.load_patterns(session, evidence.brand, others=False)
              if p.brand_slug == evidence.brand}
    changed = []
    fresh = []
    for pattern in learned_patterns(evidence):
        old = before.get(pattern.id)
        if old == pattern:
            continue
        fresh.append(pattern)
        changed.append({"id": pattern.id, "weight_before": old.weight if old else None,
                        "weight": pattern.weight, "observations": pattern.observations})
    pattern_store.upsert_patterns(session, fresh)
    return {"brand": evidence.brand, "metric": evidence.metric, "baseline": evidence.prior.mean,
            "prior": evidence.prior.source, "judged_ads": evidence.judged_ads, "changed": changed}
