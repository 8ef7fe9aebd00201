"""``adloom insights``: leaderboards of angles, segments and hook structures with credible intervals.

Read from the stored records (the same analysis the import learns from), never from the pattern rows
alone, so what is shown is what the evidence says now.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.errors import InputError, NotFound
from adloom.feedback.charts import Point, interval_chart
from adloom.feedback.evidence import Evidence, Group, analyse
from adloom.feedback.options import FeedbackOptions
from adloom.store import performance as perf_store
from adloom.store.tables import PerformanceRecordRow

__all__ = ["BOARDS", "Insights", "insights"]

BOARDS = ("angle", "segment", "hook_structure", "trigger", "format", "length", "platform")
CHARTED = ("angle", "segment", "hook_structure")
TOP = 15


@dataclass
class Insights:
    evidence: Evidence
    labels: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        e = self.evidence
        label_counts: dict[str, dict[str, int]] = {}
        angle_of = {ad.name: ad.angle for ad in e.ads}
        for item in self.labels:
            angle = angle_of.get(item["ad_name"]) or item["ad_name"].split("_")[2]
            label_counts.setdefault(angle, {}).setdefault(item["label"], 0)
            label_counts[angle][item["label"]] += 1
        return {"brand": e.brand, "metric": e.metric, "currency": e.currency,
                "baseline": {"mean": e.prior.mean, "prior": e.prior.source, "strength": e.prior.alpha + e.prior.beta},
                "ads": len(e.ads), "judged_ads": e.judged_ads, "overlapping_ranges_left_out": e.dropped_overlaps,
                **{f"{d}s": [g.as_json() for g in e.groups.get(d, [])] for d in BOARDS},
                "winners": [{"ad_name": a.name, "posterior_mean": a.posterior.mean if a.posterior else None}
                            for a in e.ads if a.winner],
                "fatigue": e.fatigue, "google_asset_labels": label_counts}

    def charts(self) -> dict[str, str]:
        e = self.evidence
        out = {}
        for dimension in CHARTED:
            groups = e.groups.get(dimension, [])[:TOP]
            points = [_point(g, e.prior.mean) for g in groups]
            out[dimension] = interval_chart(f"{dimension.replace('_', ' ')} · {e.metric} posterior, 90% interval",
                                            points, e.prior.mean)
        return out

    def write_charts(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for dimension, svg in self.charts().items():
            path = folder / f"insights-{self.evidence.brand}-{dimension}.svg"
            path.write_text(svg, encoding="utf-8")
            written.append(path)
        return written


def _point(group: Group, baseline: float) -> Point:
    note = f"{group.totals.impressions:,} impr · {group.ads} ads"
    return Point(group.key, group.posterior.mean, group.low, group.high, note, strong=group.low > baseline)


def insights(session: Session, brand: str | None, options: FeedbackOptions) -> Insights:
    brands = sorted(set(session.scalars(select(PerformanceRecordRow.brand_slug).distinct())))
    if not brands:
        raise NotFound("no performance imported yet: run `adloom feedback import FILE` first")
    if brand is None:
        if len(brands) > 1:
            raise InputError(f"performance of several brands is stored ({', '.join(brands)}); pass --brand")
        brand = brands[0]
    if brand not in brands:
        raise NotFound(f"no performance imported for brand '{brand}' (stored: {', '.join(brands)})")
    records = perf_store.load_records(session)
    ids = {r["concept_id"] for r in records if r["brand_slug"] == brand}
    evidence = analyse(records, brand, perf_store.concept_payloads(session, ids), options)
    return Insights(evidence, perf_store.load_labels(session, brand))
