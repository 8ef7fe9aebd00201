"""The writer interface: one abstract method from a typed task to its typed output.

A task names the pydantic type it must produce and the prompt template a model-backed writer renders
for it; the offline ``formula`` writer dispatches on the task type instead of a prompt. Caching, retries,
rate limits and call logging are wrappers around a writer (see ``writers.wrappers``), never flags on it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from adloom.types import Angle, BrandObject, ConceptDraft, Constraints, Model, Segment

OutT = TypeVar("OutT", bound=BaseModel)


class Task(Model, Generic[OutT]):
    """A unit of writing. Subclasses set ``output_type`` and ``template`` (prompt id@version)."""

    output_type: ClassVar[type[BaseModel]]
    template: ClassVar[str]

    def cache_payload(self) -> dict[str, object]:
        """What the content-addressed cache key is computed from (besides writer id)."""
        return {"task": type(self).__name__, "template": self.template, **self.model_dump(mode="json")}


class ConceptTask(Task[ConceptDraft]):
    """Write hooks, scripts, static copy and a UGC brief for one angle x segment."""

    output_type: ClassVar[type[BaseModel]] = ConceptDraft
    template: ClassVar[str] = "concept@2"        # @2: winning hook structures from the feedback loop

    brand: BrandObject
    angle: Angle
    segment: Segment
    constraints: Constraints
    seed: str                 # content-derived: the same inputs give the same draft
    attempt: int = 1


class Writer(ABC):
    """Produces typed output for a task. Implementations are async; the CLI wraps with asyncio.run."""

    id: str = "writer"
    supports_schema: ClassVar[bool] = False      # native JSON-schema response formats
    offline: ClassVar[bool] = False              # needs no network and no key

    @abstractmethod
    async def run(self, task: Task[OutT]) -> OutT:
        """Return the task's ``output_type``; raise ``adloom.errors.WriterError`` subclasses on failure."""

    def prepare(self, task_types: Iterable[type[Task[Any]]]) -> None:
        """Do now the one-time work the first call of each task type would otherwise pay for (compiling
        its prompt template, generating its output schema). Thread-safe: the driver calls it on a worker
        thread while it waits for a model. Optional; a writer without such work does nothing."""
        return None
