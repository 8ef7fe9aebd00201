"""The fake writer: scripted answers and failures in order, callables, a default draft, a call count."""

from __future__ import annotations

import pytest

from adloom.errors import RateLimited, WriterError
from adloom.platforms import limit
from adloom.types import ConceptDraft, GoogleRSACopy, MetaCopy
from adloom.writers.base import ConceptTask, Task
from adloom.writers.fake import FakeWriter, minimal_draft
from adloom.writers.registry import get_writer
from tests.writers.conftest import TaskFactory


async def test_default_is_a_minimal_valid_draft(make_task: TaskFactory) -> None:
    writer = FakeWriter()
    draft = await writer.run(make_task())
    assert isinstance(draft, ConceptDraft) and writer.calls == 1
    assert draft.hooks and draft.scripts[0].beats[-1].end == 15
    assert {c.platform for c in draft.copy_variants} == {"meta", "google", "tiktok"}
    rsa = next(c for c in draft.copy_variants if isinstance(c, GoogleRSACopy))
    assert len(rsa.headlines) >= 5 and all(len(h) <= limit("google", "headline") for h in rsa.headlines)
    meta = next(c for c in draft.copy_variants if isinstance(c, MetaCopy))
    assert meta.primary_text.startswith(draft.hooks[0].text)


async def test_scripted_answers_and_errors_come_in_order_then_the_default(make_task: TaskFactory) -> None:
    task = make_task()
    scripted = minimal_draft(task).model_copy(update={"framework": "PAS"})
    writer = FakeWriter([RateLimited("slow down"), scripted])
    with pytest.raises(RateLimited):
        await writer.run(task)
    assert (await writer.run(task)).framework == "PAS"
    assert (await writer.run(task)).framework == "AIDA"
    assert writer.calls == 3 and writer.tasks == [task, task, task]


async def test_callable_responder_sync_and_async(make_task: TaskFactory) -> None:
    def by_attempt(task: Task[ConceptDraft]) -> ConceptDraft:
        assert isinstance(task, ConceptTask)
        return minimal_draft(task).model_copy(update={"framework": f"attempt-{task.attempt}"})

    async def later(task: Task[ConceptDraft]) -> ConceptDraft:
        return by_attempt(task)

    assert (await FakeWriter(by_attempt).run(make_task(attempt=2))).framework == "attempt-2"
    assert (await FakeWriter(later).run(make_task(attempt=3))).framework == "attempt-3"


async def test_non_concept_task_needs_a_script() -> None:
    class OtherTask(Task[ConceptDraft]):
        output_type = ConceptDraft
        template = "other@1"

    with pytest.raises(WriterError):
        await FakeWriter().run(OtherTask())


def test_selected_by_name() -> None:
    writer = get_writer("fake")
    assert isinstance(writer, FakeWriter) and writer.id == "fake" and writer.offline
    named = get_writer("fake:scripted")
    assert isinstance(named, FakeWriter) and named.model == "scripted"
