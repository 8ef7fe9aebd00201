"""What a run started from the API does: the CLI's run with the server's settings, in a worker process.

A process, not a thread: a run is CPU-bound between model calls and its policy engine may only be used on
the thread that built it (a shared default bundle would be crossed between threads), and a separate process
keeps the desk answering while it works. With ``ADLOOM_EXECUTOR=celery`` that process is only the driver: the
units go to ``adloom worker`` processes, as for ``adloom run --executor celery``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from adloom.api.config import ServeConfig
from adloom.platforms import Platform

__all__ = ["run_in_process"]


def _run(url: str, folder: str, project: str, out_root: str, platforms: list[Platform], angles: int, hooks: int,
         render: bool, force: bool) -> dict[str, Any]:
    from adloom.cli.audit import checkpointer_for
    from adloom.cli.run import load_campaign
    from adloom.pipeline.render_step import render_step
    from adloom.pipeline.run import RunOptions, run
    from adloom.settings import Settings
    from adloom.store.db import open_store
    from adloom.writers.registry import get_writer

    settings = Settings()
    project_dir = Path(project)
    campaign = load_campaign(Path(folder), None, platforms)
    writer = get_writer(settings.writer, **settings.writer_options(settings.writer))
    executor = None
    if settings.executor.strip().lower() == "celery":     # the server's store is the one the workers share
        from adloom.scale import require_scale
        from adloom.scale.executor import CeleryExecutor

        require_scale(url)
        executor = CeleryExecutor.from_settings(settings, settings.writer, Path(out_root))
    options = RunOptions(platforms=platforms, n_angles=angles, hooks_per_concept=hooks, render=render, force=force,
                         max_attempts=settings.max_attempts, concurrency=settings.concurrency,
                         audit_redact=settings.audit_redact, project_dir=project_dir,
                         audit_checkpoint=checkpointer_for(project_dir, settings),
                         cache_dir=project_dir / ".adloom" / "cache" / "embeddings")
    result = asyncio.run(run(Path(folder), factory=open_store(url), writer=writer, campaign=campaign,
                             out_root=Path(out_root), options=options,
                             render_assets=render_step if render else None, executor=executor))
    return result.summary.model_dump(mode="json", include={"run_id", "concepts", "by_status", "outputs",
                                                           "reused_run"})


def run_in_process(config: ServeConfig, folder: Path, platforms: list[Platform], angles: int, hooks: int,
                   render: bool, force: bool) -> dict[str, Any]:
    """Blocks until the run ends (call it from a job thread); returns the run's summary figures."""
    url = config.factory.kw["bind"].url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_run, url, str(folder), str(config.project_dir), str(config.project_dir / config.out_dir),
                           platforms, angles, hooks, render, force).result()
