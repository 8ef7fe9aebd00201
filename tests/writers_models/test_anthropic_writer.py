"""The Anthropic adapter over real HTTP: the official SDK against a scripted local Messages server."""

from __future__ import annotations

import json
import sys

import pytest

from adloom.errors import ConfigError, ProviderTimeout, RateLimited, WriterError
from adloom.writers.anthropic import AnthropicWriter
from adloom.writers.base import ConceptTask
from adloom.writers.formula import write_concept
from tests.writers_models.server import ModelServer, Reply


def writer(server: ModelServer, **options: object) -> AnthropicWriter:
    return AnthropicWriter("claude-test", base_url=server.base_url, api_key="test-key", **options)  # type: ignore[arg-type]


async def test_forced_tool_call_carries_the_schema(anthropic_server: ModelServer,
                                                    concept_task: ConceptTask) -> None:
    draft = await writer(anthropic_server).run(concept_task)
    assert draft.hooks
    sent = anthropic_server.requests[0]
    assert sent["tool_choice"] == {"type": "tool", "name": "emit_ConceptDraft"}
    assert sent["tools"][0]["input_schema"]["title"] == "ConceptDraft"
    assert "<untrusted-data nonce" not in sent["system"] and "<untrusted-data nonce" in sent["messages"][0]["content"]


async def test_a_model_that_ignores_the_tool_is_still_read(anthropic_server: ModelServer,
                                                           concept_task: ConceptTask) -> None:
    text = "Here you go:\n```json\n" + write_concept(concept_task).model_dump_json() + "\n```"
    anthropic_server.script(Reply(body={
        "id": "m", "type": "message", "role": "assistant", "model": "claude-test", "stop_reason": "end_turn",
        "content": [{"type": "text", "text": text}], "usage": {"input_tokens": 10, "output_tokens": 20}}))
    assert (await writer(anthropic_server).run(concept_task)).hooks


async def test_schema_invalid_tool_input_is_reasked(anthropic_server: ModelServer,
                                                    concept_task: ConceptTask) -> None:
    anthropic_server.script(Reply(body={"__text__": json.dumps({"framework": "AIDA"})}))
    assert (await writer(anthropic_server).run(concept_task)).hooks
    assert "could not be used" in anthropic_server.requests[1]["messages"][-1]["content"]


@pytest.mark.parametrize(("reply", "error", "match"), [
    (Reply(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
           headers={"retry-after": "2"}), RateLimited, "rate limited"),
    (Reply(529, {"type": "error", "error": {"type": "overloaded_error", "message": "overloaded"}}),
     ProviderTimeout, "provider error 529"),
    (Reply(drop=True), ProviderTimeout, "cannot reach"),
])
async def test_failures_translate(anthropic_server: ModelServer, concept_task: ConceptTask, reply: Reply,
                                  error: type[Exception], match: str) -> None:
    anthropic_server.script(reply)
    with pytest.raises(error, match=match):
        await writer(anthropic_server).run(concept_task)


async def test_wrong_key(anthropic_server: ModelServer, concept_task: ConceptTask) -> None:
    w = AnthropicWriter("claude-test", base_url=anthropic_server.base_url, api_key="nope")
    with pytest.raises(WriterError, match="rejected the API key"):
        await w.run(concept_task)


def test_missing_key_and_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        AnthropicWriter("claude-test")
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ConfigError, match=r'pip install "adloom\[anthropic\]"'):
        AnthropicWriter("claude-test", api_key="k")
