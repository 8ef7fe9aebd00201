"""The next run leans toward winners: the concept budget split across angle x segment by Thompson sampling.

Each arm's chance of being the best is estimated from joint draws of the arms' Beta posteriors (learned
``arm`` patterns; an arm with no evidence of its own starts from its angle's posterior mean, or the brand
baseline, at the baseline's prior strength). Its share of the budget is ``exploration / arms`` plus
``(1 - exploration) x P(best)``; the budget is the run's hook slots (hooks per concept x arms), so a winning
arm's concept gets more hooks to test and a losing one fewer (never none: every arm keeps exploring).
The draws are seeded by the evidence, so the same evidence gives the same plan. Without any evidence for
the brand the split is even and the run is exactly what it was before the loop existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from adloom.feedback.bayes import BetaPrior, prob_best, rng_for, thompson_shares
from adloom.types import Angle, Constraints, Pattern, Segment

__all__ = ["Arm", "Plan", "leaderboard", "plan"]

MAX_HOOKS = 8               # the writers' ceiling per concept
PREFERRED_TEMPLATES = 12


@dataclass
class Arm:
    angle: str
    segment: str
    posterior: BetaPrior
    evidence: int               # impressions behind the arm's own posterior (0: borrowed)
    ads: int
    source: str                 # arm | angle | baseline
    p_best: float = 0.0
    share: float = 0.0
    hooks: int = 0


@dataclass
class Plan:
    arms: list[Arm]
    exploration: float
    metric: str | None
    templates: list[str] = field(default_factory=list)
    hooks_per_concept: int = 5
    hook_posteriors: dict[str, BetaPrior] = field(default_factory=dict)    # hook structure -> posterior
    baseline: BetaPrior | None = None
    leaderboard: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # what won so far, per dimension

    @property
    def informed(self) -> bool:
        return self.metric is not None

    def hooks_for(self, angle: str, segment: str) -> int:
        arm = next((a for a in self.arms if a.angle == angle and a.segment == segment), None)
        return arm.hooks if arm is not None else self.hooks_per_concept

    def hook_shares(self, structures: Sequence[str], *, seed: object = "") -> list[float]:
        """An arm's budget split across its ads' hook structures, Thompson again: the exploration share
        evenly, the rest by each structure's chance of being the best (a structure with no evidence starts
        from the brand baseline)."""
        if not structures:
            return []
        if not self.informed or self.baseline is None:
            return [1.0 / len(structures)] * len(structures)
        posteriors = [self.hook_posteriors.get(s, self.baseline) for s in structures]
        rng = rng_for("hooks", seed, *(f"{s}:{p.alpha}:{p.beta}" for s, p in zip(structures, posteriors, strict=True)))
        return [float(x) for x in thompson_shares(posteriors, self.exploration, rng)]

    def tune(self, angle: Angle, segment: Segment, constraints: Constraints) -> Constraints:
        """The unit's constraints with its share of the hook budget and the winning hook structures."""
        if not self.informed:
            return constraints
        return constraints.model_copy(update={"hooks_per_concept": self.hooks_for(angle.id, segment.id),
                                              "preferred_hook_templates": list(self.templates)})

    def summary(self) -> dict[str, Any]:
        """``RunSummary.allocation``: per arm and per angle, the share and why it got it."""
        angles: dict[str, dict[str, Any]] = {}
        for arm in self.arms:
            entry = angles.setdefault(arm.angle, {"angle": arm.angle, "share": 0.0, "hooks": 0, "p_best": 0.0,
                                                  "evidence": 0, "ads": 0})
            entry["share"] += arm.share
            entry["hooks"] += arm.hooks
            entry["p_best"] += arm.p_best
            entry["evidence"] += arm.evidence
            entry["ads"] += arm.ads
        for entry in angles.values():
            entry["reason"] = self._reason(entry)
        return {"method": "thompson" if self.informed else "even", "metric": self.metric,
                "exploration": self.exploration, "hooks_total": sum(a.hooks for a in self.arms),
                "preferred_hook_templates": self.templates,
                "baseline": self.baseline.mean if self.baseline is not None else None,
                "leaderboard": self.leaderboard,
                "angles": sorted(angles.values(), key=lambda e: (-e["share"], e["angle"])),
                "arms": [{"angle": a.angle, "segment": a.segment, "share": round(a.share, 4), "hooks": a.hooks,
                          "p_best": round(a.p_best, 4), "posterior_mean": a.posterior.mean,
                          "interval": (list(a.posterior.interval(seed=f"arm:{a.angle}|{a.segment}"))
                                       if self.informed else None),
                          "evidence": a.evidence, "ads": a.ads, "source": a.source} for a in self.arms]}

    def _reason(self, entry: dict[str, Any]) -> str:
        if not self.informed:
            return "no performance imported for this brand yet: an even split"
        explore = f"{self.exploration:.0%} of the budget is spread evenly to keep exploring"
        if not entry["evidence"]:
            return (f"{entry['share']:.0%} of the budget: no ads of this angle measured yet, so its arms start "
                    f"from the brand baseline ({entry['p_best']:.0%} chance one is the best arm); {explore}")
        arms = [a for a in self.arms if a.angle == entry["angle"]]
        best = max(arms, key=lambda a: a.posterior.mean)
        low, high = best.posterior.interval(seed=f"arm:{best.angle}|{best.segment}")
        return (f"{entry['share']:.0%} of the budget: {entry['p_best']:.0%} chance its arms hold the best "
                f"{self.metric} (best arm {best.segment} {best.posterior.mean:.2%}, 90% interval "
                f"{low:.2%}-{high:.2%}, from {entry['evidence']:,} impressions over {entry['ads']} ads); {explore}")


def _posteriors(brand: str, patterns: Sequence[Pattern]) -> tuple[BetaPrior | None, dict[str, Pattern],
                                                                  dict[str, Pattern], str | None]:
    mine = [p for p in patterns if p.brand_slug == brand and p.alpha is not None and p.beta is not None]
    baseline = next((p for p in mine if p.dimension == "baseline"), None)
    if baseline is None or baseline.alpha is None or baseline.beta is None:
        return None, {}, {}, None
    arms = {p.key: p for p in mine if p.dimension == "arm"}
    angles = {p.key: p for p in mine if p.dimension == "angle"}
    return BetaPrior(baseline.alpha, baseline.beta, "baseline"), arms, angles, baseline.key


def _hooks(shares: np.ndarray, total: int, low: int, high: int) -> list[int]:
    """Integer counts in [low, high] summing to ``total`` (clamped to what the bounds allow): everyone gets
    ``low``, the rest goes by share, an arm reaching ``high`` passes its surplus on (water-filling), and the
    fractions are rounded by largest remainder."""
    k = len(shares)
    total = min(max(total, low * k), high * k)
    alloc = np.full(k, float(low))
    free = np.ones(k, dtype=bool)
    left = float(total - low * k)
    while left > 1e-9 and free.any():
        w = shares[free].astype(float)
        w = w / w.sum() if w.sum() > 0 else np.full(int(free.sum()), 1.0 / free.sum())
        proposal = alloc[free] + w * left
        capped = proposal >= high
        if not capped.any():
            alloc[free] = proposal
            break
        idx = np.flatnonzero(free)[capped]
        left -= float((high - alloc[idx]).sum())
        alloc[idx] = high
        free[idx] = False
    counts = np.floor(alloc + 1e-9).astype(int)
    for i in np.argsort(-(alloc - counts), kind="stable")[: total - int(counts.sum())]:
        counts[i] += 1
    return [int(c) for c in counts]


def _split_hooks(arms: Sequence[Arm], shares: np.ndarray, hooks_per_concept: int) -> list[int]:
    """The hook budget split by angle first (an angle's share of it, at most 8 per segment), then within each
    angle by its arms' shares: a winning angle fills its concepts before a weaker one gets a surplus."""
    order = list(dict.fromkeys(a.angle for a in arms))
    index = {angle: [i for i, a in enumerate(arms) if a.angle == angle] for angle in order}
    angle_shares = np.array([shares[index[angle]].sum() for angle in order])
    width = max(len(v) for v in index.values())
    per_angle = _hooks(angle_shares, hooks_per_concept * len(arms), width, MAX_HOOKS * width)
    out = [0] * len(arms)
    for angle, total in zip(order, per_angle, strict=True):
        members = index[angle]
        for i, n in zip(members, _hooks(shares[members], total, 1, MAX_HOOKS), strict=True):
            out[i] = n
    return out


def plan(brand: str, angles: Sequence[Angle], segments: Sequence[Segment], patterns: Sequence[Pattern], *,
         exploration: float, hooks_per_concept: int, draws: int = 4000) -> Plan:
    prior, arm_patterns, angle_patterns, metric = _posteriors(brand, patterns)
    keys = [(a.id, s.id) for a in angles for s in segments]
    if prior is None or not keys:
        arms = [Arm(a, s, BetaPrior(1, 1, "none"), 0, 0, "none", 1 / max(len(keys), 1), 1 / max(len(keys), 1),
                    hooks_per_concept) for a, s in keys]
        return Plan(arms, exploration, None, hooks_per_concept=hooks_per_concept)
    kappa = prior.alpha + prior.beta
    arms = []
    for angle, segment in keys:
        own = arm_patterns.get(f"{angle}|{segment}")
        if own is not None and own.alpha is not None and own.beta is not None and own.impressions > 0:
            arms.append(Arm(angle, segment, BetaPrior(own.alpha, own.beta, "arm"), own.impressions,
                            own.observations, "arm"))
            continue
        parent = angle_patterns.get(angle)
        mean = parent.mean if parent is not None and parent.mean is not None else prior.mean
        arms.append(Arm(angle, segment, BetaPrior(mean * kappa, (1 - mean) * kappa, "angle" if parent else "baseline"),
                        0, 0, "angle" if parent else "baseline"))
    seed = rng_for(brand, metric, exploration, *(f"{a.angle}|{a.segment}:{a.posterior.alpha}:{a.posterior.beta}"
                                                 for a in arms))
    p_best = prob_best([a.posterior for a in arms], seed, draws)
    shares = exploration / len(arms) + (1 - exploration) * p_best
    hooks = _split_hooks(arms, shares, hooks_per_concept)
    for arm, p, share, n in zip(arms, p_best, shares, hooks, strict=True):
        arm.p_best, arm.share, arm.hooks = float(p), float(share), n
    templates = sorted((p for p in patterns if p.brand_slug == brand and p.dimension == "hook_structure"
                        and p.weight > 1.0 and p.key not in ("rsa", "unknown") and not p.key.startswith("tag:")),
                       key=lambda p: (-(p.mean or 0.0), p.key))
    hook_posteriors = {p.key: BetaPrior(p.alpha, p.beta, "hook_structure") for p in patterns
                       if p.brand_slug == brand and p.dimension == "hook_structure" and p.alpha and p.beta}
    return Plan(arms, exploration, metric, [p.key for p in templates[:PREFERRED_TEMPLATES]], hooks_per_concept,
                hook_posteriors, prior, leaderboard(brand, patterns))


LEADERBOARD = ("angle", "segment", "hook_structure")
LEADERBOARD_ROWS = 10


def leaderboard(brand: str, patterns: Sequence[Pattern]) -> dict[str, list[dict[str, Any]]]:
    """The brand's learned angles, segments and hook structures, best posterior mean first, each with its
    90% credible interval and the evidence behind it (the report draws them as point-and-interval rows)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension in LEADERBOARD:
        rows = [p for p in patterns if p.brand_slug == brand and p.dimension == dimension and p.impressions > 0
                and p.mean is not None and p.low is not None and p.high is not None]
        rows.sort(key=lambda p: (-(p.mean or 0.0), p.key))
        if rows:
            out[dimension] = [{"key": p.key, "mean": p.mean, "low": p.low, "high": p.high, "ads": p.observations,
                               "impressions": p.impressions, "winners": p.winners}
                              for p in rows[:LEADERBOARD_ROWS]]
    return out
