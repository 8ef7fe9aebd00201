"""Google Ads reports: the ad report (figures per ad) and the asset report (a performance label per
headline or description: BEST, GOOD, LOW, LEARNING, PENDING). RSAs have no free-text name, so adloom's
ad name rides in the Labels column. Dates come from a Day column or the report's preamble range
("November 1, 2026 - November 30, 2026"). An asset row's own impressions are not added to the ad's:
one impression shows several assets, so they would count it several times."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from adloom.errors import InputError
from adloom.feedback.importers.base import Importer, RawRecord, Skip
from adloom.feedback.tabular import Table, parse_date

LABELS = ("BEST", "GOOD", "LOW", "LEARNING", "PENDING", "UNRATED")
_RANGE = re.compile(r"(.+?)\s+[-–]\s+(.+)")


class GoogleImporter(Importer):
    platform = "google"
    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "labels": ("labels", "label", "ad name"),
        "day": ("day", "date"),
        "spend": ("cost",),
        "impressions": ("impr.", "impressions"),
        "clicks": ("clicks",),
        "purchases": ("conversions",),
        "revenue": ("conv. value", "conversion value", "all conv. value"),
        "video_3s": ("video views", "views"),
        "asset": ("asset", "asset text"),
        "asset_type": ("asset type", "field type"),
        "label": ("performance label", "performance", "asset performance", "performance grade"),
    }
    required = ("labels",)
    signature = frozenset({"impr.", "conv. value", "ad group", "ad type", "currency code", "asset type",
                           "performance label", "avg. cpc"})

    def records(self, table: Table) -> Iterator[RawRecord | Skip]:
        cols = self.columns(table)
        at = cols.at
        assets = "asset" in at and "label" in at
        if not assets and not {"spend", "impressions"} <= at.keys():
            raise InputError("missing column(s) 'Cost' and 'Impr.' (or 'Asset' and 'Performance label')",
                             file=table.file, line=table.header_line)
        span = _preamble_range(table)
        if "day" not in at and span is None:
            raise InputError("no 'Day' column and no date range above the header", file=table.file,
                             line=table.header_line)
        for line, row in table.rows:
            labels = self.cell(row, at["labels"])
            name = next((p.strip() for p in re.split(r"[;,]", labels) if p.strip().startswith("adl_")), labels)
            if self.is_total(row, name):
                yield Skip(line, name, "totals row", listed=False)
                continue
            if "day" in at and self.cell(row, at["day"]):
                start = end = self.date(table, line, row[at["day"]], "Day")
            elif span is not None:
                start, end = span
            else:
                raise InputError("no date on this row", file=table.file, line=line, field="Day")
            if assets:
                label = self.cell(row, at["label"]).upper()
                if label not in LABELS:
                    raise InputError(f"unknown performance label '{label}' (expected one of {', '.join(LABELS)})",
                                     file=table.file, line=line, field="Performance label")
                yield RawRecord(line=line, ad_name=name, date_start=start, date_end=end,
                                asset=(self.cell(row, at["asset"]), self.cell(row, at.get("asset_type")), label))
                continue
            yield self.numbers(table, cols, line, row, name, start, end)


def _preamble_range(table: Table) -> tuple[str, str] | None:
    for row in table.preamble:
        # an unquoted "November 1, 2026 - November 30, 2026" arrives split at its commas
        line = ",".join(str(c) for c in row if c is not None).strip()
        match = _RANGE.fullmatch(line)
        if match:
            try:
                return parse_date(match.group(1).strip()), parse_date(match.group(2).strip())
            except ValueError:
                continue
    return None
