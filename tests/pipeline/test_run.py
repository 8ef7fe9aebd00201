"""The whole pipeline on the example brand, on a fresh store (SQLite or PostgreSQL)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adloom.brand.yamlio import load_brand
from adloom.naming import parse_ad_name
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.platforms import limit
from adloom.store.tables import RunRow
from adloom.types import Campaign, GoogleRSACopy, MetaCopy, TikTokCopy
from adloom.writers.registry import get_writer
from tests.conftest import EXAMPLE_BRAND


@pytest.fixture
def brand_dir(tmp_path: Path) -> Path:
    target = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, target, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    return target


async def _run(brand_dir: Path, store: sessionmaker[Session], tmp_path: Path, *, force: bool = False) -> RunResult:
    return await run(brand_dir, factory=store, writer=get_writer("formula"), campaign=Campaign(),
                     out_root=tmp_path / "out", options=RunOptions(render=False, force=force))


async def test_example_brand_end_to_end(brand_dir: Path, store: sessionmaker[Session], tmp_path: Path) -> None:
    result = await _run(brand_dir, store, tmp_path)
    s = result.summary
    assert s.concepts == 15 and len(s.angles) == 5
    hooks = {h.text.lower() for c in result.concepts if c.draft for h in c.draft.hooks}
    # up to five a concept; fewer where a segment's material runs out (a phrase is never said twice)
    assert len(hooks) >= 60
    assert s.by_status.get("approved") == 15, s.by_status
    assert not [w for w in s.warnings if w.file in ("brand.yaml", "assets/")], "the example brand lacks nothing"
    assert s.flagged_inputs, "the transcript's injection attempt must be flagged"
    version = result.brand.version()
    for concept in result.concepts:
        assert concept.brand_version == version
        assert concept.draft is not None
        for copy in concept.draft.copy_variants:
            if isinstance(copy, MetaCopy):
                assert len(copy.primary_text) <= limit("meta", "primary_text")
                assert len(copy.headline) <= limit("meta", "headline")
            elif isinstance(copy, GoogleRSACopy):
                assert all(len(h) <= limit("google", "headline") for h in copy.headlines)
                assert all(len(d) <= limit("google", "description") for d in copy.descriptions)
            elif isinstance(copy, TikTokCopy):
                assert len(copy.ad_text) <= limit("tiktok", "ad_text")
    for name in ("concepts", "report", "meta", "google", "tiktok"):
        assert result.outputs[name].exists(), name
    with result.outputs["meta"].open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    approved = {c.id[:8] for c in result.concepts if c.status == "approved"}
    assert rows and {parse_ad_name(r["Ad Name"]).concept for r in rows} <= approved
    # the injected instruction never became copy
    assert "cures arthritis" not in result.outputs["concepts"].read_text().lower()


async def test_unchanged_rerun_reuses_the_run_and_forced_rerun_every_concept(
        brand_dir: Path, store: sessionmaker[Session], tmp_path: Path) -> None:
    first = await _run(brand_dir, store, tmp_path)
    again = await _run(brand_dir, store, tmp_path)
    assert again.summary.reused_run == first.summary.run_id and again.outputs == first.outputs
    forced = await _run(brand_dir, store, tmp_path, force=True)
    assert forced.summary.reused_run is None and forced.out_dir != first.out_dir
    assert forced.summary.reused == forced.summary.concepts == first.summary.concepts
    assert forced.summary.writer_calls == 0
    assert [c.id for c in forced.concepts] == [c.id for c in first.concepts]


async def test_a_changed_or_deleted_output_is_not_reused(brand_dir: Path, store: sessionmaker[Session],
                                                         tmp_path: Path) -> None:
    first = await _run(brand_dir, store, tmp_path)
    first.outputs["meta"].write_text("edited by hand")
    second = await _run(brand_dir, store, tmp_path)
    assert second.summary.reused_run is None and second.out_dir != first.out_dir
    (brand_dir / "personas" / "weekend-warriors.yaml").write_text(
        (brand_dir / "personas" / "weekend-warriors.yaml").read_text().replace("waking up sore", "stiff calves"))
    third = await _run(brand_dir, store, tmp_path)
    assert third.summary.reused_run is None and third.summary.brand_version != first.summary.brand_version


async def test_interrupted_run_resumes(brand_dir: Path, store: sessionmaker[Session], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from adloom.pipeline import export

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "exports", boom)
    begun: list[tuple[str, Path]] = []
    with pytest.raises(KeyboardInterrupt):
        await run(brand_dir, factory=store, writer=get_writer("formula"), campaign=Campaign(),
                  out_root=tmp_path / "out", options=RunOptions(render=False),
                  on_start=lambda run_id, out: begun.append((run_id, out)))
    monkeypatch.undo()
    [(run_id, out_dir)] = begun
    with store() as session:
        assert session.get(RunRow, run_id).status == "interrupted"  # type: ignore[union-attr]
    result = await _run(brand_dir, store, tmp_path)
    assert (result.summary.run_id, result.out_dir) == (run_id, out_dir)     # the same run, finished
    assert result.summary.reused == result.summary.concepts     # the work done before the cut was kept
    with store() as session:
        assert [(r.id, r.status) for r in session.scalars(select(RunRow))] == [(run_id, "done")]
    assert result.outputs["report"].exists()
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers


async def test_audit_chain_verifies_after_a_run(brand_dir: Path, store: sessionmaker[Session],
                                                tmp_path: Path) -> None:
    from adloom.audit import verify

    await _run(brand_dir, store, tmp_path)
    report = verify(store)
    assert report.ok and report.events > 30


async def test_a_run_saves_its_brand(brand_dir: Path, store: sessionmaker[Session], tmp_path: Path) -> None:
    result = await _run(brand_dir, store, tmp_path)
    assert load_brand(brand_dir / "brand.yaml") == result.brand
