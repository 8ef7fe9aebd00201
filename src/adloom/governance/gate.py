"""The gate: the registry of checks, and the one policy that turns findings into a route."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from adloom.governance import avoid, claims, limits, structure
from adloom.governance.fields import TextField, text_fields
from adloom.types import BrandObject, Campaign, Concept, Finding, Route

__all__ = ["CORE_CHECKS", "Check", "CheckFn", "route", "run_checks"]

# (concept, brand, campaign) -> findings; a check made with ``takes_fields`` also gets ``fields=`` (the
# draft's text fields, listed once per verdict instead of once per check)
CheckFn = Callable[..., list[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    version: str
    run: CheckFn
    takes_fields: bool = False


# Cheap structural checks first: their findings explain most of the rest.
CORE_CHECKS: tuple[Check, ...] = (
    Check("structure", structure.VERSION, structure.check),
    Check("limits", limits.VERSION, limits.check),
    Check("avoid", avoid.VERSION, avoid.check, takes_fields=True),
    Check("claims", claims.VERSION, claims.check, takes_fields=True),
)


def run_checks(concept: Concept, brand: BrandObject, campaign: Campaign, checks: Iterable[Check] = CORE_CHECKS,
               *, fields: Sequence[TextField] | None = None) -> tuple[list[Finding], dict[str, str]]:
    """All findings of all checks, and which version of each check ran."""
    findings: list[Finding] = []
    versions: dict[str, str] = {}
    if fields is None and concept.draft is not None:
        fields = list(text_fields(concept.draft))
    for chk in checks:
        findings += chk.run(concept, brand, campaign, fields=fields) if chk.takes_fields else chk.run(
            concept, brand, campaign)
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
