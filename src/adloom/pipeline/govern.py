"""Stage: govern one concept -> Verdict (findings, scores, route)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from adloom.governance.gate import CORE_CHECKS, Check, route, run_checks
from adloom.types import BrandObject, Campaign, Concept, Verdict

__all__ = ["verdict"]


def verdict(concept: Concept, brand: BrandObject, campaign: Campaign, *, max_attempts: int = 3,
            checks: Iterable[Check] = CORE_CHECKS) -> Verdict:
    """Run every check on the concept and route it; ``concept.attempt`` is the attempt being judged."""
    findings, versions = run_checks(concept, brand, campaign, checks)
    counts = Counter(f.severity for f in findings)
    scores = {f"findings.{s}": float(counts[s]) for s in ("block", "review", "warn")}
    scores["findings.total"] = float(len(findings))
    return Verdict(concept_id=concept.id, attempt=concept.attempt,
                   route=route(findings, attempt=concept.attempt, max_attempts=max_attempts),
                   findings=findings, scores=scores, checks=versions, created_at=datetime.now(UTC))
