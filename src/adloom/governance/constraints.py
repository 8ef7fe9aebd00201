"""What the writer is told before it writes: prevention before correction."""

from __future__ import annotations

from adloom.governance.packs import PackSet
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


def blocked_terms(packs: PackSet, campaign: Campaign) -> list[str]:
    """Literal terms of the rule packs' blocking rules that apply to the campaign's platforms, so the writer
    avoids them up front instead of having its draft rejected for them."""
    out: list[str] = []
    for _, rule in packs.rules:
        applies = not rule.scope.platforms or set(rule.scope.platforms) & set(campaign.platforms)
        if rule.severity == "block" and applies:
            out.extend(rule.terms)
    return out


def constraints_for(brand: BrandObject, campaign: Campaign, *, hooks_per_concept: int = 5,
                    previous: list[Finding] | None = None, packs: PackSet | None = None) -> Constraints:
    """The brand's hard limits for one campaign (with the rule packs' blocked terms when given), plus the
    reasons the last attempt failed (if any)."""
    pack_terms = blocked_terms(packs, campaign) if packs is not None else []
    return Constraints(
        forbidden_terms=_unique([*brand.avoid, *brand.competitors, *pack_terms]),
        approved_claims=brand.approved_claims(),
        required_disclosures=list(brand.required_disclosures),
        max_hook_words=MAX_HOOK_WORDS,
        hooks_per_concept=hooks_per_concept,
        platforms=list(campaign.platforms),
        previous_findings=list(previous or []),
    )
