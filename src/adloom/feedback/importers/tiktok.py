"""TikTok Ads Manager exports: per-ad rows with a Date (or By Day) column, or a Start date / End date range.
TikTok counts 2-second and 6-second views; the 2-second view stands in for Meta's 3-second play (hook rate),
the 6-second (focused) view for the ThruPlay (hold rate), as practitioners read them."""

from __future__ import annotations

from typing import ClassVar

from adloom.feedback.importers.base import DatedImporter


class TikTokImporter(DatedImporter):
    platform = "tiktok"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "ad_name": ("ad name",),
        "day": ("date", "by day", "stat time day"),
        "start": ("start date",),
        "end": ("end date",),
        "spend": ("cost", "total cost"),
        "impressions": ("impressions",),
        "reach": ("reach",),
        "frequency": ("frequency",),
        "clicks": ("clicks (destination)", "clicks"),
        "video_3s": ("2-second video views", "video views"),
        "thruplays": ("6-second video views",),
        "purchases": ("complete payment", "conversions"),
        "revenue": ("complete payment value", "total complete payment value"),
    }
    required = ("ad_name", "spend", "impressions")
    signature = frozenset({"ad group name", "cost", "clicks (destination)", "ctr (destination)",
                           "2-second video views", "6-second video views", "complete payment",
                           "complete payment roas"})
    dates = ("Date", "Start date", "End date")
