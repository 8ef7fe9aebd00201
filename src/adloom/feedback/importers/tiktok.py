"""TikTok Ads Manager exports: per-ad rows with a Date (or By Day) column. TikTok counts 2-second and
6-second views; the 2-second view stands in for Meta's 3-second play (hook rate), the 6-second (focused)
view for the ThruPlay (hold rate), as practitioners read them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from adloom.errors import InputError
from adloom.feedback.importers.base import Importer, RawRecord, Skip
from adloom.feedback.tabular import Table


class TikTokImporter(Importer):
    platform = "tiktok"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "ad_name": ("ad name",),
        "date": ("date", "by day", "stat time day"),
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

    def records(self, table: Table) -> Iterator[RawRecord | Skip]:
        cols = self.columns(table)
        at = cols.at
        if "date" not in at and not ("start" in at and "end" in at):
            raise InputError("missing column 'Date' (export with a daily breakdown, or Start date/End date)",
                             file=table.file, line=table.header_line)
        for line, row in table.rows:
            name = self.cell(row, at["ad_name"])
            if self.is_total(row, name):
                yield Skip(line, name, "totals row", listed=False)
                continue
            if "date" in at:
                start = end = self.date(table, line, row[at["date"]], "Date")
            else:
                start = self.date(table, line, row[at["start"]], "Start date")
                end = self.date(table, line, row[at["end"]], "End date")
            yield self.numbers(table, cols, line, row, name, start, end)
