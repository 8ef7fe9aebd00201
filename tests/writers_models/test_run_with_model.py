"""The whole pipeline with ``openai:some-model`` against the local server: same outputs as offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.store.tables import WriterCallRow
from adloom.types import Campaign
from adloom.writers.openai import OpenAIWriter
from adloom.writers.pricing import load_usage
from adloom.writers.wrappers import wrap
from tests.writers_models.conftest import brand_folder
from tests.writers_models.server import ModelServer, Reply, formula_responder, section_json, serve


async def _run(folder: Path, server: ModelServer, store: sessionmaker[Session], tmp_path: Path,
               run_id: str) -> RunResult:
    model = OpenAIWriter("some-model", base_url=server.base_url, api_key="test-key")
    writer = wrap(model, factory=store, run_id=run_id, base_delay=0.01, max_delay=0.02, retries=2)
    return await run(folder, factory=store, writer=writer, campaign=Campaign(), out_root=tmp_path / "out",
                     options=RunOptions(render=False, concurrency=16))


async def test_example_brand_through_a_model_server(openai_server: ModelServer, store: sessionmaker[Session],
                                                    tmp_path: Path) -> None:
    folder = brand_folder(tmp_path)
    result = await _run(folder, openai_server, store, tmp_path, "first")
    assert result.summary.writer_id == "openai:some-model"
    assert result.summary.concepts == 15 and result.summary.by_status == {"approved": 15}
    for name in ("concepts", "report", "meta", "google", "tiktok"):
        assert result.outputs[name].exists(), name
    assert len(openai_server.requests) == 15
    usage = load_usage(store, "first")
    assert usage["concepts"]["calls"] == 15 and usage["concepts"]["input_tokens"] > 0
    assert usage["total"]["errors"] == 0

    again = await _run(folder, openai_server, store, tmp_path, "second")
    assert again.summary.reused == 15 and len(openai_server.requests) == 15     # zero model calls


async def test_a_failing_segment_fails_alone(store: sessionmaker[Session], tmp_path: Path) -> None:
    def responder(request: dict[str, Any]) -> Reply:
        if section_json(request["messages"][1]["content"], "SEGMENT")["id"] == "weekend-warriors":
            return Reply(500, {"error": {"message": "GPU fell over"}})
        return formula_responder(request)

    with serve("openai", responder=responder) as server:
        result = await _run(brand_folder(tmp_path), server, store, tmp_path, "r")
    failed = [c for c in result.concepts if c.status == "failed"]
    assert len(failed) == 5 and {c.segment_id for c in failed} == {"weekend-warriors"}
    assert all(c.error and "gave up after 2 attempts" in c.error and "GPU fell over" in c.error for c in failed)
    assert result.summary.by_status["approved"] == 10
    with store() as session:
        errors = session.scalar(select(func.count()).select_from(WriterCallRow).where(
            WriterCallRow.error.is_not(None)))
    assert errors == 10          # two attempts per failed concept, each a row
