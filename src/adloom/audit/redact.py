"""Redaction of personal identifiers in audit payloads, applied before hashing and storage.

An audit log is kept for years and exported to third parties; it should prove *what was decided*,
not hold the emails and phone numbers that ended up in transcripts, excerpts or reviewer notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_HEX_ID = re.compile(r"[0-9a-f]{16,}")     # content hashes and ids: never personal data, never touched

EMAIL = ("[email]", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"))
# International numbers need a leading '+'; national ones the common 3-3-4 shape, so prices,
# dates, counts and ISO timestamps in ad copy are left alone.
PHONE = ("[phone]", re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){2,4}"
    r"|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4})(?!\w)"))
CARD_CANDIDATE = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
IBAN = ("[iban]", re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?!\w)"))


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if _luhn_ok(digits) else match.group()


@dataclass(frozen=True)
class Redactor:
    """Replaces identifiers in every string of a payload. ``extra`` adds (replacement, pattern) pairs."""

    extra: tuple[tuple[str, re.Pattern[str]], ...] = ()
    cards: bool = True
    patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(default=(EMAIL, IBAN, PHONE))

    def text(self, value: str) -> str:
        if _HEX_ID.fullmatch(value):
            return value
        if self.cards:      # before phones: a card number can look like a phone number
            value = CARD_CANDIDATE.sub(_card, value)
        for replacement, pattern in (*self.patterns, *self.extra):
            value = pattern.sub(replacement, value)
        return value

    def __call__(self, data: Any) -> Any:
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {key: self(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self(value) for value in data]
        return data


def redactor(extra: Iterable[tuple[str, str]] = ()) -> Redactor:
    """A redactor with the default patterns plus user ones given as (replacement, regex) strings."""
    return Redactor(extra=tuple((rep, re.compile(rx)) for rep, rx in extra))


DEFAULT_REDACTOR = Redactor()
