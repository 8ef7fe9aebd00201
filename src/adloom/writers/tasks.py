"""Task types beyond ``ConceptTask``: every layer a model can do, each returning the offline path's types.

    BrandTask    Document[]                          -> BrandObject   (brand extraction)
    AnglesTask   BrandObject + candidate Angle[]     -> AngleList     (angle mining / re-ranking)
    RewriteTask  ConceptDraft + governance reasons   -> ConceptDraft  (repair, not a fresh draft)

The offline ``formula`` writer handles ``ConceptTask`` only; ``supports(writer, TaskType)`` tells the
driver whether to hand a layer to the writer or keep the deterministic stage.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field

from adloom.types import (
    Angle,
    BrandObject,
    ConceptDraft,
    Constraints,
    Document,
    Finding,
    Model,
    Segment,
)
from adloom.writers.base import ConceptTask, Task, Writer

__all__ = ["AngleList", "AnglesTask", "BrandTask", "RewriteTask", "supports", "unwrap", "valid_angles"]


class BrandTask(Task[BrandObject]):
    """Extract a brand object from documents. ``baseline`` is the offline extraction, given as a start."""

    output_type: ClassVar[type[BaseModel]] = BrandObject
    template: ClassVar[str] = "brand@1"

    slug: str
    documents: list[Document]
    baseline: BrandObject | None = None


class AngleList(Model):
    """A list wrapper, because structured output wants an object at the top level."""

    angles: list[Angle] = Field(default_factory=list)


class AnglesTask(Task[AngleList]):
    """Choose and rank ``n`` angles for the brand from the candidate catalogue (ids must come from it)."""

    output_type: ClassVar[type[BaseModel]] = AngleList
    template: ClassVar[str] = "angles@1"

    brand: BrandObject
    candidates: list[Angle]
    n: int = 5


class RewriteTask(Task[ConceptDraft]):
    """Repair a draft that governance sent back, keeping what passed and fixing what the reasons name."""

    output_type: ClassVar[type[BaseModel]] = ConceptDraft
    template: ClassVar[str] = "rewrite@1"

    brand: BrandObject
    angle: Angle
    segment: Segment
    constraints: Constraints
    draft: ConceptDraft
    reasons: list[Finding]
    attempt: int = 2


def unwrap(writer: Writer) -> Writer:
    """The innermost writer under any wrappers (they expose ``inner``)."""
    while isinstance(getattr(writer, "inner", None), Writer):
        writer = writer.inner  # type: ignore[attr-defined]
    return writer


def supports(writer: Writer, task_type: type[Task[Any]]) -> bool:
    """Whether ``writer`` (wrapped or not) can run ``task_type``.

    Writers declare ``handles`` (a tuple of task types); one without it is an offline writer that
    writes concepts only, which is what ``formula`` and ``fake`` do.
    """
    handles: tuple[type[Task[Any]], ...] = getattr(unwrap(writer), "handles", (ConceptTask,))
    return issubclass(task_type, handles)


def valid_angles(result: AngleList, task: AnglesTask) -> list[Angle]:
    """Keep only catalogue angles (a model may not invent ids), at most ``n``, deduplicated, best first."""
    known = {a.id: a for a in task.candidates}
    out: list[Angle] = []
    for angle in result.angles:
        if angle.id in known and angle.id not in {a.id for a in out}:
            out.append(angle)
    return out[: task.n]
