"""The concept fan-out: a segment is written while the previous segment's draft is still being governed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog
from adloom.governance.constraints import constraints_for
from adloom.pipeline.angles import chosen_angles
from adloom.pipeline.fanout import governed_units
from adloom.types import Campaign, Concept, Verdict
from adloom.writers.base import ConceptTask, Task
from adloom.writers.formula.writer import FormulaWriter
from tests.governance_context.corpus import example_brand


class SpyWriter(FormulaWriter):
    """The formula writer, logging each concept task and the hooks it was told to avoid."""

    def __init__(self, events: list[tuple[str, str]], avoided: dict[str, list[str]]) -> None:
        super().__init__()
        self.events, self.avoided = events, avoided

    async def run(self, task: Task[Any]) -> Any:
        if isinstance(task, ConceptTask):
            self.events.append(("write", task.segment.id))
            self.avoided[task.segment.id] = list(task.constraints.avoid_hooks)
        return await super().run(task)


def test_next_segment_starts_before_the_previous_verdict(store: sessionmaker[Session]) -> None:
    brand = example_brand()
    campaign = Campaign(vertical=brand.vertical)
    events: list[tuple[str, str]] = []
    avoided: dict[str, list[str]] = {}
    writer = SpyWriter(events, avoided)

    async def slow_check(concept: Concept) -> Verdict:
        events.append(("check-start", concept.segment_id))
        await asyncio.sleep(0.05)               # a slow sentence model
        events.append(("check-end", concept.segment_id))
        return Verdict(concept_id=concept.id, attempt=concept.attempt, route="approve", created_at=datetime.now(UTC))

    async def go() -> list[Any]:
        angles = await chosen_angles(brand, [], n=1, writer=writer)
        return await governed_units(
            brand, angles, writer=writer, check=slow_check, max_attempts=3, concurrency=8, factory=store,
            audit=AuditLog(store), advance=lambda: None,
            limits=lambda previous: constraints_for(brand, campaign, previous=previous))

    units = asyncio.run(go())
    first, second, third = (s.id for s in brand.segments[:3])
    assert [u.concept.segment_id for u in units] == [first, second, third]
    assert events.index(("write", second)) < events.index(("check-end", first))
    assert events.index(("write", third)) < events.index(("check-end", second))
    # each segment avoided the hooks of the ones before it
    hooks = {u.concept.segment_id: [h.text for h in u.concept.draft.hooks] for u in units if u.concept.draft}
    assert avoided[first] == [] and avoided[second] == hooks[first]
    assert avoided[third] == hooks[first] + hooks[second]
