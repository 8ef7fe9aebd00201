"""Stage: angles x segments -> concepts written under governance (the writer told the constraints up front,
every draft judged, regenerated with reasons, bounded), each unit stored as it finishes."""

from __future__ import annotations

from dataclasses import dataclass

from adloom.feedback.allocation import Plan
from adloom.governance.constraints import constraints_for
from adloom.governance.embeddings import CachedEmbedder, default_embedder
from adloom.governance.governor import Governor
from adloom.governance.packs import PackSet
from adloom.pipeline.context import RunContext, RunOptions
from adloom.pipeline.fanout import Unit, governed_units
from adloom.types import Angle, BrandObject, Campaign, Concept, Verdict

__all__ = ["Judge", "governed_concepts", "judge_for"]


@dataclass
class Judge:
    """Concept -> Verdict for one run: the full governance, built once. The sentence model's cache
    (``embedder``) makes a line embedded once per run, and once ever with ``RunOptions.cache_dir``."""

    governor: Governor
    packs: PackSet          # what the writer is told to avoid, and what the governor checks
    embedder: CachedEmbedder
    max_attempts: int

    async def __call__(self, concept: Concept) -> Verdict:
        return self.governor.verdict(concept, max_attempts=self.max_attempts)


def judge_for(brand: BrandObject, campaign: Campaign, options: RunOptions, packs: PackSet) -> Judge:
    embedder = default_embedder(options.cache_dir)
    governor = Governor.build(brand, campaign, project_dir=options.project_dir, embedder=embedder, packs=packs)
    return Judge(governor, packs, embedder, options.max_attempts)


async def governed_concepts(ctx: RunContext, brand: BrandObject, campaign: Campaign, angles: list[Angle],
                            plan: Plan, judge: Judge) -> list[Unit]:
    """One unit per angle x segment, each its concept and how it got there (attempts, reuse)."""
    options = ctx.options
    ctx.progress.stage("concepts", total=len(angles) * len(brand.segments))
    units = await governed_units(
        brand, angles, writer=ctx.writer, max_attempts=options.max_attempts, concurrency=options.concurrency,
        check=judge, factory=ctx.factory, audit=ctx.audit, advance=lambda: ctx.progress.advance("concepts"),
        limits=lambda previous: constraints_for(brand, campaign, previous=previous, packs=judge.packs,
                                                hooks_per_concept=options.hooks_per_concept),
        tune=plan.tune)
    judge.embedder.save()
    return units
