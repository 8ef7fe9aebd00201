"""Figures per ad and per group (hook, concept, angle, segment, format, platform, ...), as practitioners
compute them: CTR = link clicks / impressions, hook rate = 3-second plays / impressions, hold rate =
ThruPlays / 3-second plays, ThruPlay rate = ThruPlays / impressions, CPA = spend / purchases,
ROAS = purchase value / spend.

An ad's stored records may overlap (a weekly range and the same days one by one, from two exports): per
ad, the longest ranges are taken first and a record overlapping one already taken is left out, so no day
is counted twice (a range that only partly overlaps a taken one is left out whole, and counted in
``dropped``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from adloom.mathutil import ratio

__all__ = ["METRICS", "Totals", "metric_counts", "non_overlapping"]

# metric -> (successes field, trials field): every ranking rate is a ratio of two counts
METRICS: dict[str, tuple[str, str]] = {
    "ctr": ("clicks", "impressions"),
    "hook_rate": ("video_3s", "impressions"),
    "hold_rate": ("thruplays", "video_3s"),
    "thruplay_rate": ("thruplays", "impressions"),
    "cvr": ("purchases", "impressions"),
}
SUMMED = ("impressions", "spend", "clicks", "video_3s", "thruplays", "purchases", "revenue")


@dataclass
class Totals:
    impressions: int = 0
    spend: float = 0.0
    clicks: int = 0
    video_3s: int = 0
    thruplays: int = 0
    purchases: float = 0.0
    revenue: float = 0.0
    ads: int = 0
    first: str = ""
    last: str = ""

    def add(self, other: Totals | dict[str, Any]) -> None:
        if isinstance(other, dict):        # a stored record: the hot path of every analysis
            self.impressions += other["impressions"] or 0
            self.spend += other["spend"] or 0.0
            self.clicks += other["clicks"] or 0
            self.video_3s += other["video_3s"] or 0
            self.thruplays += other["thruplays"] or 0
            self.purchases += other["purchases"] or 0.0
            self.revenue += other["revenue"] or 0.0
            start, end = other["date_start"], other["date_end"]
        else:
            for name in SUMMED:
                setattr(self, name, getattr(self, name) + getattr(other, name))
            start, end = other.first, other.last
        if start and (not self.first or start < self.first):
            self.first = start
        if end and end > self.last:
            self.last = end

    def judged(self, min_impressions: int, min_spend: float) -> bool:
        return self.impressions >= min_impressions and self.spend >= min_spend

    def figures(self) -> dict[str, float | None]:
        return {
            "impressions": self.impressions, "spend": round(self.spend, 2), "clicks": self.clicks,
            "ctr": ratio(self.clicks, self.impressions), "hook_rate": ratio(self.video_3s, self.impressions),
            "hold_rate": ratio(self.thruplays, self.video_3s),
            "thruplay_rate": ratio(self.thruplays, self.impressions),
            "cpa": ratio(self.spend, self.purchases), "roas": ratio(self.revenue, self.spend),
            "purchases": self.purchases,
        }


def metric_counts(totals: Totals, metric: str) -> tuple[float, float]:
    """(successes, trials) of a ranking rate; successes never exceed trials (a platform rounding quirk)."""
    num, den = METRICS[metric]
    trials = float(getattr(totals, den))
    return min(float(getattr(totals, num)), trials), trials


def _span(record: dict[str, Any]) -> tuple[int, int]:
    return date.fromisoformat(record["date_start"]).toordinal(), date.fromisoformat(record["date_end"]).toordinal()


@dataclass
class Selection:
    records: list[dict[str, Any]] = field(default_factory=list)
    dropped: int = 0


def non_overlapping(records: Iterable[dict[str, Any]]) -> Selection:
    """Per ad (and platform), a set of records no two of which share a day; longest ranges first."""
    by_ad: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_ad[(record["platform"], record["ad_name"])].append(record)
    out = Selection()
    for items in by_ad.values():
        if len(items) == 1:
            out.records.append(items[0])
            continue
        if all(r["date_start"] == r["date_end"] for r in items):
            out.records.extend(items)       # days only (the store keeps one record per ad and day)
            continue
        spans = [(_span(r), r) for r in items]
        spans.sort(key=lambda t: (-(t[0][1] - t[0][0]), t[0][0]))
        covered: set[int] = set()
        for (lo, hi), record in spans:
            days = range(lo, hi + 1)
            hit = sum(d in covered for d in days)
            if hit:
                if hit < len(days):
                    out.dropped += 1        # a partial overlap: some of its days are not covered elsewhere
                continue
            covered.update(days)
            out.records.append(record)
    return out


def group_totals(records: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], str | None]) -> dict[str, Totals]:
    out: dict[str, Totals] = {}
    for record in records:
        k = key(record)
        if k is None:
            continue
        out.setdefault(k, Totals()).add(record)
    return out
