"""The feedback loop's part of the run report: why each angle got its share (``RunSummary.allocation``)."""

from __future__ import annotations

from adloom.exports.report_sections import ReportSection
from adloom.types import RunSummary

__all__ = ["sections"]


def sections(summary: RunSummary) -> list[ReportSection]:
    """The allocation section, when the run has an allocation (every run since the loop exists), and the
    leaderboard of what won so far, when the brand has imported performance."""
    if not summary.allocation or not summary.allocation.get("angles"):
        return []
    out = [ReportSection(id="allocation", title="Why each angle got its share",
                         template="report_section_allocation.html.j2", data=summary.allocation)]
    board = summary.allocation.get("leaderboard") or {}
    if any(board.values()):
        out.append(ReportSection(id="insights", title="What won so far", template="report_section_insights.html.j2",
                                 data={"metric": summary.allocation.get("metric"),
                                       "baseline": summary.allocation.get("baseline"), "leaderboard": board}))
    return out
