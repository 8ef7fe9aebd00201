"""Check (v1): numbers, superlatives and health-effect words in audience-facing copy need an approved claim.

Lexical substantiation only: a number is backed when the same value appears in an approved claim (or in
the brand's own offer and product facts: prices, offer terms and dates are the owner's data, not effect
claims); a superlative or health word is backed when a word of its family appears in an approved claim.
Whether the claim is used in the right sense is left to the later semantic layer and to review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from adloom.governance.fields import text_fields
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

    def backed(self, claims: list[Claim]) -> set[int]:
        return {self.family(h) for c in claims for h in self.matcher.find(c.statement)}


_SUPERLATIVES = _Family(SUPERLATIVE_FAMILIES)
_HEALTH = _Family(HEALTH_FAMILIES)


def _closest(text: str, approved: list[Claim]) -> str:
    if not approved:
        return "Remove it: the brand has no approved claim to back it."
    statements = [c.statement for c in approved]
    _match, _score, index = process.extractOne(text, statements, scorer=fuzz.token_set_ratio)
    best = approved[index]
    return f"Remove it, or use the approved claim {best.id}: '{best.statement}'."


def _fact_numbers(brand: BrandObject, approved: list[Claim]) -> set[float]:
    texts = [c.statement for c in approved] + [brand.name]
    texts += [f"{o.name} {o.terms} {o.ends or ''}" for o in brand.offers]
    texts += [f"{p.name} {p.price or ''}" for p in brand.products]
    return {value for t in texts for _s, _e, value in numbers(t)}


def check(concept: Concept, brand: BrandObject, campaign: Campaign) -> list[Finding]:
    if concept.draft is None:
        return []
    approved = brand.approved_claims()
    known_numbers = _fact_numbers(brand, approved)
    backed_superlatives = _SUPERLATIVES.backed(approved)
    backed_health = _HEALTH.backed(approved)
    out: list[Finding] = []
    for field in text_fields(concept.draft):
        if not field.audience:
            continue
        text = field.text
        superlatives = _SUPERLATIVES.matcher.find(text)
        for start, end, value in numbers(text):
            # "#1" / "No. 1" is reported once, as a superlative
            if value not in known_numbers and not any(h.start <= start < h.end for h in superlatives):
                out.append(finding(
                    "claims.number_unbacked", f"'{text[start:end]}' is not in any approved claim",
                    field=field.path, span=(start, end), excerpt=text[start:end],
                    fix_hint=_closest(text, approved)))
        for hit in superlatives:
            if _SUPERLATIVES.family(hit) not in backed_superlatives:
                out.append(finding(
                    "claims.superlative_unbacked",
                    f"superlative '{hit.text}' is not backed by an approved claim",
                    field=field.path, span=(hit.start, hit.end), excerpt=hit.text,
                    fix_hint=_closest(text, approved)))
        idioms = [m.span() for m in _IDIOMS.finditer(text)]
        for hit in _HEALTH.matcher.find(text):
            if any(s <= hit.start < e for s, e in idioms) or _HEALTH.family(hit) in backed_health:
                continue
            out.append(finding(
                "claims.health_unbacked", f"health word '{hit.text}' is not backed by an approved claim",
                field=field.path, span=(hit.start, hit.end), excerpt=hit.text,
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
