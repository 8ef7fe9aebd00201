"""The render step as the driver calls it: placements for the campaign's platforms, default generators."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from adloom.pipeline import render
from adloom.pipeline.context import Progress
from adloom.platforms import PLACEMENTS, Platform
from adloom.types import Asset, BrandObject, Concept


async def render_step(concepts: list[Concept], brand: BrandObject, out_dir: Path, brand_dir: Path,
                      platforms: list[Platform], progress: Progress,
                      generators: Mapping[str, str | None] | None = None,
                      ) -> tuple[dict[str, list[Asset]], list[str]]:
    """``generators``: per kind (image, video, brief_pdf, brief_md, background) a selection string, or
    None to skip that kind; unset kinds keep the defaults (``adloom run --generator KIND=SPEC``)."""
    placements = [pid for pid, p in PLACEMENTS.items() if p.platform in platforms]
    progress.stage("render")

    def tick(done: int, total: int, label: str) -> None:
        progress.stage("render", total=total)
        progress.advance("render")

    outcome = await render.assets(concepts, brand, out_dir, placements=placements, brand_dir=brand_dir,
                                  progress=tick, generators=dict(generators or {}))
    return outcome.by_concept(), outcome.messages()
