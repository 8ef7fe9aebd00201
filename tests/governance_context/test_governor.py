from __future__ import annotations

import pytest

from adloom.governance.governor import Governor
from adloom.governance.metrics import governance_metrics
from adloom.governance.risk import Routing, risk_score, route
from adloom.pipeline import govern
from adloom.types import Campaign, Finding, Severity, Verdict

from .corpus import example_brand, example_concepts


def _f(severity: Severity, rule: str = "x.y") -> Finding:
    return Finding(rule_id=rule, severity=severity, message=severity)


@pytest.mark.parametrize(("severities", "risk", "denied", "attempt", "expected"), [
    ([], 0.0, False, 1, "approve"),
    (["warn"], 0.02, False, 1, "approve"),
    (["review"], 0.2, False, 1, "review"),
    ([], 0.4, False, 1, "review"),              # mid risk with no single reason goes to a person
    (["block"], 0.5, False, 1, "regenerate"),
    (["block"], 0.5, False, 3, "reject"),
    ([], 1.0, True, 1, "reject"),               # targeting: rewriting cannot help, reject at once
    ([], 0.97, False, 1, "reject"),
])
def test_route(severities: list[Severity], risk: float, denied: bool, attempt: int, expected: str) -> None:
    got = route([_f(s) for s in severities], risk=risk, policy_denied=denied, attempt=attempt, max_attempts=3)
    assert got == expected


def test_thresholds_are_per_campaign() -> None:
    strict = Routing(review_risk=0.1)
    assert route([_f("warn")], risk=0.15, policy_denied=False, attempt=1, max_attempts=3) == "approve"
    assert route([_f("warn")], risk=0.15, policy_denied=False, attempt=1, max_attempts=3, routing=strict) == "review"


def test_risk_grows_with_findings_and_fit_shortfall() -> None:
    assert risk_score([], fit=0.9, fit_threshold=0.75, policy_denied=False) == 0.0
    one = risk_score([_f("review")], fit=0.9, fit_threshold=0.75, policy_denied=False)
    two = risk_score([_f("review"), _f("block")], fit=0.9, fit_threshold=0.75, policy_denied=False)
    low_fit = risk_score([_f("review")], fit=0.5, fit_threshold=0.75, policy_denied=False)
    assert 0 < one < two < 1 and one < low_fit
    assert risk_score([], fit=1.0, fit_threshold=0.75, policy_denied=True) == 1.0


def test_formula_writer_copy_approves_with_every_layer_named(governor: Governor) -> None:
    verdicts = governor.verdicts(example_concepts(n_angles=2))
    assert [v.route for v in verdicts] == ["approve"] * len(verdicts)
    v = verdicts[0]
    assert {"structure", "limits", "claims", "substantiation", "rego", "embeddings", "fit", "risk"} <= set(v.checks)
    assert v.checks["rego"] == governor.bundle.version and v.checks["embeddings"] == governor.embedder.model_id
    assert v.scores["brand_fit"] >= 0.75 and v.scores["risk"] == 0.0


def test_age_gate_rejects_at_once_with_the_reason(governor: Governor) -> None:
    brand = example_brand()
    teen = Governor.build(brand, Campaign(vertical="weight_loss", age_min=16), embedder=governor.embedder)
    v = teen.verdict(example_concepts(n_angles=1)[0], max_attempts=3)
    assert v.route == "reject"
    denies = [f for f in v.findings if f.rule_id == "policy.age_gate"]
    assert len(denies) == 3                       # one per platform of the campaign
    assert all("rewriting the copy cannot fix" in f.fix_hint and f.pack == f"rego@{teen.bundle.version}"
               for f in denies)


def test_unbacked_claim_in_copy_regenerates_with_reasons(governor: Governor) -> None:
    concept = example_concepts(n_angles=1)[0]
    assert concept.draft is not None
    concept.draft.hooks[0].text = "Reduces soreness overnight"
    v = governor.verdict(concept, max_attempts=3)
    assert v.route == "regenerate"
    [f] = [f for f in v.findings if f.rule_id == "claims.causal_unbacked"]
    assert f.field == "hooks[h1].text" and f.excerpt == "Reduces soreness overnight" and f.fix_hint


def test_check_text(governor: Governor) -> None:
    assert governor.check_text("Ten quiet minutes, and your shoulders come down.", platform="meta").route == "approve"
    shouting = governor.check_text("BUY NOW!!! ACT FAST!!!", platform="meta")
    assert shouting.route in ("review", "regenerate", "reject")
    assert any(f.rule_id == "fit.below_threshold" for f in shouting.findings)


def test_govern_verdict_wrapper_delegates(governor: Governor) -> None:
    concept = example_concepts(n_angles=1)[0]
    v1 = govern.verdict(concept, governor.brand, governor.campaign)
    full = govern.verdict(concept, governor.brand, governor.campaign, governor=governor)
    assert "rego" not in v1.checks and "rego" in full.checks


def _v(*routes: str) -> list[Verdict]:
    return [Verdict(concept_id="k", attempt=i + 1, route=r) for i, r in enumerate(routes)]  # type: ignore[arg-type]


def test_metrics() -> None:
    pre = Verdict(concept_id="k", attempt=1, route="regenerate",
                  findings=[Finding(rule_id="limits.over_hard", severity="block", message="m")])
    second = Verdict(concept_id="k", attempt=2, route="review")
    m = governance_metrics([_v("approve"), [pre, second], _v("regenerate", "reject"), _v("review")])
    assert (m.concepts, m.verdicts) == (4, 6)
    assert m.first_draft_failure_rate == 0.75 and m.human_review_rate == 0.5 and m.reject_rate == 0.25
    assert m.regenerate_rate == round(2 / 6, 4) and m.pre_filter_rejection_rate == round(1 / 6, 4)
