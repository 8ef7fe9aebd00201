"""The one definition of what a rule matches, shared by every engine.

A rule matches where its Python regex (``python_pattern``) matches: the alternation of its literal terms
(inner whitespace matching any whitespace run, longest term first) and its regexes, wrapped in word-boundary
lookarounds when asked, case-insensitive unless asked otherwise. Matches are ``re.finditer``'s: leftmost,
non-overlapping, per rule. Compiled engines may find candidates any way they like, but must report exactly
these spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from adloom.types import content_hash

__all__ = ["Match", "RuleSpec", "ascii_lower_pattern", "fingerprint", "literal_regex", "python_pattern"]

FORMAT = "2"    # bump when the meaning of a spec changes: it invalidates every cached database
# 2: terms in normal form (adloom.textnorm), plus the number-word rule


@dataclass(frozen=True)
class RuleSpec:
    key: int                        # position in the matcher; hits name it
    terms: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    word_boundary: bool = True
    case_sensitive: bool = False


class Match(NamedTuple):
    """A tuple, not a dataclass: created for every match on the hot path, and sorts by (start, end, key)."""

    start: int
    end: int
    key: int


def literal_regex(term: str) -> str:
    return r"\s+".join(re.escape(word) for word in term.split())


def _source(spec: RuleSpec, terms: tuple[str, ...]) -> str:
    # longest literal first, so "number one" wins over "number" inside the same rule; ties by lowercase
    # form, the order ``ascii_lower_pattern`` uses, so both pick the same branch
    literals = sorted({literal_regex(t) for t in terms}, key=lambda p: (-len(p), p.lower(), p))
    body = "|".join([*literals, *(f"(?:{r})" for r in spec.regexes)])
    if spec.word_boundary:
        # lookarounds, not \b: terms may start or end with a non-word character ("#1", "100%")
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return body


def python_pattern(spec: RuleSpec) -> re.Pattern[str]:
    return re.compile(_source(spec, spec.terms), 0 if spec.case_sensitive else re.IGNORECASE)


def ascii_lower_pattern(spec: RuleSpec) -> re.Pattern[str] | None:
    """The same rule for ASCII text that has been lowercased, without ``re.IGNORECASE``; None if not exact.

    On ASCII text, ignoring case is comparing lowercase forms, and lowercasing keeps every offset, so spans
    are identical. Each branch starts with its literal first character and checks the left boundary just
    after it (``c(?<!\\w.)`` is ``(?<!\\w)c``), which lets ``re`` skip to candidate positions by first
    character: several times faster. Only for case-insensitive rules of ASCII literal terms.
    """
    if spec.case_sensitive or spec.regexes or not all(t.isascii() for t in spec.terms):
        return None
    if not spec.word_boundary:
        return re.compile(_source(spec, tuple(t.lower() for t in spec.terms)))
    branches = []
    for term in sorted({t.lower() for t in spec.terms}, key=lambda t: (-len(literal_regex(t)), literal_regex(t))):
        first = re.escape(term[0])
        branches.append(first + r"(?<!\w.)" + literal_regex(term)[len(first):] + r"(?!\w)")
    return re.compile("|".join(branches))


def fingerprint(specs: list[RuleSpec]) -> str:
    """Content hash of a list of specs: the cache key of a compiled database."""
    return content_hash([FORMAT, [[s.key, list(s.terms), list(s.regexes), s.word_boundary, s.case_sensitive]
                                  for s in specs]], length=32)
