"""Stages: render (when asked) and export, then the run's closing record: counts, governance rates,
writer usage, output hashes, export events and the finished row, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adloom.audit import kinds
from adloom.governance.metrics import governance_metrics
from adloom.pipeline.calls import load_usage
from adloom.pipeline.context import RenderFn, RunContext, RunResult
from adloom.pipeline.events import asset_events, export_event
from adloom.pipeline.executor import Executor, ExportJob
from adloom.pipeline.fanout import Unit, fill_counts
from adloom.store import concepts as concept_store
from adloom.store import reviews as review_store
from adloom.store.db import transaction
from adloom.types import Asset, BrandObject, Campaign, Concept, RunSummary, Verdict, sha256_file

__all__ = ["finished", "rendered"]


async def rendered(ctx: RunContext, executor: Executor, render_assets: RenderFn | None, concepts: list[Concept],
                   brand: BrandObject, summary: RunSummary, out_dir: Path, brand_dir: Path) -> dict[str, list[Asset]]:
    """Each concept's assets by concept id; none when rendering is off. Failures join the summary."""
    if not ctx.options.render or render_assets is None:
        return {}
    with ctx.timed("render"):
        assets, summary.render_errors = await executor.render(ctx, render_assets, concepts, brand, out_dir,
                                                              brand_dir)
    summary.assets = [a for items in assets.values() for a in items]
    ctx.audit.append_many(asset_events(assets))
    return assets


async def finished(ctx: RunContext, executor: Executor, summary: RunSummary, out_dir: Path, brand: BrandObject,
                   campaign: Campaign, units: list[Unit], concepts: list[Concept], verdicts: dict[str, list[Verdict]],
                   assets: dict[str, list[Asset]]) -> RunResult:
    """The exports written, then the run recorded as done."""
    fill_counts(summary, concepts, units)
    summary.governance = governance_metrics(verdicts.values()).model_dump(exclude={"concepts", "verdicts"})
    summary.writer_usage = load_usage(ctx.factory, ctx.run_id)
    summary.finished_at = datetime.now(UTC)
    summary.stage_seconds = dict(ctx.stage_seconds)
    ctx.progress.stage("export")
    with ctx.timed("export"):
        outputs = await executor.exports(ctx, ExportJob(concepts, verdicts, brand, campaign, summary, out_dir,
                                                        assets))
    summary.stage_seconds = dict(ctx.stage_seconds)
    summary.outputs = {k: str(v) for k, v in outputs.items()}
    summary.output_hashes = {k: sha256_file(v) for k, v in outputs.items()}
    with transaction(ctx.factory) as session:
        ctx.audit.append_many_in(session, [export_event(ctx.run_id, name, path, concepts, brand)
                                           for name, path in outputs.items()])
        concept_store.finish_run(session, summary, [c.id for c in concepts], {u.concept.id for u in units if u.reused})
        review_store.queue_run(session, ctx.run_id, [c.id for c in concepts])   # the desk sees them now
        ctx.audit.append_in(session, kinds.RUN_FINISHED, ctx.run_id, "system", {"by_status": summary.by_status})
    ctx.finish_audit()
    return RunResult(summary, out_dir, brand, concepts, verdicts, outputs)
