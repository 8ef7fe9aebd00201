"""The gate: the registry of checks, and the one policy that turns findings into a route."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from adloom.governance import avoid, claims, limits, structure
from adloom.types import BrandObject, Campaign, Concept, Finding, Route

__all__ = ["CORE_CHECKS", "Check", "CheckFn", "route", "run_checks"]

CheckFn = Callable[[Concept, BrandObject, Campaign], list[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    version: str
    run: CheckFn


# Cheap structural checks first: their findings explain most of the rest.
CORE_CHECKS: tuple[Check, ...] = (
    Check("structure", structure.VERSION, structure.check),
    Check("limits", limits.VERSION, limits.check),
    Check("avoid", avoid.VERSION, avoid.check),
    Check("claims", claims.VERSION, claims.check),
)


def run_checks(concept: Concept, brand: BrandObject, campaign: Campaign,
               checks: Iterable[Check] = CORE_CHECKS) -> tuple[list[Finding], dict[str, str]]:
    """All findings of all checks, and which version of each check ran."""
    findings: list[Finding] = []
    versions: dict[str, str] = {}
    for chk in checks:
        findings += chk.run(concept, brand, campaign)
        versions[chk.name] = chk.version
    return findings, versions


def route(findings: Iterable[Finding], *, attempt: int, max_attempts: int) -> Route:
    """block -> regenerate while attempts remain, else reject; review only -> review; else approve.

    Warnings never change the route. ``attempt`` is 1-based.
    """
    if attempt < 1 or max_attempts < 1:
        raise ValueError(f"attempt ({attempt}) and max_attempts ({max_attempts}) start at 1")
    severities = {f.severity for f in findings}
    if "block" in severities:
        return "regenerate" if attempt < max_attempts else "reject"
    if "review" in severities:
        return "review"
    return "approve"
