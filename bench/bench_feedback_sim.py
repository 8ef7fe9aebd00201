"""Feedback-loop simulator: does the next run lean toward what truly wins, and how fast?

    .venv/bin/python bench/bench_feedback_sim.py                 # 50 seeds, 5 rounds
    .venv/bin/python bench/bench_feedback_sim.py --seeds 5 --rounds 3

A synthetic campaign with known true CTRs per angle x segment x hook structure (angle and segment effects
and a hook-structure effect per angle, log-normal around a 1.2 % base, drawn per seed). Each round:

  run      -> the real allocation (adloom.feedback.allocation.plan, Thompson sampling with the default
              20 % exploration) splits the round's impressions across angle x segment and picks each arm's
              hooks, winning hook structures first (as the formula writer orders templates), then splits the
              arm's impressions across its hooks the same way (Plan.hook_shares)
  delivery -> clicks ~ Binomial(impressions, true CTR) per ad
  import   -> a Meta export CSV written and imported through `adloom feedback import`'s code path
              (parse, join by ad name, store, learn patterns) into a SQLite store
  run      -> the next round reads the learned patterns

against two baselines fed the same kind of delivery: uniform (every angle x segment x structure alike, every
round) and greedy on raw rates (round 1 uniform, then everything on the best raw CTR so far). Regret per
impression = the best true CTR - the CTR of the ad shown; reported cumulative over rounds, as the ratio to
uniform's, and the share of impressions on the truly best angle x segment, averaged over the seeds.
The run -> delivery -> import -> run loop skips writing copy (the formula writer's cost is measured in
bench_text.py); everything the allocation and the pattern library do is the shipped code.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from adloom.feedback.allocation import plan
from adloom.feedback.imports import import_file
from adloom.feedback.options import FeedbackOptions
from adloom.feedback.synthetic import Delivery, write_meta_csv
from adloom.naming import ad_name
from adloom.store import patterns as pattern_store
from adloom.store.db import open_store, transaction
from adloom.store.tables import ConceptRow
from adloom.types import Angle, Segment

ANGLES = ("pain-first", "social-proof", "curiosity", "contrarian", "objection")
SEGMENTS = ("desk-workers", "runners", "parents")
STRUCTURES = 8                   # hook templates per angle
BRAND = "simbrand"
ROUND_IMPRESSIONS = 150_000      # ~10,000 per angle x segment when spread evenly
HOOKS_PER_CONCEPT = 5
BASE_CTR = 0.012


@dataclass
class Truth:
    ctr: np.ndarray              # [angle, segment, structure]

    @property
    def best(self) -> float:
        return float(self.ctr.max())

    @property
    def best_arm(self) -> tuple[int, int]:
        a, s, _ = np.unravel_index(int(self.ctr.argmax()), self.ctr.shape)
        return int(a), int(s)


def truth_for(seed: int) -> Truth:
    rng = np.random.default_rng(10_000 + seed)
    angle = rng.lognormal(0.0, 0.35, len(ANGLES))
    segment = rng.lognormal(0.0, 0.2, len(SEGMENTS))
    structure = rng.lognormal(0.0, 0.2, (len(ANGLES), STRUCTURES))
    ctr = BASE_CTR * angle[:, None, None] * segment[None, :, None] * structure[:, None, :]
    return Truth(np.clip(ctr, 0.001, 0.2))


@dataclass
class Tally:
    regret: list[float]          # per round
    best_share: list[float]      # per round: impressions on the truly best angle x segment

    def cumulative(self) -> float:
        return float(sum(self.regret))


def _spend(truth: Truth, alloc: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """Impressions per ad (alloc, same shape as truth) -> clicks, regret, share on the best arm."""
    impressions = np.floor(alloc).astype(int)
    clicks = rng.binomial(impressions, truth.ctr)
    regret = float((impressions * (truth.best - truth.ctr)).sum())
    a, s = truth.best_arm
    return clicks, regret, float(impressions[a, s].sum() / max(impressions.sum(), 1))


def uniform(truth: Truth, rounds: int, rng: np.random.Generator) -> Tally:
    alloc = np.full(truth.ctr.shape, ROUND_IMPRESSIONS / truth.ctr.size)
    tally = Tally([], [])
    for _ in range(rounds):
        _, regret, share = _spend(truth, alloc, rng)
        tally.regret.append(regret)
        tally.best_share.append(share)
    return tally


def greedy(truth: Truth, rounds: int, rng: np.random.Generator) -> Tally:
    shown = np.zeros(truth.ctr.shape)
    clicked = np.zeros(truth.ctr.shape)
    tally = Tally([], [])
    for r in range(rounds):
        if r == 0:
            alloc = np.full(truth.ctr.shape, ROUND_IMPRESSIONS / truth.ctr.size)
        else:
            raw = np.where(shown > 0, clicked / np.maximum(shown, 1), -1.0)
            alloc = np.zeros(truth.ctr.shape)
            alloc[np.unravel_index(int(raw.argmax()), raw.shape)] = ROUND_IMPRESSIONS
        clicks, regret, share = _spend(truth, alloc, rng)
        shown += np.floor(alloc)
        clicked += clicks
        tally.regret.append(regret)
        tally.best_share.append(share)
    return tally


def _concept_id(a: int, s: int) -> str:
    return f"{a:02x}{s:02x}" + "c0ffee" * 4 + "00"


def _seed_store(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        for a, angle in enumerate(ANGLES):
            for s, segment in enumerate(SEGMENTS):
                cid = _concept_id(a, s)
                hooks = [{"id": f"h{k + 1}", "text": f"hook {k + 1}", "template_id": f"{angle}-{k + 1:02d}"}
                         for k in range(STRUCTURES)]
                session.add(ConceptRow(id=cid, brand_slug=BRAND, brand_version="sim", angle_id=angle,
                                       segment_id=segment, writer_id="sim", status="approved", attempts=1,
                                       created_at=datetime.now(UTC),
                                       payload={"id": cid, "angle": {"id": angle, "emotional_triggers": []},
                                                "segment_id": segment, "draft": {"hooks": hooks}}))


def thompson(truth: Truth, rounds: int, rng: np.random.Generator, folder: Path, options: FeedbackOptions) -> Tally:
    factory = open_store(f"sqlite:///{folder / 'sim.db'}")
    _seed_store(factory)
    angles = [Angle(id=a, name=a) for a in ANGLES]
    segments = [Segment(id=s, label=s) for s in SEGMENTS]
    tally = Tally([], [])
    start = date(2026, 1, 5)
    for r in range(rounds):
        with factory() as session:
            patterns = pattern_store.load_patterns(session, BRAND, others=False)
        the_plan = plan(BRAND, angles, segments, patterns, exploration=options.exploration,
                        hooks_per_concept=HOOKS_PER_CONCEPT)
        alloc = np.zeros(truth.ctr.shape)
        hook_of: dict[tuple[int, int, int], str] = {}
        for arm in the_plan.arms:
            a, s = ANGLES.index(arm.angle), SEGMENTS.index(arm.segment)
            own = [t for t in the_plan.templates if t.startswith(f"{arm.angle}-")]
            every = [f"{arm.angle}-{k + 1:02d}" for k in range(STRUCTURES)]
            order = own + [t for t in every if t not in own]
            chosen = order[:arm.hooks]
            for template, part in zip(chosen, the_plan.hook_shares(chosen, seed=f"{r}:{arm.angle}|{arm.segment}"),
                                      strict=True):
                k = int(template.rsplit("-", 1)[1]) - 1
                alloc[a, s, k] = arm.share * part * ROUND_IMPRESSIONS
                hook_of[(a, s, k)] = f"h{k + 1}"
        clicks, regret, share = _spend(truth, alloc, rng)
        tally.regret.append(regret)
        tally.best_share.append(share)
        day = start + timedelta(days=7 * r)
        rows = [Delivery(ad_name(BRAND, ANGLES[a], SEGMENTS[s], hook, _concept_id(a, s), "meta"), day,
                         day + timedelta(days=6), int(alloc[a, s, k]), int(clicks[a, s, k]),
                         round(alloc[a, s, k] / 1000 * 8.0, 2), reach=max(1, int(alloc[a, s, k] / 1.5)))
                for (a, s, k), hook in sorted(hook_of.items()) if alloc[a, s, k] >= 1]
        import_file(factory, write_meta_csv(folder / f"round{r + 1}.csv", rows), options=options)
    factory.kw["bind"].dispose()
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--exploration", type=float, default=0.2)
    args = parser.parse_args()
    options = FeedbackOptions(exploration=args.exploration, min_impressions=500, min_spend=0.0)
    results: dict[str, list[Tally]] = {"uniform": [], "greedy (raw rates)": [], "thompson (adloom)": []}
    started = time.perf_counter()
    for seed in range(args.seeds):
        truth = truth_for(seed)
        results["uniform"].append(uniform(truth, args.rounds, np.random.default_rng(seed)))
        results["greedy (raw rates)"].append(greedy(truth, args.rounds, np.random.default_rng(seed)))
        with tempfile.TemporaryDirectory(prefix="adloom-sim-") as tmp:
            results["thompson (adloom)"].append(thompson(truth, args.rounds, np.random.default_rng(seed), Path(tmp),
                                                         options))
        if (seed + 1) % 10 == 0:
            print(f"  {seed + 1}/{args.seeds} seeds, {time.perf_counter() - started:.0f} s", flush=True)
    base = statistics.fmean(t.cumulative() for t in results["uniform"])
    print(f"\n{args.seeds} seeds x {args.rounds} rounds of {ROUND_IMPRESSIONS:,} impressions; "
          f"{len(ANGLES)} angles x {len(SEGMENTS)} segments x {STRUCTURES} hook structures; "
          f"exploration {args.exploration:.0%}")
    print(f"{'strategy':<20} {'cum. regret (clicks)':>21} {'vs uniform':>11} {'worst seed':>11} "
          f"{'best-arm share, round 1 -> last':>32}")
    for name, tallies in results.items():
        cum = [t.cumulative() for t in tallies]
        ratios = [c / u.cumulative() for c, u in zip(cum, results["uniform"], strict=True)]
        first = statistics.fmean(t.best_share[0] for t in tallies)
        last = statistics.fmean(t.best_share[-1] for t in tallies)
        print(f"{name:<20} {statistics.fmean(cum):>21,.1f} {statistics.fmean(cum) / base:>10.1%} "
              f"{max(ratios):>10.1%} {first:>15.1%} -> {last:.1%}")
    per_round = [statistics.fmean(t.regret[r] for t in results["thompson (adloom)"]) /
                 statistics.fmean(t.regret[r] for t in results["uniform"]) for r in range(args.rounds)]
    print("thompson regret per round vs uniform: " + ", ".join(f"r{r + 1} {v:.0%}" for r, v in enumerate(per_round)))
    ratio = statistics.fmean(t.cumulative() for t in results["thompson (adloom)"]) / base
    verdict = "met" if ratio <= 0.5 else "NOT met"
    print(f"target: thompson cumulative regret after {args.rounds} rounds <= 50% of uniform's: {ratio:.1%} ({verdict})")
    print(f"wall time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
