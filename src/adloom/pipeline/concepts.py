"""Stage: one angle x segment -> a governed Concept (write, check, regenerate with reasons, bounded).

Prevention first: the writer gets the constraints before it writes; correction second: a failed draft
is rewritten with the findings as machine-readable reasons, at most ``max_attempts`` times.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import adloom
from adloom.errors import WriterError
from adloom.types import (
    Angle,
    BrandObject,
    Concept,
    ConceptDraft,
    ConceptStatus,
    Constraints,
    Finding,
    Route,
    Segment,
    Verdict,
    content_hash,
)
from adloom.writers.base import ConceptTask, Task, Writer
from adloom.writers.tasks import RewriteTask, supports

Check = Callable[[Concept], Awaitable[Verdict]]    # async, so the driver can move model work off the loop
ConstraintsFor = Callable[[list[Finding]], Constraints]

_STATUS: dict[Route, ConceptStatus] = {"approve": "approved", "review": "review", "reject": "rejected",
                                        "regenerate": "rejected"}


@dataclass
class GovernedConcept:
    concept: Concept
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def first_draft_failed(self) -> bool:
        return bool(self.verdicts) and self.verdicts[0].route != "approve"


def concept_id(brand_version: str, angle: Angle, segment: Segment, writer_id: str,
               constraints: Constraints) -> str:
    """Content address of a unit of work: unchanged inputs find the stored concept and reuse it."""
    return content_hash({
        "adloom": adloom.__version__, "brand": brand_version, "angle": angle.id,
        "segment": segment.id, "writer": writer_id, "constraints": constraints.model_dump(mode="json"),
    }, length=32)


async def governed_concept(brand: BrandObject, angle: Angle, segment: Segment, *, writer: Writer,
                           check: Check, constraints_for: ConstraintsFor, max_attempts: int,
                           brand_version: str | None = None,
                           on_first_draft: Callable[[ConceptDraft | None], None] | None = None) -> GovernedConcept:
    """``brand_version`` saves re-hashing the brand object when the caller already knows it.

    ``on_first_draft`` hears the first draft (None when writing failed) before it is governed, so the
    caller can start work that needs only the draft (the next segment's writer) while it is checked."""
    version = brand_version or brand.version()
    first = constraints_for([])
    cid = concept_id(version, angle, segment, writer.id, first)
    base = {"id": cid, "brand_slug": brand.slug, "brand_version": version, "angle": angle,
            "segment_id": segment.id, "writer_id": writer.id}
    result = GovernedConcept(Concept(**base, status="failed", attempt=0))
    reasons: list[Finding] = []
    last_draft: ConceptDraft | None = None
    for attempt in range(1, max_attempts + 1):
        constraints = first if attempt == 1 else constraints_for(reasons)
        task: Task[ConceptDraft]
        if last_draft is not None and supports(writer, RewriteTask):
            # a model repairs its draft given the reasons; the formula writer writes afresh under them
            task = RewriteTask(brand=brand, angle=angle, segment=segment, constraints=constraints,
                               draft=last_draft, reasons=reasons, attempt=attempt)
        else:
            task = ConceptTask(brand=brand, angle=angle, segment=segment, constraints=constraints, seed=cid,
                               attempt=attempt)
        try:
            draft = await writer.run(task)
        except WriterError as exc:
            # the unit fails with its reason stored; the rest of the run goes on
            result.concept = Concept(**base, attempt=attempt, status="failed", error=str(exc),
                                     created_at=datetime.now(UTC))
            if attempt == 1 and on_first_draft is not None:
                on_first_draft(None)
            return result
        if attempt == 1 and on_first_draft is not None:
            on_first_draft(draft)
        last_draft = draft
        concept = Concept(**base, attempt=attempt, status="review", draft=draft, created_at=datetime.now(UTC))
        verdict = await check(concept)
        result.verdicts.append(verdict)
        result.concept = concept.model_copy(update={"status": _STATUS[verdict.route]})
        if verdict.route != "regenerate":
            return result
        reasons = [f for f in verdict.findings if f.severity != "warn"]
    return result
