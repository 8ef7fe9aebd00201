"""A model's second opinion on text the semantic layer is unsure of: one category, a structured judgement.

``adloom check`` asks it (when ``ADLOOM_VERIFY_WRITER`` names a model) for each text whose semantic
probability lies in a category's uncertain band: under the threshold, over the band. The judgement is the
category, the evidence span (the exact words, found in the text) and a confidence. It can only raise: a
judgement of a violation, with evidence that is really in the text and confidence at or over
``MIN_CONFIDENCE``, adds a ``review`` finding ``verify.<category>``. A disagreement, a failed call or an
answer whose evidence is not in the text adds nothing and is said in a note, so the deterministic layers'
findings and route never depend on a model.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, Field

from adloom.errors import WriterError
from adloom.types import Finding, Model
from adloom.writers.base import Task, Writer

__all__ = ["MIN_CONFIDENCE", "TEMPLATE", "Judged", "PolicyJudgeTask", "PolicyJudgement", "judge_many"]

TEMPLATE = "policy_judge@1"
MIN_CONFIDENCE = 0.6


class PolicyJudgement(Model):
    violates: bool
    category: str | None = None
    evidence: str = ""                          # the exact words of the text that break the category
    confidence: float = Field(ge=0.0, le=1.0)


class PolicyJudgeTask(Task[PolicyJudgement]):
    output_type: ClassVar[type[BaseModel]] = PolicyJudgement
    template: ClassVar[str] = TEMPLATE

    text: str
    category: str
    probability: float


@dataclass(frozen=True)
class Judged:
    finding: Finding | None        # a review finding when the model judged a violation, with evidence
    note: str                      # what happened, for the output (always set)


def _outcome(task: PolicyJudgeTask, answer: PolicyJudgement, writer_id: str, field: str) -> Judged:
    if not answer.violates:
        return Judged(None, f"second opinion ({writer_id}): not {task.category} "
                            f"(confidence {answer.confidence:.2f})")
    if answer.category != task.category:
        return Judged(None, f"second opinion ({writer_id}) answered for {answer.category!r}, not the category "
                            f"asked ({task.category}); ignored")
    start = task.text.find(answer.evidence) if answer.evidence.strip() else -1
    if start < 0:
        return Judged(None, f"second opinion ({writer_id}): its evidence is not in the text; ignored")
    if answer.confidence < MIN_CONFIDENCE:
        return Judged(None, f"second opinion ({writer_id}): {task.category} at confidence "
                            f"{answer.confidence:.2f}, under {MIN_CONFIDENCE}; not raised")
    end = start + len(answer.evidence)
    return Judged(Finding(rule_id=f"verify.{task.category}", pack=f"verify:{writer_id}@{TEMPLATE}",
                          severity="review", field=field, span=(start, end), excerpt=answer.evidence,
                          message=f"{writer_id} judges this {task.category} (confidence {answer.confidence:.2f}; "
                                  f"classifier {task.probability:.2f})",
                          fix_hint="A person should check this against the policy; a model raised it."),
                  f"second opinion ({writer_id}): {task.category}, raised to review")


async def _judge(task: PolicyJudgeTask, writer: Writer, field: str, gate: asyncio.Semaphore,
                 timeout: float) -> Judged:
    async with gate:
        try:
            answer = await asyncio.wait_for(writer.run(task), timeout)
        except TimeoutError:
            return Judged(None, f"second opinion ({writer.id}) gave no answer in {timeout:g} s; not raised")
        except WriterError as exc:
            return Judged(None, f"second opinion unavailable ({writer.id}): {exc}; not raised")
    return _outcome(task, answer, writer.id, field)


async def judge_many(asks: Sequence[tuple[PolicyJudgeTask, str]], writer: Writer, *, concurrency: int = 4,
                     timeout: float = 30.0) -> list[Judged]:
    """One judgement per (task, field), in order; at most ``concurrency`` calls at once."""
    gate = asyncio.Semaphore(concurrency)
    return list(await asyncio.gather(*(_judge(task, writer, field, gate, timeout) for task, field in asks)))
