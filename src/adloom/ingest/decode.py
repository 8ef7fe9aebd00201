"""Bytes to text: UTF-8 only (a BOM is tolerated), with errors that say exactly where the bad byte is."""

from __future__ import annotations

import codecs

from adloom.errors import BrandInputError
from adloom.ingest.result import IngestResult


def decode_utf8(raw: bytes, relpath: str) -> str:
    """Decode UTF-8 and normalise newlines; raise BrandInputError naming the byte offset otherwise."""
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = raw[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise BrandInputError(
            f"not UTF-8 text (byte 0x{raw[offset]:02x} at byte offset {offset}); save the file as UTF-8",
            file=relpath) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_binary(raw: bytes) -> bool:
    """NUL bytes never occur in text files worth reading; they mark images, archives, office files."""
    return b"\x00" in raw[:8192]


def free_text(raw: bytes, relpath: str, what: str) -> str | IngestResult:
    """The decoded text of a free-text input, or a warning result that skips it (losing one document is
    recoverable, so binary content or bad encoding warns instead of stopping the run)."""
    if looks_binary(raw):
        return IngestResult.warning(relpath, f"binary content, not {what}; skipped")
    try:
        return decode_utf8(raw, relpath)
    except BrandInputError as exc:
        return IngestResult.warning(relpath, f"{exc.message}; skipped")
