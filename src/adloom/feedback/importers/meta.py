"""Meta Ads Manager "Export table data" (CSV or XLSX): per-ad rows for one or several reporting ranges,
or per-day rows when the export is broken down by day. The currency rides in the headers."""

from __future__ import annotations

from typing import ClassVar

from adloom.feedback.importers.base import DatedImporter


class MetaImporter(DatedImporter):
    platform = "meta"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "ad_name": ("ad name",),
        "start": ("reporting starts",),
        "end": ("reporting ends",),
        "day": ("day",),
        "spend": ("amount spent",),
        "impressions": ("impressions",),
        "reach": ("reach",),
        "frequency": ("frequency",),
        "clicks": ("link clicks", "clicks (all)"),
        "video_3s": ("3-second video plays", "3-second video views"),
        "thruplays": ("thruplays",),
        "purchases": ("purchases", "website purchases"),
        "revenue": ("purchases conversion value", "website purchases conversion value"),
    }
    required = ("ad_name", "spend", "impressions")
    signature = frozenset({"amount spent", "reporting starts", "reporting ends", "link clicks", "thruplays",
                           "3-second video plays", "purchase roas (return on ad spend)", "ad set name"})
    dates = ("Day", "Reporting starts", "Reporting ends")
