"""Term matching with character spans: the lexical seam.

v1 compiles a term list into one Python regex alternation. The rule-pack issue swaps this for a compiled
multi-pattern matcher (Hyperscan) behind the same ``TermMatcher.find`` call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from adloom.governance.matcher.fold import fold

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
        # longest first, so "number one" wins over "number" when both are listed
        ordered = sorted(range(len(self._terms)), key=lambda i: (-len(self._terms[i]), i))
        self._regex = (re.compile("|".join(f"(?P<t{i}>{term_regex(self._terms[i])})" for i in ordered),
                                  re.IGNORECASE) if self._terms else None)
        self._ascii, self._ascii_term = _ascii_lower(self._terms, ordered)

    @property
    def terms(self) -> list[str]:
        return list(self._terms)

    def find(self, text: str) -> list[Hit]:
        if self._regex is None or not text:
            return []
        if text.isascii():
            if self._ascii is None:
                return []
            # lowercase keeps ASCII offsets: same spans as the case-insensitive regex, several times faster
            return [Hit(m.start(), m.end(), self._ascii_term[" ".join(m.group().split())], text[m.start():m.end()])
                    for m in self._ascii.finditer(text.lower())]
        hits = []
        for m in self._regex.finditer(text):
            group = m.lastgroup or ""
            hits.append(Hit(m.start(), m.end(), self._terms[int(group[1:])], m.group()))
        return hits


def _ascii_lower(terms: list[str], ordered: list[int]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The terms as one pattern for lowercased ASCII text, and matched text (spaces collapsed) -> term.

    A term that folds to non-ASCII ("world’s first") can never match ASCII text and is left out; one that
    folds to ASCII ("ſale", which ``re.IGNORECASE`` matches to "sale") is kept in its folded form. Each
    branch starts with its literal first character and checks the left boundary just after it
    (``c(?<!\\w.)`` is ``(?<!\\w)c``), so ``re`` can skip ahead to positions holding a first character;
    there are no groups (they would hide those characters from ``re``'s prefix scan).
    """
    branches: list[str] = []
    of: dict[str, str] = {}
    for i in ordered:
        folded = " ".join(fold(terms[i]).split())
        if not folded.isascii() or folded in of:
            continue
        of[folded] = terms[i]
        pattern = term_regex(folded)          # (?<!\w) words (?!\w)
        first = re.escape(folded[0])
        branches.append(first + r"(?<!\w.)" + pattern[len(r"(?<!\w)") + len(first):])
    return (re.compile("|".join(branches)) if branches else None), of
