"""Case folding that agrees with ``re.IGNORECASE``, for pre-filtering literals with a case-sensitive engine.

``re`` treats two characters as equal ignoring case when their simple lowercase forms are equal or listed
as extra equivalents (``ſ``/``s``, ``K``/``k``, ``ς``/``σ``, ...). ``fold`` maps every character to one
representative of that class and collapses whitespace runs (``\\s+`` between a term's words) to one space,
so a term found by ``re`` in a text is always a substring of ``fold(text)`` when folded the same way.
Offsets change; the pre-filter only needs to know *which* rules may match.
"""

from __future__ import annotations

__all__ = ["fold"]

try:
    from re._casefix import _EXTRA_CASES as _EXTRA  # CPython 3.11+: the table sre itself uses
except ImportError:                                      # pragma: no cover - other interpreters
    _EXTRA = {}

# str.lower() is the *full* lowercase; sre uses the simple one. They differ only for U+0130 (İ -> "i̇").
_BEFORE_LOWER = {0x130: "i"}
_CANONICAL = {low: chr(min(low, *others)) for low, others in _EXTRA.items() if min(low, *others) != low}


def fold(text: str) -> str:
    # str.split() splits on exactly the characters ``re``'s \s matches in a str pattern (str.isspace);
    # dropping leading and trailing whitespace loses no term, since terms never start or end with it
    if text.isascii():
        low = text.lower()
        # printable ASCII holds no whitespace but the space: the common case skips the split
        return low if low.isprintable() and "  " not in low else " ".join(low.split())
    return " ".join(text.translate(_BEFORE_LOWER).lower().translate(_CANONICAL).split())
