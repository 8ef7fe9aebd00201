"""Check: no word from the brand's avoid list and no competitor name appears in any text field."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from adloom.governance.fields import TextField, text_fields
from adloom.governance.lexicon import TermMatcher
from adloom.governance.rules import finding
from adloom.types import BrandObject, Campaign, Concept, Finding

__all__ = ["check"]

VERSION = "1"


@lru_cache(maxsize=64)
def _matcher(terms: tuple[str, ...]) -> TermMatcher:
    """Compiled once per term list, not once per concept."""
    return TermMatcher(terms)


def check(concept: Concept, brand: BrandObject, campaign: Campaign,
          fields: Sequence[TextField] | None = None) -> list[Finding]:
    if concept.draft is None:
        return []
    avoid, competitors = _matcher(tuple(brand.avoid)), _matcher(tuple(brand.competitors))
    out: list[Finding] = []
    for field in text_fields(concept.draft) if fields is None else fields:
        for hit in avoid.find(field.text):
            out.append(finding(
                "brand.avoid", f"'{hit.text}' is on the brand's avoid list", field=field.path,
                span=(hit.start, hit.end), excerpt=hit.text,
                fix_hint=f"Remove or rephrase '{hit.text}'; {brand.name} never uses '{hit.term}'."))
        for hit in competitors.find(field.text):
            out.append(finding(
                "brand.competitor", f"names the competitor '{hit.term}'", field=field.path,
                span=(hit.start, hit.end), excerpt=hit.text,
                fix_hint="Do not name competitors; contrast with 'the usual option' instead."))
    return out
