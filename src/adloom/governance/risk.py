"""Composite risk in [0, 1] and the one routing policy: approve | regenerate | review | reject.

Risk grows with every finding (by severity), with a brand-fit shortfall and with policy results; a Rego
``deny`` (targeting) is certain risk. Thresholds are per campaign: the Governor is built per campaign with
its own ``Routing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from adloom.types import Finding, Route, Severity

__all__ = ["VERSION", "Routing", "risk_score", "route"]

VERSION = "1"
SEVERITY_WEIGHT: dict[Severity, float] = {"block": 0.5, "review": 0.2, "warn": 0.02}


@dataclass(frozen=True)
class Routing:
    """Per-campaign thresholds. ``fit_margin``: fit this far under the brand's threshold goes to review, further
    under is rewritten. ``review_risk`` / ``reject_risk``: composite risk at which a person looks / it is refused."""

    fit_margin: float = 0.1
    review_risk: float = 0.35
    reject_risk: float = 0.95


def risk_score(findings: Iterable[Finding], *, fit: float, fit_threshold: float, policy_denied: bool) -> float:
    """1 - prod(1 - w) over findings and the fit shortfall; 1.0 when a policy denies."""
    if policy_denied:
        return 1.0
    keep = 1.0
    for f in findings:
        keep *= 1.0 - SEVERITY_WEIGHT[f.severity]
    shortfall = max(0.0, fit_threshold - fit) / max(fit_threshold, 1e-9)
    keep *= 1.0 - min(1.0, shortfall)
    return round(1.0 - keep, 4)


def route(findings: Iterable[Finding], *, risk: float, policy_denied: bool, attempt: int, max_attempts: int,
          routing: Routing = Routing()) -> Route:
    """Targeting denied -> reject (copy cannot fix it); block -> regenerate, at the last attempt reject;
    review findings or mid risk -> review; risk past the reject line -> reject; else approve."""
    if attempt < 1 or max_attempts < 1:
        raise ValueError(f"attempt ({attempt}) and max_attempts ({max_attempts}) start at 1")
    if policy_denied:
        return "reject"
    severities = {f.severity for f in findings}
    if "block" in severities:
        return "regenerate" if attempt < max_attempts else "reject"
    if risk >= routing.reject_risk:
        return "reject"
    if "review" in severities or risk >= routing.review_risk:
        return "review"
    return "approve"
