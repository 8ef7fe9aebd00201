"""Cache, records, cost, retries and rate limits, with the real store and fake clocks."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adloom.pipeline.calls import layered as wrap
from adloom.pipeline.calls import load_usage
from adloom.store.tables import WriterCallRow
from adloom.writers.base import ConceptTask
from adloom.writers.formula import FormulaWriter
from adloom.writers.openai import OpenAIWriter
from adloom.writers.pricing import PriceTable, stage_of
from adloom.writers.tasks import AnglesTask, BrandTask, RewriteTask, supports
from tests.writers_models.in_flight import PeakCountingWriter
from tests.writers_models.server import ModelServer


def _rows(store: sessionmaker[Session]) -> list[WriterCallRow]:
    with store() as session:
        return list(session.scalars(select(WriterCallRow).order_by(WriterCallRow.id)))


async def test_every_call_is_a_row_with_tokens_and_cost(openai_server: ModelServer, concept_task: ConceptTask,
                                                        store: sessionmaker[Session]) -> None:
    prices = PriceTable.load()
    model = OpenAIWriter("gpt-4o-mini", base_url=openai_server.base_url, api_key="test-key")
    w = wrap(model, factory=store, run_id="run-1", prices=prices)
    assert w.id == "openai:gpt-4o-mini"
    await w.run(concept_task)
    [row] = _rows(store)
    assert (row.run_id, row.writer_id, row.template, row.cache_hit) == ("run-1", "openai:gpt-4o-mini",
                                                                          "concept@2", 0)
    assert row.input_tokens > 1000 and row.output_tokens > 100
    assert row.cost == pytest.approx((row.input_tokens * 0.15 + row.output_tokens * 0.60) / 1e6)
    assert row.request["provider"] == "openai" and len(row.request["prompt_hash"]) == 64
    assert row.request["params"]["temperature"] == 0.7 and row.request["messages"][0]["role"] == "system"
    assert row.response and row.response["replies"][0]["raw"]["usage"]["prompt_tokens"] == row.input_tokens
    assert row.latency_ms > 0 and row.error is None


async def test_unchanged_task_is_served_from_cache(openai_server: ModelServer, concept_task: ConceptTask,
                                                   store: sessionmaker[Session]) -> None:
    model = OpenAIWriter("m", base_url=openai_server.base_url, api_key="test-key")
    first = await wrap(model, factory=store, run_id="a").run(concept_task)
    again = await wrap(model, factory=store, run_id="b").run(concept_task)
    assert again == first and len(openai_server.requests) == 1
    changed = concept_task.model_copy(update={"attempt": 2})
    await wrap(model, factory=store, run_id="b").run(changed)
    assert len(openai_server.requests) == 2
    usage = load_usage(store, "b")
    assert usage["concepts"]["calls"] == 2 and usage["concepts"]["cache_hits"] == 1
    assert usage["total"]["input_tokens"] == _rows(store)[-1].input_tokens


async def test_cache_key_includes_parameters(openai_server: ModelServer, concept_task: ConceptTask,
                                             store: sessionmaker[Session]) -> None:
    for temperature in (0.7, 0.2):
        model = OpenAIWriter("m", base_url=openai_server.base_url, api_key="test-key", temperature=temperature)
        await wrap(model, factory=store).run(concept_task)
    assert len(openai_server.requests) == 2


async def test_formula_calls_are_recorded_too(concept_task: ConceptTask, store: sessionmaker[Session]) -> None:
    await wrap(FormulaWriter(), factory=store, run_id="f").run(concept_task)
    [row] = _rows(store)
    assert row.writer_id == "formula" and row.input_tokens == 0 and row.request["priced"]


# retries and rate limits alone: tests/writers_models/test_retry_limits.py


async def test_the_layered_writer_applies_the_concurrency_cap(concept_task: ConceptTask,
                                                             store: sessionmaker[Session]) -> None:
    """The layer alone is tested in test_retry_limits; this checks ``layered`` wires the setting through."""
    inner = PeakCountingWriter()
    w = wrap(inner, factory=store, concurrency=2, cache=False)
    tasks = [concept_task.model_copy(update={"seed": str(i)}) for i in range(6)]
    await asyncio.gather(*(w.run(t) for t in tasks))
    assert inner.peak == 2


def test_price_table_matching(tmp_path: object) -> None:
    table = PriceTable.load()
    assert table.cost("ollama:llama3.1", 1000, 1000) == 0
    assert table.cost("anthropic:claude-sonnet-4-5", 1_000_000, 0) == 3.0
    assert table.cost("openai:unknown-model", 10, 10) is None
    assert stage_of("rewrite@1") == "concepts" and stage_of("brand@1") == "brand"


def test_supports_tells_model_writers_from_offline_ones(openai_server: ModelServer,
                                                        store: sessionmaker[Session]) -> None:
    model = wrap(OpenAIWriter("m", base_url=openai_server.base_url, api_key="k"), factory=store)
    for task_type in (BrandTask, AnglesTask, RewriteTask, ConceptTask):
        assert supports(model, task_type)
    assert supports(wrap(FormulaWriter(), factory=store), ConceptTask)
    assert not supports(wrap(FormulaWriter(), factory=store), BrandTask)


def test_usage_reads_the_figures_and_the_priced_flag_without_the_bodies(store: sessionmaker[Session]) -> None:
    from datetime import UTC, datetime

    def row(template: str, priced: object, **figures: object) -> WriterCallRow:
        request = {"task": "ConceptTask", "messages": [{"role": "user", "content": "x" * 5000}]}
        if priced is not None:
            request["priced"] = priced
        return WriterCallRow(run_id="u", cache_key="k", writer_id="openai:m", template=template,
                             created_at=datetime.now(UTC), request=request, **figures)

    with store() as session, session.begin():
        session.add_all([
            row("concept@1", True, input_tokens=100, output_tokens=20, cost=0.5, latency_ms=300.0),
            row("rewrite@1", False, input_tokens=50, output_tokens=10, latency_ms=200.0, error="RateLimited: 429"),
            row("brand@1", None, cache_hit=1, latency_ms=2.0),        # a row from before the flag existed
            row("concept@1", True, cache_hit=1, latency_ms=1.0),
        ])
    usage = load_usage(store, "u")
    concepts, total = usage["concepts"], usage["total"]
    assert (concepts["calls"], concepts["cache_hits"], concepts["errors"], concepts["unpriced_calls"]) == (3, 1, 1, 1)
    assert (concepts["input_tokens"], concepts["output_tokens"], concepts["cost"]) == (150, 30, 0.5)
    assert concepts["latency_ms"] == 500.0 and concepts["max_latency_ms"] == 300.0
    assert usage["brand"]["unpriced_calls"] == 0 and total["calls"] == 4 and total["writers"] == ["openai:m"]
