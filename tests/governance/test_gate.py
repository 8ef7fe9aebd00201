from __future__ import annotations

import pytest

from adloom.governance.constraints import constraints_for
from adloom.governance.gate import CORE_CHECKS, Check, route
from adloom.pipeline.govern import verdict
from adloom.types import Campaign, Finding, Severity

from .edit import delete, set_
from .factories import brand, campaign, concept


def _f(severity: Severity) -> Finding:
    return Finding(rule_id=f"test.{severity}", severity=severity, message=severity)


ROUTES = [
    ([], 1, 3, "approve"),
    (["warn"], 1, 3, "approve"),
    (["review"], 1, 3, "review"),
    (["review", "warn"], 3, 3, "review"),
    (["block"], 1, 3, "regenerate"),
    (["block", "review"], 2, 3, "regenerate"),
    (["block"], 3, 3, "reject"),
    (["warn", "block"], 3, 3, "reject"),
    (["block"], 1, 1, "reject"),
    (["block"], 4, 3, "reject"),
]


@pytest.mark.parametrize(("severities", "attempt", "max_attempts", "expected"), ROUTES)
def test_route(severities: list[Severity], attempt: int, max_attempts: int, expected: str) -> None:
    assert route([_f(s) for s in severities], attempt=attempt, max_attempts=max_attempts) == expected


@pytest.mark.parametrize(("attempt", "max_attempts"), [(0, 3), (1, 0)])
def test_route_refuses_attempts_below_one(attempt: int, max_attempts: int) -> None:
    with pytest.raises(ValueError):
        route([], attempt=attempt, max_attempts=max_attempts)


def test_verdict_approves_a_clean_concept_and_names_its_checks() -> None:
    v = verdict(concept(), brand(), campaign())
    assert (v.concept_id, v.attempt, v.route, v.findings) == ("k1", 1, "approve", [])
    assert v.checks == {"structure": "1", "limits": "1", "avoid": "1", "claims": "1"}
    assert v.scores == {"findings.block": 0, "findings.review": 0, "findings.warn": 0, "findings.total": 0}


def test_verdict_regenerates_then_rejects_a_blocked_concept() -> None:
    c = concept()
    set_("draft.hooks.0.text", "The miracle pillow")(c)
    first = verdict(c, brand(), campaign(), max_attempts=2)
    assert first.route == "regenerate" and first.scores["findings.block"] == 1
    assert [f.rule_id for f in first.findings] == ["brand.avoid"]
    last = verdict(c.model_copy(update={"attempt": 2}), brand(), campaign(), max_attempts=2)
    assert (last.attempt, last.route) == (2, "reject")


def test_verdict_approves_with_warnings_only() -> None:
    c = concept()
    delete("draft.hooks.4")(c)
    v = verdict(c, brand(), campaign())
    assert v.route == "approve" and v.scores["findings.warn"] == 1 and v.scores["findings.total"] == 1


def test_verdict_routes_review_findings_from_a_plugged_in_check() -> None:
    reviewer = Check("second-opinion", "0.1", lambda c, b, k: [_f("review")])
    v = verdict(concept(), brand(), campaign(), checks=(*CORE_CHECKS, reviewer))
    assert v.route == "review" and v.checks["second-opinion"] == "0.1"


def test_constraints_for() -> None:
    b = brand()
    b.avoid.append("MIRACLE")  # a case variant of a listed term is not repeated
    b.required_disclosures = ["Results vary."]
    previous = [_f("block")]
    k = constraints_for(b, Campaign(platforms=["tiktok"]), hooks_per_concept=3, previous=previous)
    assert k.forbidden_terms == ["miracle", "cheap", "sleep hack", "SleepCo", "Dreamly"]
    assert [c.id for c in k.approved_claims] == ["c1", "c2", "c3"]
    assert k.required_disclosures == ["Results vary."]
    assert (k.platforms, k.hooks_per_concept, k.max_hook_words) == (["tiktok"], 3, 8)
    assert k.previous_findings == previous


def test_constraints_for_a_first_attempt_has_no_previous_findings() -> None:
    k = constraints_for(brand(), campaign())
    assert (
        k.previous_findings == [] and k.platforms == ["meta", "google", "tiktok"] and k.hooks_per_concept == 5
    )
