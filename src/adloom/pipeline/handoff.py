"""Stage: the review hand-off. A second model's opinion (when asked for) sends a disagreement to the human
desk; the concepts as they now stand, and their verdicts, are stored for the desk and the exports."""

from __future__ import annotations

from adloom.audit import NewEvent, kinds
from adloom.pipeline.calls import layered
from adloom.pipeline.context import RunContext
from adloom.pipeline.dedupe import Deduped, verdict_events
from adloom.store import concepts as concept_store
from adloom.store.db import transaction
from adloom.types import BrandObject, Campaign, Concept, Verdict
from adloom.writers.base import Writer
from adloom.writers.verify import apply_second_opinion, second_opinion

__all__ = ["handed_to_review", "second_opinions"]


async def handed_to_review(ctx: RunContext, deduped: Deduped, brand: BrandObject,
                           campaign: Campaign) -> tuple[list[Concept], dict[str, list[Verdict]]]:
    """The concepts to ship, each with its verdicts, as stored."""
    concepts = deduped.concepts
    if ctx.options.verify_writer is not None:
        with ctx.timed("verify"):
            concepts = await second_opinions(ctx, concepts, brand, campaign, ctx.options.verify_writer)
    with transaction(ctx.factory) as session:
        for concept in concepts:
            if concept.id in deduped.rejudged:
                concept_store.save_concept(session, concept, [deduped.rejudged[concept.id]])
            elif concept is not deduped.as_stored.get(concept.id):    # changed since it was stored: verify
                concept_store.update_concept_payload(session, concept)
        ctx.audit.append_many_in(session, verdict_events(deduped.rejudged.values()))
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])
    return concepts, verdicts


async def second_opinions(ctx: RunContext, concepts: list[Concept], brand: BrandObject, campaign: Campaign,
                          reviewer: Writer) -> list[Concept]:
    """A second model reviews each approved concept; a disagreement sends it to the human desk."""
    reviewer = layered(reviewer, factory=ctx.factory, run_id=ctx.run_id)
    out = []
    for concept in concepts:
        finding = await second_opinion(concept, brand=brand, campaign=campaign, writer=reviewer)
        if finding is not None:
            ctx.audit.append_many([NewEvent(kinds.VERDICT_RECORDED, concept.id, reviewer.id, {
                "attempt": concept.attempt, "route": "review", "checks": {"second_opinion": reviewer.id},
                "findings": [finding.model_dump(mode="json")], "scores": {}})])
        out.append(apply_second_opinion(concept, finding))
    return out
