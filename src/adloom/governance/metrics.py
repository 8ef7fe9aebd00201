"""Governance metrics of a run, from each concept's verdicts (attempt order)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from adloom.types import Verdict

__all__ = ["GovernanceMetrics", "governance_metrics"]




# The deterministic pre-filter is structure, platform limits and lexical rule packs: every finding that is not
# from claim substantiation, a Rego policy or brand fit.
_LATER_PACKS = ("substantiation@", "rego@", "fit@")


class GovernanceMetrics(BaseModel):
    concepts: int = 0
    verdicts: int = 0
    pre_filter_rejection_rate: float = 0.0   # verdicts with a blocking deterministic pre-filter finding
    regenerate_rate: float = 0.0             # verdicts routed to regenerate
    first_draft_failure_rate: float = 0.0    # concepts whose first draft was not approved
    human_review_rate: float = 0.0           # concepts whose final route is review
    reject_rate: float = 0.0                 # concepts whose final route is reject


def _pre_filter_block(v: Verdict) -> bool:
    return any(f.severity == "block" and not f.pack.startswith(_LATER_PACKS) and not f.rule_id.startswith("claims.")
               for f in v.findings)


def governance_metrics(histories: Iterable[Sequence[Verdict]]) -> GovernanceMetrics:
    runs = [list(h) for h in histories if h]
    every = [v for h in runs for v in h]
    if not runs:
        return GovernanceMetrics()
    n, m = len(runs), len(every)
    return GovernanceMetrics(
        concepts=n, verdicts=m,
        pre_filter_rejection_rate=round(sum(map(_pre_filter_block, every)) / m, 4),
        regenerate_rate=round(sum(v.route == "regenerate" for v in every) / m, 4),
        first_draft_failure_rate=round(sum(h[0].route != "approve" for h in runs) / n, 4),
        human_review_rate=round(sum(h[-1].route == "review" for h in runs) / n, 4),
        reject_rate=round(sum(h[-1].route == "reject" for h in runs) / n, 4),
    )
