"""The desk's dashboard figures, read from the store, and the line-chart geometry the template draws as SVG.

Governance rates come from each finished run's summary; review figures from the decisions table.
Time to approval is queue wait (queued -> approved); time to decision is the reviewer's own time on the item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adloom.exports.charts import BarChart, bar_chart
from adloom.store.concepts import finished_runs
from adloom.store.tables import ReviewDecisionRow

__all__ = ["Dashboard", "LineChart", "dashboard", "line_chart", "quantile"]

COLORS = ("#1f3a5f", "#ff7a45", "#059669", "#b91c1c", "#6366f1")
RATES = (("pre_filter_rejection_rate", "pre-filter rejection"), ("regenerate_rate", "regenerate"),
         ("human_review_rate", "human review"), ("reject_rate", "reject"))


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    points: str          # SVG polyline points
    last: float


@dataclass(frozen=True)
class LineChart:
    title: str
    series: tuple[Series, ...]
    labels: tuple[tuple[float, str], ...]     # x position, label
    top: float
    width: int = 560
    height: int = 220
    pad: int = 40


def line_chart(title: str, xs: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> LineChart:
    width, height, pad = 560, 220, 40
    top = max((v for _, values in series for v in values), default=0.0) or 1.0
    step = (width - 2 * pad) / max(1, len(xs) - 1)

    def point(i: int, v: float) -> str:
        return f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * v / top:.1f}"

    drawn = tuple(Series(name, COLORS[n % len(COLORS)], " ".join(point(i, v) for i, v in enumerate(values)),
                         values[-1] if values else 0.0) for n, (name, values) in enumerate(series))
    every = max(1, len(xs) // 6)
    labels = tuple((pad + i * step, x) for i, x in enumerate(xs) if i % every == 0)
    return LineChart(title, drawn, labels, top)


def quantile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank quantile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Dashboard:
    rates: LineChart
    approval_days: LineChart | None
    reasons: BarChart
    reviewers: BarChart
    waits: dict[str, float | None] = field(default_factory=dict)     # median/p90 queue wait and decision time
    decisions: int = 0


def _aware_seconds(later: datetime, earlier: datetime | None) -> float | None:
    if earlier is None:
        return None
    a, b = later.replace(tzinfo=None), earlier.replace(tzinfo=None)
    return max(0.0, (a - b).total_seconds())


def dashboard(session: Session, *, runs: int = 30) -> Dashboard:
    history = finished_runs(session, limit=runs)
    rates = line_chart("Governance rates per run", [r.run_id[:15] for r in history],
                       [(label, [float(r.governance.get(key, 0.0)) for r in history]) for key, label in RATES])
    rows = session.execute(select(ReviewDecisionRow.decision, ReviewDecisionRow.created_at,
                                  ReviewDecisionRow.queued_at, ReviewDecisionRow.seconds)
                           .where(ReviewDecisionRow.decision.in_(["approve", "edit", "reject"]))
                           .order_by(ReviewDecisionRow.created_at)).all()
    waits = [w for d, at, queued, _ in rows
             if d in ("approve", "edit") and (w := _aware_seconds(at, queued)) is not None]
    took = [s for *_, s in rows if s is not None]
    by_day: dict[str, list[float]] = {}
    for d, at, queued, _ in rows:
        wait = _aware_seconds(at, queued)
        if d in ("approve", "edit") and wait is not None:
            by_day.setdefault(f"{at:%Y-%m-%d}", []).append(wait / 3600)
    days = sorted(by_day)
    approval_days = line_chart("Time to approval per day (hours)", days, [
        ("median", [quantile(by_day[d], 0.5) or 0.0 for d in days]),
        ("p90", [quantile(by_day[d], 0.9) or 0.0 for d in days])]) if days else None
    reason = func.coalesce(ReviewDecisionRow.phrase, ReviewDecisionRow.rationale)
    reason_rows = session.execute(select(reason, func.count()).where(ReviewDecisionRow.decision == "reject")
                                  .group_by(reason).order_by(func.count().desc()).limit(10)).all()
    reviewer_rows = session.execute(select(ReviewDecisionRow.reviewer, func.count())
                                    .group_by(ReviewDecisionRow.reviewer).order_by(func.count().desc())
                                    .limit(15)).all()
    return Dashboard(
        rates=rates, approval_days=approval_days,
        reasons=bar_chart("Reject reasons", [(str(r)[:40], float(n)) for r, n in reason_rows], COLORS[3:]),
        reviewers=bar_chart("Decisions per reviewer", [(str(r), float(n)) for r, n in reviewer_rows], COLORS),
        waits={"approval_median_s": quantile(waits, 0.5), "approval_p90_s": quantile(waits, 0.9),
               "decision_median_s": quantile(took, 0.5), "decision_p90_s": quantile(took, 0.9)},
        decisions=len(rows))
