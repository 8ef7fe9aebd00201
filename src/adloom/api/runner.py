"""What a run started from the API does: the CLI's run, with the server's settings, no progress bars."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from adloom.api.config import ServeConfig
from adloom.cli.run import load_campaign
from adloom.pipeline.render_step import render_step
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.platforms import Platform
from adloom.settings import Settings
from adloom.writers.registry import get_writer


def run_work(config: ServeConfig, folder: Path, platforms: list[Platform], angles: int, hooks: int, render: bool,
             force: bool) -> Callable[[], Coroutine[Any, Any, RunResult]]:
    settings = Settings()
    campaign = load_campaign(folder, None, platforms)
    writer = get_writer(settings.writer, **settings.writer_options(settings.writer))
    project = config.project_dir
    options = RunOptions(platforms=platforms, n_angles=angles, hooks_per_concept=hooks, render=render, force=force,
                         max_attempts=settings.max_attempts, concurrency=settings.concurrency,
                         audit_redact=settings.audit_redact, project_dir=project,
                         audit_anchor=project / ".adloom" / "audit.anchor.json",
                         cache_dir=project / ".adloom" / "cache" / "embeddings")

    async def work() -> RunResult:
        return await run(folder, factory=config.factory, writer=writer, campaign=campaign,
                         out_root=config.project_dir / config.out_dir, options=options,
                         render_assets=render_step if render else None)

    return work
