"""Writing a bulk-upload CSV: fixed header, one dict per row, atomically, with no cell a spreadsheet runs.

Encoding is UTF-8 with a byte-order mark (``utf-8-sig``). Both Meta Ads Manager's bulk import and
Google Ads Editor read UTF-8, and Ads Editor's own exports start with a BOM. The BOM is for the person
in between: marketers open these files in Excel before uploading, and Excel reads a BOM-less CSV in
the local ANSI code page, turning the en dash in ad set names and any accented copy into mojibake that
then gets saved back. ``csv`` with ``newline=""`` quotes commas, quotes and line breaks inside cells
(RFC 4180, CRLF row ends), so multi-line primary text survives the round trip.

Formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell that begins
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``). Ad text comes from models and brand documents, so every such cell is written
with a leading single quote, which makes the spreadsheet read it as text. Full-width look-alikes
(``＝``, ``＋``, ``－``, ``＠``) are treated the same: some spreadsheets normalise them. Governance flags
such copy too (rule ``text.formula``), so an ad that would need the quote goes to a person, not to upload.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from adloom.exports.atomic import atomic_open

__all__ = ["CSV_ENCODING", "FORMULA_START", "neutralise", "write_csv"]

CSV_ENCODING = "utf-8-sig"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula, prefixed with ``'``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> Path:
    """Write ``rows`` under exactly ``columns``; a key outside the header is a bug, so it raises."""
    with atomic_open(path, encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="raise", restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: neutralise(value) for key, value in row.items()})
    return path
