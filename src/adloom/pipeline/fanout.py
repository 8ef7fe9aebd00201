"""Stage driver for the concepts: angle x segment units, fanned out under a bounded semaphore.

Within an angle the segments go in order, each told the hooks the earlier ones used, so one angle's
concepts differ in substance rather than by rewording (prevention before suppression). A segment starts
as soon as the previous one's first draft exists, while that draft is still being governed: the hooks
it avoids are the earlier segments' first-draft hooks (a regenerated draft's new hooks are not added).
Each finished unit commits on its own; a unit already in the store (same content address) is reused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog
from adloom.pipeline import concepts as concepts_stage
from adloom.pipeline.events import concept_events
from adloom.store import concepts as concept_store
from adloom.store.db import transaction
from adloom.types import (
    Angle,
    BrandObject,
    Concept,
    ConceptDraft,
    Constraints,
    Finding,
    RunSummary,
    Segment,
    Verdict,
)
from adloom.writers.base import Writer
from adloom.writers.tasks import RewriteTask, supports

Check = Callable[[Concept], Awaitable[Verdict]]
Limits = Callable[[list[Finding]], Constraints]
Tune = Callable[[Angle, Segment, Constraints], Constraints]


@dataclass
class Unit:
    concept: Concept
    first_draft_failed: bool = False
    attempts: int = 0
    reused: bool = False


async def governed_units(brand: BrandObject, angles: list[Angle], *, writer: Writer, check: Check, limits: Limits,
                         max_attempts: int, concurrency: int, factory: sessionmaker[Session], audit: AuditLog,
                         advance: Callable[[], None], tune: Tune | None = None) -> list[Unit]:
    """``tune`` adjusts a unit's constraints to its share of the run (the feedback allocation)."""
    semaphore = asyncio.Semaphore(max(1, concurrency))
    version = brand.version()
    rewrites = supports(writer, RewriteTask)

    async def one(angle: Angle, segment: Segment, used_hooks: list[str],
                  drafted: asyncio.Future[list[str]]) -> Unit:
        """``drafted`` gets the hooks of the unit's first draft (or stored concept) as soon as they exist."""
        def constraints(previous: list[Finding]) -> Constraints:
            base = limits(previous).model_copy(update={"avoid_hooks": list(used_hooks)})
            return tune(angle, segment, base) if tune is not None else base

        def first_draft(draft: ConceptDraft | None) -> None:
            if not drafted.done():
                drafted.set_result([h.text for h in draft.hooks] if draft else [])

        try:
            async with semaphore:
                cid = concepts_stage.concept_id(version, angle, segment, writer.id, constraints([]))
                with factory() as session:
                    stored = concept_store.get_concept(session, cid)
                if stored is not None and stored.status != "failed":
                    first_draft(stored.draft)
                    advance()
                    return Unit(stored, reused=True, attempts=stored.attempt)
                result = await concepts_stage.governed_concept(
                    brand, angle, segment, writer=writer, check=check, constraints_for=constraints,
                    max_attempts=max_attempts, brand_version=version, on_first_draft=first_draft)
        finally:
            first_draft(None)       # the chain must never wait on a unit that ended without a draft
        with transaction(factory) as session:
            concept_store.save_concept(session, result.concept, result.verdicts)
            audit.append_many_in(session, concept_events(result, writer.id, rewrites))
        advance()
        return Unit(result.concept, result.first_draft_failed, len(result.verdicts))

    async def chain(angle: Angle) -> list[Unit]:
        used: list[str] = []
        units: list[asyncio.Task[Unit]] = []
        try:
            for segment in brand.segments:
                drafted: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
                units.append(asyncio.ensure_future(one(angle, segment, list(used), drafted)))
                used.extend(await drafted)    # the next segment starts while this draft is governed
            return list(await asyncio.gather(*units))
        except BaseException:
            for task in units:
                task.cancel()
            raise

    chains = await asyncio.gather(*(chain(angle) for angle in angles))
    return [unit for units in chains for unit in units]


def fill_counts(summary: RunSummary, concepts: list[Concept], units: list[Unit]) -> None:
    summary.concepts = len(concepts)
    summary.hooks = sum(len(c.draft.hooks) for c in concepts if c.draft)
    summary.by_status = {}
    for concept in concepts:
        summary.by_status[concept.status] = summary.by_status.get(concept.status, 0) + 1
    fresh = [u for u in units if not u.reused]
    summary.reused = len(units) - len(fresh)
    summary.first_draft_failures = sum(u.first_draft_failed for u in fresh)
    summary.regenerations = sum(max(0, u.attempts - 1) for u in fresh)
    summary.writer_calls = sum(u.attempts for u in fresh)
