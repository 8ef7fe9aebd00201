"""Term matching with character spans: the lexical seam.

v1 compiles a term list into one Python regex alternation. The rule-pack issue swaps this for a compiled
multi-pattern matcher (Hyperscan) behind the same ``TermMatcher.find`` call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Hit", "TermMatcher", "term_regex"]


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: str          # the listed term that matched (as listed, not as written in the text)
    text: str          # the text as written


def term_regex(term: str) -> str:
    """Case-insensitive whole-word pattern for a term; inner whitespace matches any whitespace run.

    Lookarounds instead of ``\\b`` so terms that start or end with a non-word character ("#1") still
    match on their own and not inside longer words.
    """
    words = [re.escape(w) for w in term.split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


class TermMatcher:
    def __init__(self, terms: Iterable[str]) -> None:
        unique: dict[str, str] = {}
        for term in terms:
            key = " ".join(term.split()).casefold()
            if key:
                unique.setdefault(key, term.strip())
        self._terms = list(unique.values())
        # longest first, so "number one" wins over "one" when both are listed
        ordered = sorted(range(len(self._terms)), key=lambda i: (-len(self._terms[i]), i))
        self._regex = (re.compile("|".join(f"(?P<t{i}>{term_regex(self._terms[i])})" for i in ordered),
                                  re.IGNORECASE) if self._terms else None)
        # A cheap prefilter: every match contains its term's first word, so an ASCII text holding none of
        # them as a substring cannot match. (Non-ASCII text skips it: Unicode case folding is not .lower().)
        needles = sorted({t.split()[0].lower() for t in self._terms}, key=lambda n: (-len(n), n))
        self._prefilter = re.compile("|".join(re.escape(n) for n in needles)) if needles else None

    @property
    def terms(self) -> list[str]:
        return list(self._terms)

    def find(self, text: str) -> list[Hit]:
        if self._regex is None or not text:
            return []
        if self._prefilter is not None and text.isascii() and not self._prefilter.search(text.lower()):
            return []
        hits = []
        for m in self._regex.finditer(text):
            group = m.lastgroup or ""
            hits.append(Hit(m.start(), m.end(), self._terms[int(group[1:])], m.group()))
        return hits
