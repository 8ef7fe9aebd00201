"""Each local preset speaks its server's dialect, and keeps no more requests in flight than the server serves.
Real HTTP to the scripted local server; the real llama-cpp-python server is in test_llamacpp_conformance.py."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from adloom.errors import WriterError
from adloom.pipeline.calls import layered
from adloom.writers.base import ConceptTask
from adloom.writers.openai import LlamaCppWriter, LMStudioWriter, OpenAIWriter, _slot_count, _total_slots
from adloom.writers.prompts import render
from tests.writers_models.server import ModelServer, Reply, formula_responder, serve

# what llama-cpp-python answers a json_schema response format with (its pydantic model has no such type)
LLAMACPP_500 = Reply(500, {"error": {"message": "1 validation error for CreateChatCompletionRequest\n"
                                                "response_format.type\n  Input should be 'text' or 'json_object'"}})


def preset(cls: type[OpenAIWriter], server: ModelServer, **options: Any) -> OpenAIWriter:
    return cls("m", base_url=server.base_url, api_key="test-key", **options)


async def test_llamacpp_sends_json_object_with_schema(openai_server: ModelServer, concept_task: ConceptTask) -> None:
    assert (await preset(LlamaCppWriter, openai_server).run(concept_task)).hooks
    fmt = openai_server.requests[0]["response_format"]
    assert fmt["type"] == "json_object" and fmt["schema"]["title"] == "ConceptDraft"
    # the server holds the reply to the schema: the prompt does not carry it as well
    assert "JSON Schema" not in openai_server.requests[0]["messages"][1]["content"]


async def test_a_500_refusing_the_format_falls_back_not_retried(
        openai_server: ModelServer, concept_task: ConceptTask, store: sessionmaker[Session]) -> None:
    openai_server.script(LLAMACPP_500)
    w = preset(LlamaCppWriter, openai_server, schema_mode="json_schema")
    assert (await layered(w, factory=store, base_delay=0.01).run(concept_task)).hooks
    assert [r.get("response_format", {}).get("type") for r in openai_server.requests] == ["json_schema",
                                                                                          "json_object"]
    assert "schema" in openai_server.requests[1]["response_format"]


async def test_a_validation_error_is_not_a_timeout_and_not_retried(
        openai_server: ModelServer, concept_task: ConceptTask, store: sessionmaker[Session]) -> None:
    invalid = Reply(500, {"error": {"message": "1 validation error for CreateChatCompletionRequest\nmessages.0"
                                               "\n  Field required"}})
    openai_server.script(invalid, invalid, invalid, invalid)
    w = preset(OpenAIWriter, openai_server)
    with pytest.raises(WriterError, match="refused the request as invalid") as info:
        await layered(w, factory=store, base_delay=0.01).run(concept_task)
    assert type(info.value) is WriterError and not info.value.retryable
    assert len(openai_server.requests) == 1


async def test_lmstudio_falls_back_to_the_schema_in_the_prompt(openai_server: ModelServer,
                                                               concept_task: ConceptTask) -> None:
    openai_server.script(Reply(400, {"error": {"message": "'response_format.type' must be 'json_schema' or "
                                                          "'text'"}}))
    w = preset(LMStudioWriter, openai_server)
    w.schema_mode = "json_object"     # as if it had fallen back like the generic adapter
    w.schema_fallback = {"json_object": "none"}
    assert (await w.run(concept_task)).hooks
    assert "response_format" not in openai_server.requests[1]
    assert "JSON Schema" in openai_server.requests[1]["messages"][1]["content"]


def test_slots_as_servers_report_them() -> None:
    assert _total_slots({"total_slots": 4, "default_generation_settings": {}}) == 4
    assert _total_slots({"model_path": "x"}) is None
    assert _slot_count([{"id": 0}, {"id": 1}]) == 2 and _slot_count({"error": "disabled"}) is None


@pytest.mark.parametrize(("reported", "expected"), [(2, 2), (None, 1)])
async def test_local_preset_keeps_in_flight_to_the_servers_slots(
        concept_task: ConceptTask, monkeypatch: pytest.MonkeyPatch, reported: int | None, expected: int) -> None:
    in_flight, peak = 0, 0
    lock = threading.Lock()

    def responder(request: dict[str, Any]) -> Reply:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        return formula_responder(request)

    async def slots(self: OpenAIWriter) -> int | None:
        return reported

    monkeypatch.setattr(LlamaCppWriter, "server_slots", slots)
    with serve("openai", responder=responder) as server:
        w = preset(LlamaCppWriter, server, timeout=1.0)   # 4 x 0.3 s > 1 s: queued, not timed
        tasks = [concept_task.model_copy(update={"seed": str(i)}) for i in range(4)]
        drafts = await asyncio.gather(*(w.run(t) for t in tasks))
    assert all(d.hooks for d in drafts) and peak == expected and w.parallel == expected


async def test_an_explicit_parallel_setting_wins(openai_server: ModelServer) -> None:
    w = preset(LlamaCppWriter, openai_server, parallel=6)
    assert w.parallel == 6 and preset(OpenAIWriter, openai_server).parallel is None


def test_a_concept_prompt_carries_what_the_concept_needs(concept_task: ConceptTask) -> None:
    brand = concept_task.brand
    user = render(ConceptTask.template, task=concept_task, schema=None).user
    whole = len(brand.model_dump_json())
    assert len(user) < whole / 2        # the example brand alone was ~43,000 characters in every prompt
    other = next(s for s in brand.segments if s.id != concept_task.segment.id)
    assert other.label not in user or other.label in concept_task.segment.model_dump_json()
    quoted = next(e.quote for e in brand.evidence if e.quote and e.quote != e.text)
    assert quoted not in user and brand.name in user
