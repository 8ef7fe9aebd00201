"""Prevention first: the rule packs' blocking terms reach the writer before it writes."""

from __future__ import annotations

from adloom.governance.constraints import blocked_terms, constraints_for
from adloom.governance.packs import load_packs
from adloom.types import BrandObject, Campaign


def test_blocking_pack_terms_join_the_forbidden_terms() -> None:
    packs = load_packs(None, None)
    brand = BrandObject(name="B", slug="b", avoid=["cheap"])
    forbidden = constraints_for(brand, Campaign(platforms=["meta"]), packs=packs).forbidden_terms
    assert "cheap" in forbidden and "miracle cure" in forbidden
    assert "miracle cure" not in constraints_for(brand, Campaign(platforms=["meta"])).forbidden_terms


def test_only_blocking_rules_for_the_campaigns_platforms() -> None:
    packs = load_packs(None, None)
    rules = {rule.id: rule for _, rule in packs.rules}
    scoped = [r for r in rules.values() if r.severity == "block" and r.terms and r.scope.platforms]
    reviewed = [r for r in rules.values() if r.severity != "block" and r.terms]
    assert scoped and reviewed
    for rule in reviewed:   # a review-level term stays writable: context decides, not the word
        assert not set(rule.terms) & set(blocked_terms(packs, Campaign()))
    rule = scoped[0]
    elsewhere = [p for p in ("meta", "google", "tiktok") if p not in rule.scope.platforms]
    if elsewhere:
        terms = blocked_terms(packs, Campaign(platforms=[elsewhere[0]]))  # type: ignore[list-item]
        assert not set(rule.terms) <= set(terms) or any(
            r.severity == "block" and set(r.terms) & set(rule.terms) for r in rules.values() if r is not rule
            and not r.scope.platforms)
