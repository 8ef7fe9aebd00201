"""Which columns of a CSV hold ad text, for ``adloom check --file``.

The three platforms' own files are recognised by their exact header spellings (Meta's bulk import
``Title``/``Body``/``Link Description``, Ads Manager's ``Headline``/``Primary text``/``Description``,
TikTok's ``Ad text``, Google Ads Editor's ``Headline 1`` … ``Headline 15`` and ``Description 1`` …
``Description 4``); each such column is checked against its own platform field's limits. Anything else
falls back to common generic names, matched case-insensitively and with no platform assumed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from adloom.platforms import FIELD_LIMITS

__all__ = ["TextColumn", "named_column", "text_columns"]

# exact header -> (platform, field); the order is the order items are reported in
PLATFORM_COLUMNS: dict[str, tuple[str, str]] = {
    "Body": ("meta", "primary_text"),
    "Primary text": ("meta", "primary_text"),
    "Primary Text": ("meta", "primary_text"),
    "Title": ("meta", "headline"),
    "Link Description": ("meta", "description"),
    "Ad text": ("tiktok", "ad_text"),
    "Ad Text": ("tiktok", "ad_text"),
    **{f"Headline {i}": ("google", "headline") for i in range(1, 16)},
    **{f"Description {i}": ("google", "description") for i in range(1, 5)},
}
# a bare Headline / Description is Meta's in an Ads Manager export, else a generic field of that name
SHARED_COLUMNS: dict[str, str] = {"Headline": "headline", "Description": "description"}
# generic names, in preference order -> the field they hold when a platform is named
GENERIC_COLUMNS: dict[str, str | None] = {
    "text": None, "ad_text": "ad_text", "ad text": "ad_text", "primary_text": "primary_text",
    "primary text": "primary_text", "body": "primary_text", "copy": None, "ad copy": None, "caption": None,
    "headline": "headline", "title": "headline", "description": "description"}
_GOOGLE_MARK = re.compile(r"^(Headline|Description) \d+$")
_META_MARKS = ("Ad Set Name", "Body", "Title", "Primary text", "Primary Text")


@dataclass(frozen=True)
class TextColumn:
    name: str               # as spelled in the header
    platform: str | None    # whose field limits apply
    field: str | None       # that platform's field (``platforms.FIELD_LIMITS``)


def file_platform(header: Sequence[str]) -> str | None:
    """The platform whose export this header looks like, if any."""
    if any(_GOOGLE_MARK.match(h) for h in header) or "Ad type" in header:
        return "google"
    if "Ad text" in header or "Ad group name" in header:
        return "tiktok"
    if any(h in header for h in _META_MARKS):
        return "meta"
    return None


def text_columns(header: Sequence[str], platform: str | None = None) -> list[TextColumn]:
    """The ad-text columns of ``header`` (empty when none is recognised). ``platform``, when given, is
    where the copy runs: it decides the field limits for every column."""
    found = [h for h in PLATFORM_COLUMNS if h in header]
    shape = file_platform(header)
    found += [h for h in SHARED_COLUMNS if h in header and shape in ("meta", None) and h not in found]
    if found:
        out = []
        for name in found:
            own, field = PLATFORM_COLUMNS.get(name) or ("meta", SHARED_COLUMNS[name])
            # a generic file that happens to call its column "Headline" is nobody's in particular
            where = platform or (None if shape is None and name in SHARED_COLUMNS else own)
            out.append(TextColumn(name, where, field if where and (where, field) in FIELD_LIMITS else None))
        return out
    lowered = {h.lower(): h for h in header}
    generic = next((lowered[c] for c in GENERIC_COLUMNS if c in lowered), None)
    if generic is None and len(header) == 1:
        generic = header[0]
    return [named_column(generic, platform)] if generic else []


def named_column(name: str, platform: str | None) -> TextColumn:
    """The column a user named (``--column``), held to ``platform``'s field of that name if it has one."""
    field = PLATFORM_COLUMNS[name][1] if name in PLATFORM_COLUMNS else GENERIC_COLUMNS.get(name.lower())
    return TextColumn(name, platform, field if platform and field and (platform, field) in FIELD_LIMITS else None)
