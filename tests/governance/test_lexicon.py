"""TermMatcher: its lowercase ASCII fast path finds exactly what the case-insensitive reference regex finds."""

from __future__ import annotations

import random

from adloom.governance.claims import HEALTH_FAMILIES, SUPERLATIVE_FAMILIES
from adloom.governance.fields import join_texts
from adloom.governance.lexicon import Hit, TermMatcher

TERMS = [w for fam in (*SUPERLATIVE_FAMILIES, *HEALTH_FAMILIES) for w in fam] + [
    "Made in USA", "miracle", "ſale", "world’s first", "100%", "no-brainer", "o'clock"]
WORDS = ["best", "BEST", "Best-selling", "number", "one", "no.", "1", "#1", "#12", "a#1", "cure", "cures",
         "treat", "yourself", "heal", "made", "in", "usa", "U.S.A.", "sale", "SALE", "the", "world's", "first",
         "100%", "100", "no-brainer", "o'clock", "leading", "market-leading", "top", "rated", "x", "_best",
         "bestseller", "fastest!", "(best)", "\"best\""]


def _reference(matcher: TermMatcher, text: str) -> list[Hit]:
    out = []
    for m in matcher._regex.finditer(text):  # type: ignore[union-attr]  # the case-insensitive reference
        out.append(Hit(m.start(), m.end(), matcher._terms[int((m.lastgroup or "t0")[1:])], m.group()))
    return out


def test_ascii_fast_path_equals_the_reference_regex() -> None:
    matcher = TermMatcher(TERMS)
    rng = random.Random(5)
    seps = [" ", " ", "  ", "\n", "\t", ", ", "-", ""]
    texts = ["".join(rng.choice(WORDS) + rng.choice(seps) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    assert all(t.isascii() for t in texts)
    found = 0
    for text in texts:
        want = _reference(matcher, text)
        assert matcher.find(text) == want, text
        found += len(want)
    assert found > 5000


def test_a_joined_text_finds_what_each_text_finds() -> None:
    # claims and categories scan a concept's fields joined by NUL: no term may match across the join
    matcher = TermMatcher(TERMS)
    texts = ["the best", "number", "one cure", "made in", "USA", "world’s first ſale", "no.", "1"]
    joined = join_texts(texts)
    assert joined is not None
    per_text = [(i, h.start, h.end, h.term) for i, t in enumerate(texts) for h in matcher.find(t)]
    together = [(*joined.locate(h.start, h.end), h.term) for h in matcher.find(joined.text)]
    assert together == per_text
    assert join_texts(["a\x00b"]) is None
