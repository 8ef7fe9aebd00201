"""Synthetic performance exports, named so: for tests, the simulator and the import benchmark.

Writes files shaped like the real exports (Meta "Export table data" with the currency in the headers,
quoted thousands separators and a Total row; TikTok with its 2- and 6-second views), with figures drawn
from known true rates, so the loop's estimates can be checked against the truth.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

__all__ = ["META_HEADER", "Delivery", "deliver", "write_meta_csv", "write_tiktok_csv"]

META_HEADER = ["Reporting starts", "Reporting ends", "Campaign name", "Ad Set Name", "Ad name",
               "Amount spent ({cur})", "Impressions", "Reach", "Frequency", "Results", "Link clicks",
               "CTR (link click-through rate)", "3-second video plays", "ThruPlays", "Purchases",
               "Purchases conversion value", "Purchase ROAS (return on ad spend)"]


@dataclass
class Delivery:
    """One ad's figures for one reporting range."""

    ad_name: str
    start: date
    end: date
    impressions: int
    clicks: int
    spend: float
    video_3s: int = 0
    thruplays: int = 0
    purchases: int = 0
    revenue: float = 0.0
    reach: int = 0


def deliver(ad_name: str, impressions: int, ctr: float, rng: np.random.Generator, *, start: date,
            days: int = 1, cpm: float = 8.0, hook_rate: float = 0.3, hold_rate: float = 0.35, cvr: float = 0.03,
            aov: float = 60.0) -> Delivery:
    """Figures drawn from true rates: clicks ~ Binomial(impressions, ctr), purchases ~ Binomial(clicks, cvr)."""
    clicks = int(rng.binomial(impressions, ctr))
    plays = int(rng.binomial(impressions, hook_rate))
    purchases = int(rng.binomial(clicks, cvr))
    return Delivery(ad_name, start, start + timedelta(days=days - 1), impressions, clicks,
                    round(impressions / 1000 * cpm, 2), plays, int(rng.binomial(plays, hold_rate)), purchases,
                    round(purchases * aov, 2), max(1, int(impressions / 1.6)))


def _grouped(n: float, money: bool = False) -> str:
    return f"{n:,.2f}" if money else f"{int(n):,}"


def write_meta_csv(path: Path, rows: Sequence[Delivery], *, currency: str = "EUR", total: bool = True,
                   transform: Callable[[list[str]], list[str]] | None = None) -> Path:
    """A Meta export: currency in the headers, numbers with thousands separators (quoted by csv), a Total row."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([h.format(cur=currency) for h in META_HEADER])
        for d in rows:
            ctr = f"{100 * d.clicks / d.impressions:.2f}%" if d.impressions else ""
            roas = f"{d.revenue / d.spend:.2f}" if d.spend else ""
            row = [d.start.isoformat(), d.end.isoformat(), "adloom test", "set", d.ad_name,
                   _grouped(d.spend, True), _grouped(d.impressions), _grouped(d.reach),
                   f"{d.impressions / d.reach:.2f}" if d.reach else "", str(d.purchases), _grouped(d.clicks), ctr,
                   _grouped(d.video_3s), _grouped(d.thruplays), str(d.purchases), _grouped(d.revenue, True), roas]
            out.writerow(transform(row) if transform else row)
        if total:
            spend = sum(d.spend for d in rows)
            out.writerow(["", "", "", "", "Total", _grouped(spend, True), _grouped(sum(d.impressions for d in rows)),
                          "", "", "", _grouped(sum(d.clicks for d in rows)), "", "", "", "", "", ""])
    return path


def write_tiktok_csv(path: Path, rows: Sequence[Delivery], *, currency: str = "USD") -> Path:
    header = ["Date", "Campaign name", "Ad group name", "Ad ID", "Ad name", "Cost", "Impressions", "Reach",
              "Clicks (destination)", "CTR (destination)", "2-second video views", "6-second video views",
              "Complete payment", "Complete payment value", "Currency"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for i, d in enumerate(rows):
            out.writerow([d.start.isoformat(), "adloom test", "group", str(1000 + i), d.ad_name, f"{d.spend:.2f}",
                          str(d.impressions), str(d.reach), str(d.clicks),
                          f"{100 * d.clicks / max(d.impressions, 1):.2f}%", str(d.video_3s), str(d.thruplays),
                          str(d.purchases), f"{d.revenue:.2f}", currency])
    return path
