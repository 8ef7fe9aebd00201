"""Small text helpers shared by writers, governance and exporters.

Pure functions on ``str``; nothing here knows about brands or platforms. Character limits are passed in
by the caller (they live in ``adloom.platforms``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, utils

__all__ = [
    "NEAR_DUPLICATE_THRESHOLD",
    "compile_terms",
    "ensure_period",
    "fit",
    "has_digits",
    "is_near_duplicate",
    "lower_first",
    "near_duplicate_of",
    "normalize_space",
    "sentence_case",
    "strip_chars",
    "strip_emoji",
    "upper_first",
    "word_count",
]

# token_set_ratio at or above this counts as "the same hook said twice"
NEAR_DUPLICATE_THRESHOLD = 85.0

_SPACE = re.compile(r"\s+")
_TRAILING = " ,;:-–—"
# a sentence start: text start or end punctuation (maybe inside a quote) + space, an opening quote, a letter
_SENTENCE_START = re.compile(r"(^|[.?!][\"”’']?\s+)([\"“‘']?)([a-z])")
# emoji modifiers and joiners that are not category So themselves
_EMOJI_EXTRA = {0x200D, 0xFE0E, 0xFE0F, 0x20E3} | set(range(0x1F3FB, 0x1F400)) | set(range(0xE0020, 0xE0080))


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def word_count(text: str) -> int:
    """Words as a reader counts them: whitespace tokens holding a letter or digit (a lone dash is no word)."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def fit(text: str, max_chars: int) -> str:
    """Shorten to at most ``max_chars`` at a word boundary, dropping dangling punctuation.

    A single word longer than the limit is cut hard: the limit is a platform's and it wins.
    """
    text = normalize_space(text)
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars + 1]
    space = cut.rfind(" ")
    shortened = cut[:space] if space > 0 else text[:max_chars]
    return shortened.rstrip(_TRAILING)


def strip_emoji(text: str) -> str:
    """Remove emoji and pictographs (Unicode category So, private use, modifiers, joiners)."""
    kept = [ch for ch in text
            if unicodedata.category(ch) not in ("So", "Cs", "Co") and ord(ch) not in _EMOJI_EXTRA]
    return normalize_space("".join(kept))


def strip_chars(text: str, chars: Iterable[str]) -> str:
    drop = set(chars)
    return normalize_space("".join(ch for ch in text if ch not in drop))


def has_digits(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any term as whole words ("cure" does not match "secure")."""
    cleaned = sorted({normalize_space(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def is_near_duplicate(a: str, b: str, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> bool:
    """Same words in a different order or case, or one line inside the other, count as duplicates."""
    score = fuzz.token_set_ratio(a, b, processor=utils.default_process, score_cutoff=threshold)
    return bool(score)


def near_duplicate_of(text: str, others: Iterable[str],
                      threshold: float = NEAR_DUPLICATE_THRESHOLD) -> str | None:
    """The first of ``others`` that ``text`` nearly duplicates, or None."""
    for other in others:
        if is_near_duplicate(text, other, threshold):
            return other
    return None


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, unless it is an acronym ("NHS staff") or "I"."""
    if (len(text) > 1 and text[1].isupper()) or text == "I" or text[:2] in ("I ", "I'", "I’"):
        return text
    return text[:1].lower() + text[1:]


def sentence_case(text: str) -> str:
    """Capitalise the first letter of every sentence, looking past an opening quote."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2) + m.group(3).upper(), text)


def ensure_period(text: str) -> str:
    text = text.strip()
    if not text or text[-1] in ".?!\"”":
        return text
    return text + "."
