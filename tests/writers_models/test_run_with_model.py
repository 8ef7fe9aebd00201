"""The whole pipeline with ``openai:some-model`` against the local server: same outputs as offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adloom.brand.yamlio import load_brand
from adloom.pipeline.calls import load_usage
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.store.tables import WriterCallRow
from adloom.types import Campaign
from adloom.writers.openai import OpenAIWriter
from tests.writers_models.conftest import brand_folder
from tests.writers_models.server import ModelServer, Reply, formula_responder, section_json, serve


async def _run(folder: Path, server: ModelServer, store: sessionmaker[Session], tmp_path: Path) -> RunResult:
    # the driver wraps the writer itself (cache, retries, recording); the test passes the bare adapter
    model = OpenAIWriter("some-model", base_url=server.base_url, api_key="test-key")
    return await run(folder, factory=store, writer=model, campaign=Campaign(), out_root=tmp_path / "out",
                     options=RunOptions(render=False, concurrency=16, writer_retries=2))


async def test_example_brand_through_a_model_server(openai_server: ModelServer, store: sessionmaker[Session],
                                                    tmp_path: Path) -> None:
    folder = brand_folder(tmp_path)
    result = await _run(folder, openai_server, store, tmp_path)
    assert result.summary.writer_id == "openai:some-model"
    assert result.summary.concepts == 15 and result.summary.by_status == {"approved": 15}
    for name in ("concepts", "report", "meta", "google", "tiktok"):
        assert result.outputs[name].exists(), name
    # one brand extraction, one angle pick, fifteen concepts plus one rewrite per regeneration
    calls = 17 + result.summary.regenerations
    assert len(openai_server.requests) == calls
    usage = load_usage(store, result.summary.run_id)
    assert usage["concepts"]["calls"] == 15 + result.summary.regenerations
    assert usage["concepts"]["input_tokens"] > 0
    assert usage["brand"]["calls"] == 1 and usage["angles"]["calls"] == 1
    assert usage["total"]["errors"] == 0
    assert result.summary.writer_usage["total"]["calls"] == calls
    report = result.outputs["report"].read_text()
    assert "Writer calls, tokens and cost" in report and f"<td>{calls}</td>" in report

    # brand.yaml is written off the event loop, the offline extraction first: the model's reading is last
    assert load_brand(folder / "brand.yaml") == result.brand

    again = await _run(folder, openai_server, store, tmp_path)
    assert again.summary.reused_run == result.summary.run_id
    assert len(openai_server.requests) == calls     # zero model calls on the unchanged rerun


async def test_a_failing_segment_fails_alone(store: sessionmaker[Session], tmp_path: Path) -> None:
    def responder(request: dict[str, Any]) -> Reply:
        try:
            segment = section_json(request["messages"][1]["content"], "SEGMENT")["id"]
        except ValueError:      # brand and angle prompts carry no segment
            segment = None
        if segment == "weekend-warriors":
            return Reply(500, {"error": {"message": "GPU fell over"}})
        return formula_responder(request)

    with serve("openai", responder=responder) as server:
        result = await _run(brand_folder(tmp_path), server, store, tmp_path)
    failed = [c for c in result.concepts if c.status == "failed"]
    assert len(failed) == 5 and {c.segment_id for c in failed} == {"weekend-warriors"}
    assert all(c.error and "gave up after 2 attempts" in c.error and "GPU fell over" in c.error for c in failed)
    assert result.summary.by_status["approved"] == 10
    with store() as session:
        errors = session.scalar(select(func.count()).select_from(WriterCallRow).where(
            WriterCallRow.error.is_not(None)))
    assert errors == 10          # two attempts per failed concept, each a row
