"""What the writer is told before it writes: prevention before correction."""

from __future__ import annotations

from adloom.governance.structure import MAX_HOOK_WORDS
from adloom.types import BrandObject, Campaign, Constraints, Finding

__all__ = ["constraints_for"]


def _unique(terms: list[str]) -> list[str]:
    """First spelling of each term, compared case- and whitespace-insensitively; blanks dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for term in terms:
        key = " ".join(term.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(term.strip())
    return out


def constraints_for(brand: BrandObject, campaign: Campaign, *, hooks_per_concept: int = 5,
                    previous: list[Finding] | None = None) -> Constraints:
    """The brand's hard limits for one campaign, plus the reasons the last attempt failed (if any)."""
    return Constraints(
        forbidden_terms=_unique([*brand.avoid, *brand.competitors]),
        approved_claims=brand.approved_claims(),
        required_disclosures=list(brand.required_disclosures),
        max_hook_words=MAX_HOOK_WORDS,
        hooks_per_concept=hooks_per_concept,
        platforms=list(campaign.platforms),
        previous_findings=list(previous or []),
    )
