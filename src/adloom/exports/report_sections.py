"""Optional parts of the report, each added by the feature that owns its data.

A feature (feedback insights, review decisions, ...) adds a template ``report_section_NAME.html.j2`` under
``data/templates`` and hands ``write_report`` a ``ReportSection`` naming it. The template sees ``section``
and reads ``section.data``; it renders with autoescape on like the rest of the page, so untrusted text in
``data`` needs no escaping of its own (never mark it ``|safe``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from adloom.types import RunSummary

_SECTION_TEMPLATE = re.compile(r"^report_section_[a-z0-9_]+\.html\.j2$")
_SECTION_ID = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class ReportSection:
    """An optional part of the report, added by the feature that owns its data.

    ``template`` is a package template named ``report_section_*.html.j2``; it sees ``section`` (this
    object: read ``section.data``) and renders with autoescape on like the rest of the page, so text in
    ``data`` needs no escaping of its own. ``count`` is shown beside the title in the navigation (e.g. the
    number of warnings); a section is left out when ``count`` is 0.
    """

    id: str                      # html id, lower-case slug; also the navigation anchor
    title: str
    template: str
    data: Mapping[str, Any] = field(default_factory=dict)
    place: Literal["main", "audit"] = "main"
    count: int | None = None

    def __post_init__(self) -> None:
        if not _SECTION_ID.match(self.id):
            raise ValueError(f"report section id {self.id!r}: use a lower-case slug")
        if not _SECTION_TEMPLATE.match(self.template):
            raise ValueError(f"report section {self.id}: template {self.template!r} must be "
                             "report_section_*.html.j2")


def inputs_section(summary: RunSummary, poster_errors: Sequence[str] = ()) -> ReportSection:
    """What a person should look at before trusting the run: instruction-like text found in the inputs,
    ingest warnings, and assets that failed to render (or to get a poster frame)."""
    render_errors = [*summary.render_errors, *poster_errors]
    count = len(summary.flagged_inputs) + len(summary.warnings) + len(render_errors)
    return ReportSection(id="attention", title="Needs attention", template="report_section_inputs.html.j2",
                         data={"flagged": summary.flagged_inputs, "warnings": summary.warnings,
                               "render_errors": render_errors}, count=count)
