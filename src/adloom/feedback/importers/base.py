"""The importer interface: one abstract method from a table to raw records, plus the column plumbing.

An importer declares its columns as data (each field with the header names it goes by) and the headers
only its platform's exports carry (``signature``), which is how a file from another platform is recognised
and refused instead of being read wrong.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar

from adloom.errors import ConfigError, InputError
from adloom.feedback.tabular import Table, parse_date, parse_number

COUNTS = ("impressions", "reach", "clicks", "video_3s", "thruplays")
AMOUNTS = ("spend", "revenue", "purchases", "frequency")
MONEY = ("spend", "revenue")
TOTAL_MARKERS = ("total", "results from", "summary")


@dataclass(slots=True)
class RawRecord:
    """One row of an export, as numbers, before it is joined to a concept."""

    line: int
    ad_name: str
    date_start: str
    date_end: str
    impressions: int = 0
    reach: int | None = None
    frequency: float | None = None
    spend: float = 0.0
    clicks: int = 0
    video_3s: int = 0
    thruplays: int = 0
    purchases: float = 0.0
    revenue: float = 0.0
    currency: str | None = None
    asset: tuple[str, str, str] | None = None     # Google asset rows: (text, type, label)


@dataclass(frozen=True, slots=True)
class Skip:
    """A row that is not an ad's figures (a totals line) or cannot be joined; listed, never guessed."""

    line: int
    ad_name: str
    reason: str
    listed: bool = True           # totals rows are dropped quietly


@dataclass
class Columns:
    """Where each field sits in this table; ``money_currency`` is the currency the money headers name."""

    at: dict[str, int] = field(default_factory=dict)
    money_currency: str | None = None
    currency_column: int | None = None
    # (field, column, is a count, is money) read from each row
    fields: list[tuple[str, int, bool, bool]] = field(default_factory=list)


class Importer(ABC):
    """Turns a platform's export table into raw records. Capabilities are class attributes."""

    platform: ClassVar[str]
    aliases: ClassVar[dict[str, tuple[str, ...]]]    # field -> normalised header names it goes by
    required: ClassVar[tuple[str, ...]]              # fields without which the file cannot be read
    signature: ClassVar[frozenset[str]]              # headers only this platform's exports carry

    @abstractmethod
    def records(self, table: Table) -> Iterator[RawRecord | Skip]:
        """Every data row as a RawRecord or a Skip; raise InputError (file, line, field) on bad input."""

    # ------------------------------------------------------------ shared plumbing for subclasses

    def columns(self, table: Table) -> Columns:
        cols = Columns()
        for name, aliases in self.aliases.items():
            index = table.column(*aliases)
            if index is not None:
                cols.at[name] = index
        missing = [name for name in self.required if name not in cols.at]
        if missing:
            wanted = ", ".join(f"'{self.aliases[m][0]}'" for m in missing)
            raise InputError(f"not a {self.platform} export this importer can read: missing column(s) {wanted}",
                             file=table.file, line=table.header_line)
        named = {c for m in MONEY if m in cols.at and (c := table.currencies[cols.at[m]])}
        if len(named) > 1:
            raise InputError(f"money columns name different currencies ({', '.join(sorted(named))})",
                             file=table.file, line=table.header_line)
        cols.money_currency = next(iter(named), None)
        cols.currency_column = table.column("currency", "currency code")
        return cols

    def numbers(self, table: Table, cols: Columns, line: int, row: Sequence[object], ad_name: str,
                start: str, end: str) -> RawRecord:
        """The row's figures; refuses negative amounts and a currency that differs from the file's."""
        rec = RawRecord(line=line, ad_name=ad_name, date_start=start, date_end=end,
                        currency=cols.money_currency)
        if not cols.fields:
            cols.fields = [(name, cols.at[name], name in COUNTS, name in MONEY)
                           for name in (*COUNTS, *AMOUNTS) if name in cols.at]
        width = len(row)
        for name, index, count, money in cols.fields:      # the hot loop of an import: kept plain
            if index >= width:
                continue
            try:
                value, symbol = parse_number(row[index])
            except ValueError:
                raise InputError(f"'{row[index]}' is not a number", file=table.file, line=line,
                                 field=self.aliases[name][0]) from None
            if value < 0:
                raise InputError(f"negative {name} ({value:g})", file=table.file, line=line,
                                 field=self.aliases[name][0])
            if symbol and money:
                if rec.currency and symbol != rec.currency:
                    raise InputError(f"currency changes mid-file: {symbol} here, {rec.currency} before",
                                     file=table.file, line=line, field=self.aliases[name][0])
                rec.currency = symbol
            setattr(rec, name, round(value) if count else value)
        if cols.currency_column is not None and cols.currency_column < len(row):
            code = str(row[cols.currency_column] or "").strip().upper()
            if code:
                if rec.currency and code != rec.currency:
                    raise InputError(f"currency changes mid-file: {code} here, {rec.currency} before",
                                     file=table.file, line=line, field="currency")
                rec.currency = code
        return rec

    @staticmethod
    def cell(row: Sequence[object], index: int | None) -> str:
        if index is None or index >= len(row) or row[index] is None:
            return ""
        return str(row[index]).strip()

    @staticmethod
    def is_total(row: Sequence[object], ad_name: str) -> bool:
        """Totals rows: 'Total', 'Total: Account', 'Results from 40 ads' in the leading cells."""
        if ad_name.startswith("adl_"):
            return False
        if ad_name.lower().startswith(TOTAL_MARKERS):
            return True
        lead = [str(c).strip().lower() for c in row[:3] if c is not None and str(c).strip()]
        return not ad_name and any(c.startswith(TOTAL_MARKERS) for c in lead)

    def date(self, table: Table, line: int, raw: object, field: str) -> str:
        try:
            return parse_date(raw)
        except ValueError as exc:
            raise InputError(str(exc), file=table.file, line=line, field=field) from None


class DatedImporter(Importer):
    """Per-ad rows dated by a day column (a daily breakdown) or a start and end column (a reporting range),
    as Meta and TikTok export them: such an importer only declares its columns. ``dates`` names the headers
    errors quote: (day, start, end)."""

    dates: ClassVar[tuple[str, str, str]]

    def records(self, table: Table) -> Iterator[RawRecord | Skip]:
        cols = self.columns(table)
        at = cols.at
        day, start_header, end_header = self.dates
        ranged = "start" in at and "end" in at
        if "day" not in at and not ranged:
            raise InputError(f"missing column(s) '{start_header}' and '{end_header}' (or a '{day}' breakdown)",
                             file=table.file, line=table.header_line)
        for line, row in table.rows:
            name = self.cell(row, at["ad_name"])
            if self.is_total(row, name):
                yield Skip(line, name, "totals row", listed=False)
                continue
            # an export can carry both: a row with its day filled is that day, the others their range
            if "day" in at and (not ranged or self.cell(row, at["day"])):
                start = end = self.date(table, line, row[at["day"]] if at["day"] < len(row) else None, day)
            else:
                start = self.date(table, line, row[at["start"]] if at["start"] < len(row) else None, start_header)
                end = self.date(table, line, row[at["end"]] if at["end"] < len(row) else None, end_header)
            yield self.numbers(table, cols, line, row, name, start, end)


def available() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group="adloom.importers")}


def get_importer(platform: str) -> Importer:
    eps = available()
    if platform not in eps:
        close = difflib.get_close_matches(platform, list(eps), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"no importer for platform '{platform}'{hint} (installed: {', '.join(sorted(eps))})",
                          field="--platform")
    importer: Importer = eps[platform].load()()
    return importer


def known_headers(importers: Sequence[Importer]) -> set[str]:
    return {alias for imp in importers for aliases in imp.aliases.values() for alias in aliases}


def detect(table: Table, importers: Sequence[Importer]) -> Importer | None:
    """The importer whose signature headers the table carries most of; None when none match."""
    names = set(table.names)
    scored = sorted(((len(imp.signature & names), imp.platform, imp) for imp in importers),
                    key=lambda t: (-t[0], t[1]))
    return scored[0][2] if scored and scored[0][0] > 0 else None
