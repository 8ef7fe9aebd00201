"""A fake writer that records the most calls it had in flight at once (for concurrency-cap tests)."""

from __future__ import annotations

import asyncio

from adloom.types import ConceptDraft
from adloom.writers.base import ConceptTask
from adloom.writers.fake import FakeWriter, minimal_draft


class PeakCountingWriter(FakeWriter):
    """Each call holds for ``hold`` seconds; ``peak`` is the highest number of overlapping calls seen."""

    def __init__(self, hold: float = 0.02) -> None:
        self.in_flight = 0
        self.peak = 0

        async def slow(task: ConceptTask) -> ConceptDraft:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            await asyncio.sleep(hold)
            self.in_flight -= 1
            return minimal_draft(task)

        super().__init__(slow)
