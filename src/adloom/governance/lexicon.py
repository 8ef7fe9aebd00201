"""Term matching with character spans: the lexical seam.

v1 compiles a term list into one Python regex alternation. The rule-pack issue swaps this for a compiled
multi-pattern matcher (Hyperscan) behind the same ``TermMatcher.find`` call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from adloom.textfold import fold

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
        self._ascii_term, self._branches = _ascii_branches(self._terms, ordered)
        self._needles = sorted({needle for needle, _b in self._branches})
        self._subsets: dict[frozenset[str], re.Pattern[str]] = {}

    @property
    def terms(self) -> list[str]:
        return list(self._terms)

    def find(self, text: str) -> list[Hit]:
        if self._regex is None or not text:
            return []
        if text.isascii():
            # lowercase keeps ASCII offsets: same spans as the case-insensitive regex, several times faster
            low = text.lower()
            pattern = self._ascii_pattern(frozenset(n for n in self._needles if n in low))
            if pattern is None:
                return []
            return [Hit(m.start(), m.end(), self._ascii_term[" ".join(m.group().split())], text[m.start():m.end()])
                    for m in pattern.finditer(low)]
        hits = []
        for m in self._regex.finditer(text):
            group = m.lastgroup or ""
            hits.append(Hit(m.start(), m.end(), self._terms[int(group[1:])], m.group()))
        return hits

    def _ascii_pattern(self, present: frozenset[str]) -> re.Pattern[str] | None:
        """The alternation of only the terms whose first word occurs in the text, in the full order.

        A term whose first word is absent cannot match, so dropping it changes no match; what is left is
        usually a few terms, which ``re`` runs far faster than all of them over a whole concept's copy.
        """
        if not present:
            return None
        if present not in self._subsets:
            branches = [b for needle, b in self._branches if needle in present]
            if len(self._subsets) >= 1024:
                self._subsets.clear()
            self._subsets[present] = re.compile("|".join(branches))
        return self._subsets[present]


def _ascii_branches(terms: list[str], ordered: list[int]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Matched text (spaces collapsed) -> term, and (first word, regex branch) per term for lowercased ASCII
    text, longest term first.

    A term that folds to non-ASCII ("world’s first") can never match ASCII text and is left out; one that
    folds to ASCII ("ſale", which ``re.IGNORECASE`` matches to "sale") is kept in its folded form. Each
    branch starts with its literal first character and checks the left boundary just after it
    (``c(?<!\\w.)`` is ``(?<!\\w)c``), so ``re`` can skip ahead to positions holding a first character;
    there are no groups (they would hide those characters from ``re``'s prefix scan).
    """
    branches: list[tuple[str, str]] = []
    of: dict[str, str] = {}
    for i in ordered:
        folded = " ".join(fold(terms[i]).split())
        if not folded.isascii() or folded in of:
            continue
        of[folded] = terms[i]
        pattern = term_regex(folded)          # (?<!\w) words (?!\w)
        first = re.escape(folded[0])
        branches.append((folded.split()[0], first + r"(?<!\w.)" + pattern[len(r"(?<!\w)") + len(first):]))
    return of, branches
