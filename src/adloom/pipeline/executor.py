"""Where a run's units of work execute. The driver calls the same three methods either way:

    governed_concepts   angle x segment units -> governed concepts, each stored as it finishes
    render              approved concepts -> asset files
    exports             the run's report, concepts.jsonl and bulk files

``InProcess`` (the default) runs them in this process; ``adloom.scale.executor.CeleryExecutor`` sends them to
``adloom worker`` processes and gathers what they stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from adloom.audit.lineage import lineage_of_each
from adloom.feedback import report as feedback_report
from adloom.feedback.allocation import Plan
from adloom.pipeline import export
from adloom.pipeline.context import RenderFn, RunContext
from adloom.pipeline.fanout import Unit
from adloom.pipeline.governed import Judge, governed_concepts
from adloom.types import Angle, Asset, BrandObject, Campaign, Concept, RunSummary, Verdict

__all__ = ["Executor", "ExportJob", "InProcess"]


@dataclass
class ExportJob:
    concepts: list[Concept]
    verdicts: dict[str, list[Verdict]]
    brand: BrandObject
    campaign: Campaign
    summary: RunSummary
    out_dir: Path
    assets: dict[str, list[Asset]]


class Executor(Protocol):
    async def governed_concepts(self, ctx: RunContext, brand: BrandObject, campaign: Campaign, angles: list[Angle],
                       plan: Plan, judge: Judge) -> list[Unit]: ...

    async def render(self, ctx: RunContext, render_assets: RenderFn, concepts: list[Concept], brand: BrandObject,
                     out_dir: Path, brand_dir: Path) -> tuple[dict[str, list[Asset]], list[str]]: ...

    async def exports(self, ctx: RunContext, job: ExportJob) -> dict[str, Path]: ...


class InProcess:
    """Every unit in this process: the concepts fanned out under a bounded semaphore."""

    async def governed_concepts(self, ctx: RunContext, brand: BrandObject, campaign: Campaign, angles: list[Angle],
                       plan: Plan, judge: Judge) -> list[Unit]:
        return await governed_concepts(ctx, brand, campaign, angles, plan, judge)

    async def render(self, ctx: RunContext, render_assets: RenderFn, concepts: list[Concept], brand: BrandObject,
                     out_dir: Path, brand_dir: Path) -> tuple[dict[str, list[Asset]], list[str]]:
        return await render_assets(concepts, brand, out_dir, brand_dir, ctx.options.platforms, ctx.progress)

    async def exports(self, ctx: RunContext, job: ExportJob) -> dict[str, Path]:
        lineage = lineage_of_each(ctx.factory, [c.id for c in job.concepts])
        return export.exports(job.concepts, job.verdicts, job.brand, job.campaign, job.summary, job.out_dir,
                              assets=job.assets, lineage=lineage, sections=feedback_report.sections(job.summary))
