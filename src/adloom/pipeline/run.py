"""The driver: the stages in order, each a typed function; side effects come in through the run context.

    ingest -> brand -> reuse check -> angles -> concepts under governance -> dedupe -> review hand-off
           -> render -> export

Every finished unit of work is committed as it completes, so an interrupted run reruns and finishes. A
rerun whose inputs are all unchanged (same fingerprint) reuses the earlier run's outputs when they are
still on disk and unmodified; ``force`` runs anyway, and then reuses every stored concept instead.
Cache, call records, retries and rate limits are layers of ``ctx.writer`` (``pipeline.calls``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from adloom.feedback import allocation
from adloom.governance.packs import load_packs, with_brand_pack
from adloom.pipeline import angles as angles_stage
from adloom.pipeline import dedupe, ingest
from adloom.pipeline.brand import RunBrand, brand_for_run
from adloom.pipeline.context import NoProgress, Progress, RenderFn, RunContext, RunOptions, RunResult
from adloom.pipeline.executor import Executor, InProcess
from adloom.pipeline.finish import finished, rendered
from adloom.pipeline.governed import judge_for
from adloom.pipeline.handoff import handed_to_review
from adloom.pipeline.start import fingerprint, pattern_library, reused_result, run_start
from adloom.types import Campaign, IngestWarning, RunSummary
from adloom.writers.base import Writer

__all__ = ["Executor", "NoProgress", "Progress", "RenderFn", "RunOptions", "RunResult", "run"]


async def run(folder: Path, *, factory: sessionmaker[Session], writer: Writer, campaign: Campaign,
              out_root: Path, options: RunOptions | None = None, progress: Progress | None = None,
              render_assets: RenderFn | None = None,
              on_start: Callable[[str, Path], None] | None = None,
              executor: Executor | None = None) -> RunResult:
    """``on_start`` hears the run id and its output folder once the run is recorded (a resumed run keeps both).
    ``executor``: where the units of work run (default: this process; ``adloom.scale`` sends them to workers).

    Cancelled (Ctrl-C) or interrupted, the run is marked ``interrupted`` and the cancellation goes on; the
    next run of the same inputs resumes it under the same id, keeping every finished concept and asset."""
    ctx = RunContext.create(factory, writer, options or RunOptions(), progress or NoProgress(), on_start)
    try:
        return await _stages(ctx, executor or InProcess(), folder, campaign, out_root, render_assets)
    except (asyncio.CancelledError, KeyboardInterrupt):
        ctx.mark_interrupted()
        raise


async def _stages(ctx: RunContext, executor: Executor, folder: Path, campaign: Campaign, out_root: Path,
                  render_assets: RenderFn | None) -> RunResult:
    options = ctx.options
    ctx.progress.stage("ingest")
    with ctx.timed("ingest+brand"):
        ingested = await ingest.documents(folder, fetch=options.fetch)
        read = await brand_for_run(folder, ingested, writer=ctx.writer)
    brand = read.brand
    patterns = pattern_library(ctx.factory, brand, options)
    # the rule packs in force: a broken pack with no last good version stops the run here (PackError);
    # one replaced by its last good version is said in the summary, and the policy is in the fingerprint
    packs = (load_packs(options.project_dir, brand) if options.packs is None
             else with_brand_pack(options.packs, brand))
    summary = _summary(ctx, read, campaign, flagged=ingested.flagged, documents=len(ingested.documents),
                       warnings=[problem.warning() for problem in packs.problems])
    summary.brand_dir = str(folder.resolve())
    summary.fingerprint = fingerprint(summary.brand_version, campaign, options, ctx.writer, patterns, packs.version)
    start = run_start(ctx, summary, brand, ingested.documents, read.status, out_root)
    if start.earlier is not None:
        ctx.finish_audit()
        return reused_result(ctx.factory, start.earlier, brand, summary.warnings)

    with ctx.timed("angles"):
        chosen = await angles_stage.chosen_angles(brand, patterns, n=options.n_angles, writer=ctx.writer)
    plan = allocation.plan(brand.slug, chosen, brand.segments, patterns, exploration=options.feedback.exploration,
                           hooks_per_concept=options.hooks_per_concept)
    summary.angles, summary.allocation = [a.id for a in chosen], plan.summary()
    with ctx.timed("governance"):
        judge = judge_for(brand, campaign, options, packs)
    with ctx.timed("concepts"):
        units = await executor.governed_concepts(ctx, brand, campaign, chosen, plan, judge)
    with ctx.timed("dedupe"):      # governance judges what ships: a concept dedupe changed is judged again
        kept = await dedupe.deduped([u.concept for u in units], judge)
    summary.suppressed_duplicates = kept.suppressed
    concepts, verdicts = await handed_to_review(ctx, kept, brand, campaign)
    assets = await rendered(ctx, executor, render_assets, concepts, brand, summary, start.out_dir, folder)
    return await finished(ctx, executor, summary, start.out_dir, brand, campaign, units, concepts, verdicts, assets)


def _summary(ctx: RunContext, read: RunBrand, campaign: Campaign, *, flagged: list[str], documents: int,
             warnings: list[IngestWarning]) -> RunSummary:
    return RunSummary(run_id=ctx.run_id, brand_slug=read.brand.slug, brand_version=read.brand.version(),
                      writer_id=ctx.writer.id, started_at=ctx.started, documents=documents,
                      warnings=[*read.warnings, *warnings], flagged_inputs=flagged, campaign=campaign)
