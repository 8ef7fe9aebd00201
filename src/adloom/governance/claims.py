"""Check (v1): numbers, superlatives and health-effect words in audience-facing copy need an approved claim.

Lexical substantiation only: a number is backed when the same value appears in an approved claim (or in
the brand's own offer and product facts: prices, offer terms and dates are the owner's data, not effect
claims); a superlative or health word is backed when a word of its family appears in an approved claim.
Whether the claim is used in the right sense is left to the later semantic layer and to review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from adloom.governance.fields import TextField, join_texts, text_fields
from adloom.governance.lexicon import Hit, TermMatcher
from adloom.governance.rules import finding
from adloom.types import BrandObject, Campaign, Claim, Concept, Finding

__all__ = ["HEALTH_FAMILIES", "SUPERLATIVE_FAMILIES", "check", "numbers"]

VERSION = "1"

# Words in one family back each other: an approved "#1 rated" backs "number one".
SUPERLATIVE_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("best", "best-selling", "bestselling", "best selling"),
    ("#1", "no. 1", "no 1", "number one", "number 1"),
    ("leading", "market-leading", "industry-leading"),
    ("fastest",), ("cheapest",), ("biggest",), ("largest",), ("strongest",),
    ("world's first", "world’s first", "first ever", "first-ever"),
    ("most effective",), ("most popular",), ("most trusted",),
    ("top-rated", "top rated"), ("unbeatable",), ("unmatched",), ("unrivalled", "unrivaled"),
)
HEALTH_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("cure", "cures", "cured", "curing"),
    ("heal", "heals", "healed", "healing"),
    ("treat", "treats", "treated", "treating", "treatment", "treatments"),
    ("prevent", "prevents", "prevented", "preventing", "prevention"),
    ("remedy", "remedies"),
)
# "treat yourself" and "treating X as Y" (regarding) are idioms, not treatment claims
_IDIOMS = re.compile(r"treats?\s+(?:yourself|your\s*self|ourselves)\b"
                     r"|treat(?:s|ed|ing)?\s+(?:(?!as\b)[\w'-]+\s+){1,5}as\b(?!\s+well)", re.IGNORECASE)
# a number with optional thousands separators / decimals, not glued to a word ("h2", "mp4")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?(?:\s?%)?")


def numbers(text: str) -> list[tuple[int, int, float]]:
    """(start, end, value) of every number in the text; "1,000" and "1000" have the same value."""
    out = []
    for m in _NUMBER.finditer(text):
        digits = m.group().rstrip("% ").replace(",", "")
        out.append((m.start(), m.end(), float(digits)))
    return out


class _Family:
    """Matches every word of the families and says which family a hit belongs to."""

    def __init__(self, families: Iterable[tuple[str, ...]]) -> None:
        self.families = list(families)
        self.of = {w.casefold(): i for i, fam in enumerate(self.families) for w in fam}
        self.matcher = TermMatcher(w for fam in self.families for w in fam)

    def family(self, hit: Hit) -> int:
        return self.of[hit.term.casefold()]

    def backed(self, claims: list[Claim]) -> frozenset[int]:
        return self._backed(tuple(c.statement for c in claims))

    @lru_cache(maxsize=256)      # noqa: B019 - two module-level instances, never freed anyway
    def _backed(self, statements: tuple[str, ...]) -> frozenset[int]:
        """Per set of approved statements, not per concept: they change only when a claim is approved."""
        return frozenset(self.family(h) for s in statements for h in self.matcher.find(s))


_SUPERLATIVES = _Family(SUPERLATIVE_FAMILIES)
_HEALTH = _Family(HEALTH_FAMILIES)


def _closest(text: str, approved: list[Claim]) -> str:
    if not approved:
        return "Remove it: the brand has no approved claim to back it."
    statements = [c.statement for c in approved]
    _match, _score, index = process.extractOne(text, statements, scorer=fuzz.token_set_ratio)
    best = approved[index]
    return f"Remove it, or use the approved claim {best.id}: '{best.statement}'."


def _fact_numbers(brand: BrandObject, approved: list[Claim]) -> frozenset[float]:
    texts = [c.statement for c in approved] + [brand.name]
    texts += [f"{o.name} {o.terms} {o.ends or ''}" for o in brand.offers]
    texts += [f"{p.name} {p.price or ''}" for p in brand.products]
    return _numbers_in(tuple(texts))


@lru_cache(maxsize=256)
def _numbers_in(texts: tuple[str, ...]) -> frozenset[float]:
    return frozenset(value for t in texts for _s, _e, value in numbers(t))


@dataclass
class _FieldHits:
    superlatives: list[Hit] = field(default_factory=list)
    numbers: list[tuple[int, int, float]] = field(default_factory=list)
    health: list[Hit] = field(default_factory=list)
    idioms: list[tuple[int, int]] = field(default_factory=list)


def _field_hits(fields: list[TextField]) -> list[_FieldHits]:
    """What each field holds, found in one regex pass per pattern over all fields joined (the hot path)."""
    joined = join_texts([f.text for f in fields])
    if joined is None:   # a field holds the separator: field by field
        return [_FieldHits(_SUPERLATIVES.matcher.find(f.text), numbers(f.text), _HEALTH.matcher.find(f.text),
                           [m.span() for m in _IDIOMS.finditer(f.text)]) for f in fields]
    out = [_FieldHits() for _ in fields]
    for hit in _SUPERLATIVES.matcher.find(joined.text):
        i, start, end = joined.locate(hit.start, hit.end)
        out[i].superlatives.append(Hit(start, end, hit.term, hit.text))
    for hit in _HEALTH.matcher.find(joined.text):
        i, start, end = joined.locate(hit.start, hit.end)
        out[i].health.append(Hit(start, end, hit.term, hit.text))
    for start, end, value in numbers(joined.text):
        i, start, end = joined.locate(start, end)
        out[i].numbers.append((start, end, value))
    for m in _IDIOMS.finditer(joined.text):
        i, start, end = joined.locate(*m.span())
        out[i].idioms.append((start, end))
    return out


def check(concept: Concept, brand: BrandObject, campaign: Campaign,
          fields: Sequence[TextField] | None = None) -> list[Finding]:
    """``fields``: the draft's ``text_fields`` when the caller has them already."""
    if concept.draft is None:
        return []
    approved = brand.approved_claims()
    known_numbers = _fact_numbers(brand, approved)
    backed_superlatives = _SUPERLATIVES.backed(approved)
    backed_health = _HEALTH.backed(approved)
    audience = [f for f in (text_fields(concept.draft) if fields is None else fields) if f.audience and f.text]
    out: list[Finding] = []
    for text_field, hits in zip(audience, _field_hits(audience), strict=True):
        text, superlatives = text_field.text, hits.superlatives
        for start, end, value in hits.numbers:
            # "#1" / "No. 1" is reported once, as a superlative
            if value not in known_numbers and not any(h.start <= start < h.end for h in superlatives):
                out.append(finding(
                    "claims.number_unbacked", f"'{text[start:end]}' is not in any approved claim",
                    field=text_field.path, span=(start, end), excerpt=text[start:end],
                    fix_hint=_closest(text, approved)))
        for hit in superlatives:
            if _SUPERLATIVES.family(hit) not in backed_superlatives:
                out.append(finding(
                    "claims.superlative_unbacked",
                    f"superlative '{hit.text}' is not backed by an approved claim",
                    field=text_field.path, span=(hit.start, hit.end), excerpt=hit.text,
                    fix_hint=_closest(text, approved)))
        for hit in hits.health:
            if any(s <= hit.start < e for s, e in hits.idioms) or _HEALTH.family(hit) in backed_health:
                continue
            out.append(finding(
                "claims.health_unbacked", f"health word '{hit.text}' is not backed by an approved claim",
                field=text_field.path, span=(hit.start, hit.end), excerpt=hit.text,
                fix_hint=_closest(text, approved)))
    approved_ids = {c.id for c in approved}
    all_ids = {c.id for c in brand.claims}
    for i, claim_id in enumerate(concept.draft.claims_used):
        if claim_id in approved_ids:
            continue
        state = "is not approved" if claim_id in all_ids else "does not exist"
        out.append(finding("claims.reference_unapproved", f"claim '{claim_id}' {state}",
                           field=f"claims_used[{i}]", span=(0, len(claim_id)), excerpt=claim_id,
                           fix_hint="Rely only on approved claims: "
                                    f"{', '.join(sorted(approved_ids)) or 'none yet'}."))
    return out
