"""Stage: govern one concept -> Verdict (findings, scores, route).

``verdict`` is the v1 gate (deterministic checks only) unless a ``Governor`` is passed; ``checker`` builds
the full Governor (rule packs, substantiation, Rego policies, brand fit, risk) once for a run and returns
the ``Concept -> Verdict`` function the driver calls for each attempt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from adloom.governance.gate import CORE_CHECKS, Check, route, run_checks
from adloom.governance.governor import Governor
from adloom.types import BrandObject, Campaign, Concept, Verdict

__all__ = ["checker", "verdict"]


def verdict(concept: Concept, brand: BrandObject, campaign: Campaign, *, max_attempts: int = 3,
            checks: Iterable[Check] = CORE_CHECKS, governor: Governor | None = None) -> Verdict:
    """Run every check on the concept and route it; ``concept.attempt`` is the attempt being judged."""
    if governor is not None:
        return governor.verdict(concept, max_attempts=max_attempts)
    findings, versions = run_checks(concept, brand, campaign, checks)
    counts = Counter(f.severity for f in findings)
    scores = {f"findings.{s}": float(counts[s]) for s in ("block", "review", "warn")}
    scores["findings.total"] = float(len(findings))
    return Verdict(concept_id=concept.id, attempt=concept.attempt,
                   route=route(findings, attempt=concept.attempt, max_attempts=max_attempts),
                   findings=findings, scores=scores, checks=versions, created_at=datetime.now(UTC))


def checker(brand: BrandObject, campaign: Campaign, *, max_attempts: int = 3,
            project_dir: Path | None = None) -> Callable[[Concept], Verdict]:
    """The full governance for one run: build once, then judge each attempt."""
    governor = Governor.build(brand, campaign, project_dir=project_dir)

    def check(concept: Concept) -> Verdict:
        return governor.verdict(concept, max_attempts=max_attempts)

    return check
