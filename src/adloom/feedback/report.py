"""The feedback loop's part of the run report: why each angle got its share (``RunSummary.allocation``)."""

from __future__ import annotations

from adloom.exports.report_sections import ReportSection
from adloom.types import RunSummary

__all__ = ["sections"]


def sections(summary: RunSummary) -> list[ReportSection]:
    """The allocation section, when the run has an allocation (every run since the loop exists)."""
    if not summary.allocation or not summary.allocation.get("angles"):
        return []
    return [ReportSection(id="allocation", title="Why each angle got its share",
                          template="report_section_allocation.html.j2", data=summary.allocation)]
