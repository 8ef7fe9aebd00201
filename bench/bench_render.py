"""Render benchmarks: static images per second per core, one 15 s animatic, and a full brand render.

    .venv/bin/python bench/bench_render.py [--images 60] [--angles 4] [--segments 3]

Targets (issue 6): >= 20 static images/s per core at 1080x1080; a 15 s animatic in <= 5 s; the example
brand's full render in <= 60 s on a 2-core machine. The full render uses sample concepts shaped like the
Restwave example (angles x segments), so it measures rendering only, not writing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adloom.pipeline.render import assets
from adloom.platforms import PLACEMENTS
from adloom.render.base import AdText, RenderRequest
from adloom.render.fake import fake_concept
from adloom.render.layouts import TEMPLATES
from adloom.render.static import StaticImageGenerator
from adloom.render.tts import find_espeak
from adloom.render.video import AnimaticGenerator
from adloom.types import BrandKit, BrandObject

REPO = Path(__file__).resolve().parents[1]
BRAND_DIR = REPO / "examples" / "restwave"
KIT = BrandKit(colors={"primary": "#0E3B43", "secondary": "#E8F1F2", "accent": "#FF6B35", "text": "#10242A",
                       "background": "#FFFFFF"}, logo_path="assets/logo.png")
BRAND = BrandObject(name="Restwave", slug="restwave", brand_kit=KIT)


def _request(out: Path, i: int, placement: str = "meta_feed_square", **kw: object) -> RenderRequest:
    concept = fake_concept(seed=str(i))
    return RenderRequest(concept=concept, placement=PLACEMENTS[placement], brand_kit=KIT, brand_name="Restwave",
                         out_stem=out / f"img{i}", asset_dir=BRAND_DIR, template=list(TEMPLATES)[i % 3],
                         text=AdText(headline=f"Fall asleep in minutes, not hours #{i}",
                                     body="Gentle sound waves that slow your breathing.", cta="Shop now"),
                         **kw)  # type: ignore[arg-type]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (ffmpeg, espeak-ng)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def bench_static(out: Path, n: int) -> tuple[float, float, float]:
    gen = StaticImageGenerator()
    gen.render_sync(_request(out, 0))                       # warm font and logo caches
    start, cpu = time.perf_counter(), _cpu()
    for i in range(n):
        gen.render_sync(_request(out, i))
    one_core = n / (time.perf_counter() - start)
    per_cpu_second = n / (_cpu() - cpu)
    workers = os.cpu_count() or 1
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda i: gen.render_sync(_request(out, i)), range(n)))
    return one_core, per_cpu_second, n / (time.perf_counter() - start)


async def bench_animatic(out: Path) -> dict[str, tuple[float, float]]:
    concept = fake_concept()
    times = {}
    for pid, name in (("tiktok_infeed", "9:16"), ("meta_feed_square", "1:1")):
        req = _request(out, 0, pid, kind="video", script=concept.draft.scripts[0])  # type: ignore[union-attr]
        start, cpu = time.perf_counter(), _cpu()
        await AnimaticGenerator().generate(req)
        times[name] = (time.perf_counter() - start, _cpu() - cpu)
    return times


async def bench_hook_variants(out: Path, hooks: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """One 15 s script opened by ``hooks`` different hooks at 9:16, as TikTok's per-hook rows need: with the
    body shared (one generator, the stage's way) beside a fresh generator per variant (every frame encoded)."""
    from adloom.pipeline.render import hook_script
    from adloom.types import Hook

    concept = fake_concept()
    script = concept.draft.scripts[0]  # type: ignore[union-attr]
    variants = [hook_script(script, Hook(id=f"h{i}", text=f"Opening line number {i}?", first_visual="A face",
                                         on_screen_caption=f"Caption {i}", rationale="r"))
                for i in range(1, hooks + 1)]
    figures = []
    for shared in (True, False):
        gen = AnimaticGenerator()
        start, cpu = time.perf_counter(), _cpu()
        for i, opened in enumerate(variants):
            req = _request(out, i, "tiktok_infeed", kind="video", script=opened)
            await (gen if shared else AnimaticGenerator()).generate(
                req.model_copy(update={"out_stem": out / f"variant{i}_{shared}"}))
        figures.append((time.perf_counter() - start, _cpu() - cpu))
    return figures[0], figures[1]


async def bench_full(out: Path, angles: int, segments: int) -> tuple[float, int, int]:
    angle_ids = ["pain-first", "social-proof", "curiosity", "outcome", "contrarian", "identity"][:angles]
    concepts = [fake_concept(a, f"segment-{s}", seed=f"{a}{s}") for a in angle_ids for s in range(segments)]
    with Progress(TextColumn("render"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("render", total=None)
        start = time.perf_counter()
        outcome = await assets(concepts, BRAND, out, placements=list(PLACEMENTS), brand_dir=BRAND_DIR,
                               progress=lambda done, total, _: bar.update(task, completed=done, total=total))
        elapsed = time.perf_counter() - start
    return elapsed, len(outcome.assets), len(outcome.errors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=60)
    parser.add_argument("--angles", type=int, default=4)
    parser.add_argument("--segments", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one, per_cpu, many = bench_static(root / "static", args.images)
        print(f"static 1080x1080: {one:.1f} images/s wall on one thread ({per_cpu:.1f} per CPU-second), "
              f"{many:.1f} images/s with {os.cpu_count()} threads  (target >= 20/s per core)")
        times = asyncio.run(bench_animatic(root / "video"))
        voice = "espeak-ng voice" if find_espeak() else "silent track"
        print("animatic 15 s, 24 fps, " + voice + ": "
              + ", ".join(f"{k} {w:.2f} s wall / {c:.2f} CPU-s" for k, (w, c) in times.items())
              + "  (target <= 5 s)")
        (sw, sc), (fw, fc) = asyncio.run(bench_hook_variants(root / "variants", 5))
        print(f"5 hook variants of a 15 s 9:16 animatic: body shared {sw:.2f} s wall / {sc:.2f} CPU-s, "
              f"each encoded whole {fw:.2f} s / {fc:.2f} CPU-s  (shared is {fc / sc:.2f}x less CPU)")
        cpu = _cpu()
        elapsed, n, errors = asyncio.run(bench_full(root / "full", args.angles, args.segments))
        cpu = _cpu() - cpu
        print(f"full render, {args.angles} angles x {args.segments} segments: {n} files, {errors} errors in "
              f"{elapsed:.1f} s wall, {cpu:.1f} CPU-s  (target <= 60 s on 2 cores)")


if __name__ == "__main__":
    main()
