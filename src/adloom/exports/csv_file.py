"""Writing a bulk-upload CSV: fixed header, one dict per row, atomically.

Encoding is UTF-8 with a byte-order mark (``utf-8-sig``). Both Meta Ads Manager's bulk import and
Google Ads Editor read UTF-8, and Ads Editor's own exports start with a BOM. The BOM is for the person
in between: marketers open these files in Excel before uploading, and Excel reads a BOM-less CSV in
the local ANSI code page, turning the en dash in ad set names and any accented copy into mojibake that
then gets saved back. ``csv`` with ``newline=""`` quotes commas, quotes and line breaks inside cells
(RFC 4180, CRLF row ends), so multi-line primary text survives the round trip.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from adloom.exports.atomic import atomic_open

CSV_ENCODING = "utf-8-sig"


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> Path:
    """Write ``rows`` under exactly ``columns``; a key outside the header is a bug, so it raises."""
    with atomic_open(path, encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="raise", restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path
