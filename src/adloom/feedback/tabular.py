"""Performance exports as tables: CSV or XLSX in, a header and numbered rows out.

Real exports are messy in known ways, handled here once for every platform: a byte-order mark, preamble
lines above the header (Google reports start with a title and a date line), the currency inside a header
(``Amount spent (EUR)``), numbers quoted with thousands separators and currency symbols (``"10,000"``,
``$50.00``), empty cells or ``--`` for nothing, and merged header cells in spreadsheets (refused: which
column a merged cell belongs to is a guess).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from adloom.errors import InputError

__all__ = ["Table", "header_key", "parse_date", "parse_number", "read_table"]

HEADER_SCAN = 20                       # lines searched for the header row
_CURRENCY_SUFFIX = re.compile(r"\s*\(([A-Z]{3})\)\s*$")
SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "R$": "BRL"}
_SYMBOL = re.compile(r"R\$|[$€£¥₹₩]")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_EU_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_EMPTY = {"", "-", "--", "—", "n/a", "na", "none", "null"}


def header_key(header: str) -> tuple[str, str | None]:
    """``'Amount spent (EUR)'`` -> ``('amount spent', 'EUR')``: the name to match on and the currency."""
    text = " ".join(str(header).replace("\ufeff", "").split())
    match = _CURRENCY_SUFFIX.search(text)
    currency = match.group(1) if match else None
    name = text[: match.start()] if match else text
    return name.strip().lower(), currency


def parse_number(raw: object) -> tuple[float, str | None]:
    """A cell as a number and the currency its symbol names (if any). Raises ValueError on garbage."""
    if raw is None:
        return 0.0, None
    if isinstance(raw, int | float):
        return float(raw), None
    text = raw if isinstance(raw, str) else str(raw)
    # the two common cases first, without raising: "16.00" or "2", then "2,000" or "1,234.50" (a float()
    # that fails costs more than the regex; every other cell of an export has a thousands separator)
    if "," not in text:
        try:
            return float(text), None
        except ValueError:
            pass
    elif _GROUPED.match(text):
        return float(text.replace(",", "")), None
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if text.lower() in _EMPTY:
        return 0.0, None
    symbol = _SYMBOL.search(text)
    currency = SYMBOLS[symbol.group(0)] if symbol else None
    text = _SYMBOL.sub("", text).rstrip("%") if symbol else text.rstrip("%")
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("-()+")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    elif _EU_GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")        # a decimal comma: "12,5"
    value = float(text)                    # ValueError names the bad text
    return (-value if negative else value), currency


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y", "%B %d, %Y", "%d/%m/%Y")


def parse_date(raw: object) -> str:
    """A cell as an ISO date; ValueError when it is not one."""
    if isinstance(raw, str):
        return _parse_date_text(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return _parse_date_text(str(raw or ""))


@lru_cache(maxsize=4096)         # an export repeats the same few dozen dates on every row
def _parse_date_text(raw: str) -> str:
    text = raw.strip()
    if len(text) >= 10 and text[4] == "-":
        return date.fromisoformat(text[:10]).isoformat()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date")


@dataclass
class Table:
    """A header (names, currencies) and the rows under it, each with its line (CSV) or row (XLSX) number."""

    file: str
    names: list[str]                       # normalised header names, "" for an empty header cell
    currencies: list[str | None]           # the currency each header names, if any
    header_line: int
    rows: Iterator[tuple[int, Sequence[object]]]
    preamble: list[Sequence[object]]       # lines above the header (a report title, its date range)

    def column(self, *aliases: str) -> int | None:
        """Index of the first header equal to one of ``aliases`` (normalised), else None."""
        for alias in aliases:
            if alias in self.names:
                return self.names.index(alias)
        return None


def _find_header(candidates: list[tuple[int, Sequence[object]]], known: set[str]) -> int:
    """Index of the candidate row with the most known column names (preamble lines have none)."""
    scores = [sum(header_key(str(c))[0] in known for c in row if c is not None) for _, row in candidates]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i), default=0)
    return best if scores and scores[best] > 0 else 0


def _table(file: str, lines: Iterator[tuple[int, Sequence[object]]], known: set[str]) -> Table:
    head: list[tuple[int, Sequence[object]]] = []
    for item in lines:
        head.append(item)
        if len(head) >= HEADER_SCAN:
            break
    if not head:
        raise InputError("the file is empty", file=file)
    at = _find_header(head, known)
    line, header = head[at]
    keys = [header_key("" if c is None else str(c)) for c in header]

    def rest() -> Iterator[tuple[int, Sequence[object]]]:
        yield from head[at + 1:]
        yield from lines

    return Table(file=file, names=[k[0] for k in keys], currencies=[k[1] for k in keys], header_line=line,
                 rows=rest(), preamble=[row for _, row in head[:at]])


def _csv_lines(text: str, delimiter: str) -> Iterator[tuple[int, Sequence[object]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    strip = str.strip
    for row in reader:
        # blank and whitespace-only lines are skipped; the first cell usually answers alone
        if row and (strip(row[0]) or any(map(strip, row))):
            yield reader.line_num, row


def _xlsx_lines(path: Path) -> tuple[Iterator[tuple[int, Sequence[object]]], list[tuple[int, int, int, int]]]:
    try:
        import openpyxl
        from openpyxl.utils.cell import range_boundaries
    except ImportError as exc:     # a declared dependency; a broken install still gets a plain answer
        raise InputError("reading XLSX needs openpyxl: pip install openpyxl", file=str(path)) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", file=str(path)) from None
    sheet = book.worksheets[0]
    merged: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet._worksheet_path)         # read-only sheets do not expose their merged cells
    for ref in re.findall(rb'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', xml):
        bounds = range_boundaries(ref.decode())
        merged.append((int(bounds[0] or 0), int(bounds[1] or 0), int(bounds[2] or 0), int(bounds[3] or 0)))

    def rows() -> Iterator[tuple[int, Sequence[object]]]:
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            if any(c is not None and str(c).strip() for c in row):
                yield number, row
        book.close()

    return rows(), merged


def read_table(path: Path, known: set[str]) -> Table:
    """The file's header (found among its first lines by the column names in ``known``) and its rows."""
    file = str(path)
    if not path.is_file():
        raise InputError("file not found", file=file)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        lines, merged = _xlsx_lines(path)
        table = _table(file, lines, known)
        for min_col, min_row, max_col, max_row in merged:
            if min_row <= table.header_line <= max_row:
                from openpyxl.utils.cell import get_column_letter
                span = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
                raise InputError(f"merged header cells {span}: unmerge them so each column has its own name",
                                 file=file, line=table.header_line)
        return table
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("latin-1")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","    # some exports are tab-separated
    return _table(file, _csv_lines(text, delimiter), known)
