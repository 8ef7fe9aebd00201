"""Meta Ads Manager "Export table data" (CSV or XLSX): per-ad rows for one or several reporting ranges,
or per-day rows when the export is broken down by day. The currency rides in the headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from adloom.errors import InputError
from adloom.feedback.importers.base import Importer, RawRecord, Skip
from adloom.feedback.tabular import Table


class MetaImporter(Importer):
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

    def records(self, table: Table) -> Iterator[RawRecord | Skip]:
        cols = self.columns(table)
        at = cols.at
        if "day" not in at and not ("start" in at and "end" in at):
            raise InputError("missing column(s) 'Reporting starts' and 'Reporting ends' (or a 'Day' breakdown)",
                             file=table.file, line=table.header_line)
        for line, row in table.rows:
            name = self.cell(row, at["ad_name"])
            if self.is_total(row, name):
                yield Skip(line, name, "totals row", listed=False)
                continue
            if "day" in at and self.cell(row, at["day"]):
                start = end = self.date(table, line, row[at["day"]], "Day")
            else:
                start = self.date(table, line, row[at["start"]] if "start" in at else None, "Reporting starts")
                end = self.date(table, line, row[at["end"]] if "end" in at else None, "Reporting ends")
            yield self.numbers(table, cols, line, row, name, start, end)

