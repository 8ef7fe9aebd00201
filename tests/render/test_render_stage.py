"""The render stage end to end: what gets made, where, under which names, and what a failure costs."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from PIL import Image

from adloom.naming import parse_ad_name
from adloom.pipeline.render import RenderOutcome, ad_text, assets, humanize_cta
from adloom.platforms import PLACEMENTS
from adloom.render.adapters.openai_images import OpenAIImagesGenerator
from adloom.render.fake import fake_concept
from adloom.render.video import AnimaticGenerator, find_ffmpeg
from adloom.types import BrandObject, sha256_file
from tests.render.helpers import RESTWAVE_DIR, SMALL_11, SMALL_916

ALL = list(PLACEMENTS)


def _concepts() -> list:  # type: ignore[type-arg]
    return [fake_concept("pain-first", "light-sleepers", seed="a"),
            fake_concept("pain-first", "new-parents", seed="b"),
            fake_concept("social-proof", "light-sleepers", seed="c"),
            fake_concept("curiosity", "light-sleepers", seed="d", status="rejected")]


async def _run(brand: BrandObject, out: Path, **kw: object) -> tuple[RenderOutcome, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    generators = {"video": AnimaticGenerator(fps=8), **kw.pop("generators", {})}  # type: ignore[dict-item]
    outcome = await assets(_concepts(), brand, out, placements=ALL, generators=generators,
                           brand_dir=RESTWAVE_DIR, progress=lambda d, t, _: calls.append((d, t)),
                           video_placements=(SMALL_916, SMALL_11), **kw)  # type: ignore[arg-type]
    return outcome, calls


def _ad_name(asset_id: str) -> str:
    parts = asset_id.split("_")
    return "_".join(parts[:7]) if parts[6] in ("meta", "google", "tiktok") else "_".join(parts[:6])


async def test_stage_renders_every_asset_of_approved_concepts(brand: BrandObject, tmp_path: Path) -> None:
    outcome, calls = await _run(brand, tmp_path / "run")
    assert outcome.errors == []
    kinds = [a.kind for a in outcome.assets]
    assert kinds.count("image") == 3 * 6          # 3 approved concepts x 6 placements
    # 9:16 per TikTok hook of each approved concept (one each here), 1:1 once per angle (2 angles)
    assert kinds.count("video") == 3 * 1 + 2
    assert all(a.hook_id == "h1" for a in outcome.assets if a.kind != "brief")
    assert kinds.count("brief") == 3 * 2          # PDF + Markdown per approved concept
    assert calls[-1] == (len(outcome.assets), len(outcome.assets))
    rejected = fake_concept("curiosity", "light-sleepers", seed="d").id
    assert all(a.concept_id != rejected for a in outcome.assets)
    for asset in outcome.assets:
        path = tmp_path / "run" / asset.path
        assert path.parent == tmp_path / "run" / "assets" and asset.path.startswith("assets/")
        assert sha256_file(path) == asset.sha256
        name = parse_ad_name(_ad_name(asset.id))
        assert name.brand == "restwave" and asset.concept_id.startswith(name.concept)
        if asset.kind == "image":
            with Image.open(path) as img:
                pl = PLACEMENTS[asset.placement]  # type: ignore[index]
                assert img.size == (pl.width, pl.height) == (asset.width, asset.height)
            assert asset.id.endswith(asset.placement) and name.platform == pl.platform  # type: ignore[arg-type]
    templates = {a.generator for a in outcome.assets if a.kind == "image"}
    assert templates == {"static:hero", "static:split", "static:card"}
    manifest = json.loads((tmp_path / "run" / "assets" / "manifest.json").read_text())
    assert {a["sha256"] for a in manifest["assets"]} == {a.sha256 for a in outcome.assets}


async def test_a_broken_ffmpeg_costs_only_the_videos(brand: BrandObject, tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    outcome, _ = await _run(brand, tmp_path / "run",
                            generators={"video": AnimaticGenerator(ffmpeg=str(fake)), "brief_md": None})
    assert [e.kind for e in outcome.errors] == ["video"] * 5
    assert all("ffmpeg failed" in str(e) for e in outcome.errors)
    assert len([a for a in outcome.assets if a.kind == "image"]) == 18
    assert len([a for a in outcome.assets if a.kind == "brief"]) == 3


async def test_bad_brand_kit_is_reported_per_asset(brand: BrandObject, tmp_path: Path) -> None:
    kit = brand.brand_kit.model_copy(update={"logo_path": "assets/nope.png",
                                             "colors": {**brand.brand_kit.colors, "accent": "orange-ish"}})
    outcome, _ = await _run(brand.model_copy(update={"brand_kit": kit}), tmp_path / "run",
                            generators={"video": None, "brief_pdf": None, "brief_md": None})
    assert outcome.errors == [] and len(outcome.assets) == 18
    assert len(outcome.findings) == 18
    assert any("not a colour" in m for m in outcome.messages())
    assert any("nope.png" in m for m in outcome.messages())


async def test_unknown_generator_and_placement_are_errors_not_crashes(brand: BrandObject,
                                                                      tmp_path: Path) -> None:
    outcome = await assets(_concepts(), brand, tmp_path / "run", placements=["meta_feed_square", "myspace"],
                           generators={"video": "animatik", "brief_pdf": None, "brief_md": None},
                           brand_dir=RESTWAVE_DIR)
    messages = " | ".join(outcome.messages())
    assert "unknown placement 'myspace'" in messages and "did you mean 'animatic'" in messages
    assert len(outcome.assets) == 3


async def test_background_service_failure_falls_back_to_brand_colours(brand: BrandObject,
                                                                      tmp_path: Path) -> None:
    bad = OpenAIImagesGenerator(base_url="http://127.0.0.1:9/v1", timeout=1)
    outcome = await assets(_concepts()[:1], brand, tmp_path / "run", placements=["meta_feed_square"],
                           generators={"background": bad, "video": None, "brief_pdf": None, "brief_md": None},
                           brand_dir=RESTWAVE_DIR)
    assert len(outcome.assets) == 1
    assert outcome.errors and outcome.errors[0].message.startswith("background: ")
    assert outcome.errors[0].retryable


def test_ad_text_uses_the_first_hooks_copy(brand: BrandObject) -> None:
    concept = fake_concept()
    meta, hook = ad_text(concept, "meta", brand)  # type: ignore[misc]
    assert hook == "h1" and meta.headline == "Fall asleep in minutes, not hours" and meta.cta == "Shop now"
    google, _ = ad_text(concept, "google", brand)  # type: ignore[misc]
    assert google.headline == "Fall Asleep Faster" and google.cta == "Try it tonight"
    tiktok, _ = ad_text(concept, "tiktok", brand)  # type: ignore[misc]
    assert tiktok.headline == "Still awake at two again?" and not tiktok.body.lower().startswith("still")
    assert humanize_cta("LEARN_MORE") == "Learn more" and humanize_cta("Book a call") == "Book a call"


async def test_silent_animatics_are_said_once_in_the_run(brand: BrandObject, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """No eSpeak NG on PATH (ffmpeg found first, by its package): the videos render with a silent track, and
    the run's messages say so in one line with the install hint, not once per video and not never."""
    ffmpeg = find_ffmpeg()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    outcome, _ = await _run(brand, tmp_path / "run", generators={"video": AnimaticGenerator(ffmpeg=ffmpeg, fps=8)})
    assert outcome.errors == [] and len([a for a in outcome.assets if a.kind == "video"]) == 5
    [line] = [m for m in outcome.messages() if "voice-over" in m]
    assert "5 animatic(s)" in line and "silent track" in line and "apt-get install espeak-ng" in line


async def test_with_a_voice_nothing_is_said(brand: BrandObject, tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("eSpeak NG not installed: the voiced path cannot be shown here")
    outcome, _ = await _run(brand, tmp_path / "run", generators={"brief_md": None})
    assert not any("voice-over" in m for m in outcome.messages())
