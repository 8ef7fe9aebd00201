"""From stored records to ranked evidence: per-ad totals, priors (global, then brand, then per dimension),
posteriors with credible intervals for every group, winners by posterior, and fatigue.

Shrinkage runs top-down: a prior fitted over every brand's judged ads (the global baseline), a brand prior
fitted over the brand's own ads when it has enough of them (else the global one), and per dimension a
prior fitted over that dimension's groups (else the brand's). A group's posterior pools its ads' counts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from adloom.feedback.bayes import BetaPrior, GammaPrior, fit_beta, fit_gamma
from adloom.feedback.decompose import format_of, hook_facts
from adloom.feedback.metrics import Totals, metric_counts, non_overlapping
from adloom.feedback.options import FeedbackOptions

__all__ = ["DIMENSIONS", "Ad", "Evidence", "Group", "analyse"]

# what the leaderboards and the pattern library decompose ads into
DIMENSIONS: dict[str, Callable[[Ad], str]] = {
    "angle": lambda ad: ad.angle,
    "segment": lambda ad: ad.segment,
    "arm": lambda ad: f"{ad.angle}|{ad.segment}",
    "hook_structure": lambda ad: ad.facts["hook_structure"],
    "trigger": lambda ad: ad.facts["trigger"],
    "format": lambda ad: ad.facts["format"],
    "length": lambda ad: ad.facts["length"],
    "platform": lambda ad: ad.platform,
    "concept": lambda ad: ad.concept_id,
}
DEFAULT_KAPPA = 20.0
WINNER_PROBABILITY = 0.9
WEIGHT_RANGE = (0.25, 4.0)
FATIGUE_DAYS = 6
FATIGUE_DROP = 0.8


@dataclass
class Ad:
    brand: str
    name: str
    platform: str
    concept_id: str
    angle: str
    segment: str
    hook: str
    totals: Totals
    facts: dict[str, str]
    judged: bool = False
    winner: bool = False
    posterior: BetaPrior | None = None


@dataclass
class Group:
    dimension: str
    key: str
    totals: Totals
    ads: int
    judged_ads: int
    winners: int
    posterior: BetaPrior
    low: float
    high: float
    weight: float                       # posterior mean / brand baseline: > 1 beats the brand
    judged: bool
    roas: tuple[float, float, float] | None = None     # posterior mean, low, high

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "posterior_mean": self.posterior.mean, "interval": [self.low, self.high],
                "weight": self.weight, "ads": self.ads, "judged_ads": self.judged_ads, "winners": self.winners,
                "evidence": {"impressions": self.totals.impressions, "spend": round(self.totals.spend, 2),
                             "successes": self.posterior.alpha, "failures": self.posterior.beta},
                "judged": self.judged, "roas": list(self.roas) if self.roas else None,
                "figures": self.totals.figures()}


@dataclass
class Evidence:
    brand: str
    metric: str
    prior: BetaPrior                    # the brand's prior (its baseline rate is prior.mean)
    global_prior: BetaPrior
    ads: list[Ad]
    groups: dict[str, list[Group]] = field(default_factory=dict)
    fatigue: list[dict[str, Any]] = field(default_factory=list)
    dropped_overlaps: int = 0
    currency: str | None = None

    @property
    def judged_ads(self) -> int:
        return sum(ad.judged for ad in self.ads)

    def group(self, dimension: str, key: str) -> Group | None:
        return next((g for g in self.groups.get(dimension, []) if g.key == key), None)


def _ads(records: Sequence[dict[str, Any]], payloads: dict[str, dict[str, Any]]) -> list[Ad]:
    by_ad: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_ad[(record["platform"], record["ad_name"])].append(record)
    ads = []
    for (platform, name), items in sorted(by_ad.items()):
        totals = Totals()
        for record in items:
            totals.add(record)
        totals.ads = 1
        first = items[0]
        facts = hook_facts(payloads.get(first["concept_id"]), first["hook"])
        facts["format"] = format_of(platform, totals.video_3s)
        ads.append(Ad(first["brand_slug"], name, platform, first["concept_id"], first["angle"], first["segment"],
                      first["hook"], totals, facts))
    return ads


def _default_prior(records: Sequence[dict[str, Any]], metric: str) -> BetaPrior:
    totals = Totals()
    for record in records:
        totals.add(record)
    s, n = metric_counts(totals, metric)
    mean = min(max(s / n, 1e-4), 1 - 1e-4) if n else 0.01
    return BetaPrior(mean * DEFAULT_KAPPA, (1 - mean) * DEFAULT_KAPPA, "default")


def _prob_above(p: BetaPrior, threshold: float) -> float:
    """Normal approximation of P(rate > threshold): ads past the minimums have alpha, beta in the tens or more."""
    total = p.alpha + p.beta
    sd = math.sqrt(p.alpha * p.beta / (total * total * (total + 1)))
    if sd == 0:
        return float(p.mean > threshold)
    return 0.5 * math.erfc((threshold - p.mean) / (sd * math.sqrt(2)))


def analyse(all_records: Sequence[dict[str, Any]], brand: str, payloads: dict[str, dict[str, Any]],
            options: FeedbackOptions) -> Evidence:
    """``all_records``: every brand's stored records (the global baseline needs them); ranked for ``brand``."""
    selection = non_overlapping(all_records)
    metric = options.metric
    everyone = _ads(selection.records, payloads)
    for ad in everyone:
        ad.judged = ad.totals.judged(options.min_impressions, options.min_spend)
    judged_all = [ad for ad in everyone if ad.judged]
    counts = [metric_counts(ad.totals, metric) for ad in judged_all]
    global_prior = fit_beta([c[0] for c in counts], [c[1] for c in counts], source="global",
                            fallback=_default_prior(selection.records, metric)) or _default_prior([], metric)
    ads = [ad for ad in everyone if ad.brand == brand]
    mine = [ad for ad in ads if ad.judged]
    counts = [metric_counts(ad.totals, metric) for ad in mine]
    prior = fit_beta([c[0] for c in counts], [c[1] for c in counts], source="brand",
                     fallback=global_prior) or global_prior
    baseline = prior.mean
    for ad in ads:
        s, n = metric_counts(ad.totals, metric)
        ad.posterior = prior.posterior(s, n)
        ad.winner = ad.judged and _prob_above(ad.posterior, baseline) >= WINNER_PROBABILITY
    value_prior = _value_prior(mine)
    aov = _aov(ads)
    evidence = Evidence(brand=brand, metric=metric, prior=prior, global_prior=global_prior, ads=ads,
                        dropped_overlaps=selection.dropped,
                        currency=next((r.get("currency") for r in selection.records if r.get("currency")), None))
    for dimension, key_of in DIMENSIONS.items():
        evidence.groups[dimension] = _groups(dimension, key_of, ads, prior, value_prior, aov, options)
    evidence.fatigue = fatigue([r for r in all_records if r["brand_slug"] == brand])
    return evidence


def _value_prior(ads: Sequence[Ad]) -> GammaPrior | None:
    events = [ad.totals.purchases for ad in ads]
    spend = [ad.totals.spend for ad in ads]
    if sum(events) <= 0:
        return None
    fallback = GammaPrior(2.0, 2.0 * sum(spend) / sum(events), "default")
    return fit_gamma(events, spend, fallback=fallback)


def _aov(ads: Sequence[Ad]) -> float:
    purchases = sum(ad.totals.purchases for ad in ads)
    return sum(ad.totals.revenue for ad in ads) / purchases if purchases else 0.0


def _groups(dimension: str, key_of: Callable[[Ad], str], ads: Sequence[Ad], brand_prior: BetaPrior,
            value_prior: GammaPrior | None, aov: float, options: FeedbackOptions) -> list[Group]:
    members: dict[str, list[Ad]] = defaultdict(list)
    for ad in ads:
        members[key_of(ad)].append(ad)
    totals: dict[str, Totals] = {}
    for key, items in members.items():
        t = Totals()
        for ad in items:
            t.add(ad.totals)
        t.ads = len(items)
        totals[key] = t
    judged_keys = [k for k, t in totals.items() if t.judged(options.min_impressions, options.min_spend)]
    counts = [metric_counts(totals[k], options.metric) for k in judged_keys]
    fitted = fit_beta([c[0] for c in counts], [c[1] for c in counts], fallback=brand_prior, source=dimension)
    prior = fitted or brand_prior
    # a dimension prior keeps the brand's mean: groups are shrunk toward the brand baseline, with the
    # strength the dimension's own spread supports
    kappa = prior.alpha + prior.beta
    prior = BetaPrior(brand_prior.mean * kappa, (1 - brand_prior.mean) * kappa, prior.source)
    low_w, high_w = WEIGHT_RANGE
    out = []
    for key, t in totals.items():
        s, n = metric_counts(t, options.metric)
        post = prior.posterior(s, n)
        low, high = post.interval(seed=f"{dimension}:{key}")
        roas = None
        if value_prior is not None and aov > 0:
            vp = value_prior.posterior(t.purchases, t.spend)
            v_low, v_high = vp.interval(seed=f"roas:{dimension}:{key}")
            roas = (vp.mean * aov, v_low * aov, v_high * aov)
        weight = min(max(post.mean / brand_prior.mean, low_w), high_w) if brand_prior.mean > 0 else 1.0
        out.append(Group(dimension, key, t, len(members[key]), sum(a.judged for a in members[key]),
                         sum(a.winner for a in members[key]), post, low, high, round(weight, 4),
                         key in judged_keys, roas))
    out.sort(key=lambda g: (-g.posterior.mean, g.key))
    return out


def fatigue(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ads whose CTR fell while frequency rose, from their per-day records (first half against second)."""
    days: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for record in records:
        if record["date_start"] == record["date_end"] and record["impressions"]:
            days[record["ad_name"]][record["date_start"]] = record
    out = []
    for name, by_day in sorted(days.items()):
        if len(by_day) < FATIGUE_DAYS:
            continue
        series = [by_day[d] for d in sorted(by_day)]
        half = len(series) // 2
        first, last = series[:half], series[-half:]
        c1, n1 = sum(r["clicks"] for r in first), sum(r["impressions"] for r in first)
        c2, n2 = sum(r["clicks"] for r in last), sum(r["impressions"] for r in last)
        if not (n1 and n2 and c1):
            continue
        p1, p2 = c1 / n1, c2 / n2
        pooled = (c1 + c2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)) or 1e-12
        z = (p2 - p1) / se
        freq1 = _mean_frequency(first)
        freq2 = _mean_frequency(last)
        rising = freq1 is not None and freq2 is not None and freq2 > freq1
        if p2 <= FATIGUE_DROP * p1 and z <= -2.0 and rising:
            out.append({"ad_name": name, "days": len(series), "ctr_first": p1, "ctr_last": p2, "z": round(z, 2),
                        "frequency_first": freq1, "frequency_last": freq2})
    return out


def _mean_frequency(records: Sequence[dict[str, Any]]) -> float | None:
    values = [r["frequency"] for r in records if r.get("frequency")]
    if values:
        return sum(values) / len(values)
    reach = sum(r.get("reach") or 0 for r in records)
    return sum(r["impressions"] for r in records) / reach if reach else None
