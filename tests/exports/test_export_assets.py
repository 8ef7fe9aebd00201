"""After a real run (formula writer, real render, real store) every bulk row names the file that belongs to it.

The CSVs are read back as an importer would, and each named file is opened: its size must be the placement's,
its hook the row's hook. Nothing here trusts the rows' own construction.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from adloom.naming import parse_ad_name
from adloom.pipeline.render_step import render_step
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.platforms import PLACEMENTS, limit
from adloom.render.video import probe
from adloom.types import Asset, Campaign, GoogleRSACopy
from adloom.writers.registry import get_writer
from tests.conftest import EXAMPLE_BRAND


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
async def rendered(tmp_path: Path, store: sessionmaker[Session]) -> RunResult:
    brand_dir = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, brand_dir, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    # one angle, two hooks a concept: every kind of row and file, at a test's cost (a 9:16 animatic is ~1 s)
    options = RunOptions(n_angles=1, hooks_per_concept=2, project_dir=tmp_path, cache_dir=tmp_path / "cache")
    return await run(brand_dir, factory=store, writer=get_writer("formula"), campaign=Campaign(),
                     out_root=tmp_path / "out", options=options, render_assets=render_step)


def by_file(result: RunResult) -> dict[str, Asset]:
    """The render stage's own manifest, keyed by file name (what the CSVs name)."""
    manifest = json.loads((result.out_dir / "assets" / "manifest.json").read_text())
    return {Path(a["path"]).name: Asset.model_validate(a) for a in manifest["assets"]}


async def test_every_row_of_every_platform_names_its_own_hooks_asset(rendered: RunResult) -> None:
    result = rendered
    files = by_file(result)
    approved = {c.id[:8]: c for c in result.concepts if c.status == "approved"}
    assert len(approved) == 3, result.summary.by_status
    assets_dir = result.out_dir / "assets"

    tiktok = read(result.outputs["tiktok"])
    assert len(tiktok) == sum(len(c.copy_for("tiktok")) for c in approved.values())
    seen_videos: set[str] = set()
    for row in tiktok:
        name = parse_ad_name(row["Ad name"])
        video = row["Video file name"]
        assert video, f"{row['Ad name']}: no video"
        asset = files[video]
        assert (asset.kind, asset.placement, asset.hook_id) == ("video", "tiktok_infeed", name.hook), row
        assert asset.concept_id.startswith(name.concept)
        info = await probe(assets_dir / video)     # the file itself, not what we recorded about it
        assert (info.width, info.height) == (1080, 1920) and info.video_codec == "h264"
        assert abs(info.duration - 15.0) < 0.1 and info.audio_codec == "aac"    # opening + shared body, whole
        seen_videos.add(video)
    assert len(seen_videos) == len(tiktok)       # no two hooks share a video

    meta = read(result.outputs["meta"])
    assert len(meta) == sum(len(c.copy_for("meta")) for c in approved.values())
    kinds = set()
    for row in meta:
        name = parse_ad_name(row["Ad Name"])
        image, video = row["Image File Name"], row["Video File Name"]
        assert bool(image) != bool(video), f"{row['Ad Name']}: exactly one of image and video"
        kind = "video" if video else "image"
        kinds.add(kind)
        assert row["Creative Type"] == ("Video Page Post Ad" if video else "Link Page Post Ad")
        asset = files[video or image]
        assert asset.kind == kind and asset.hook_id == name.hook and asset.concept_id.startswith(name.concept)
        placement = PLACEMENTS[asset.placement or ""]
        assert placement.platform == "meta", row
        if image:
            with Image.open(assets_dir / image) as img:
                assert img.size == (placement.width, placement.height)
        else:
            info = await probe(assets_dir / video)
            assert (info.width, info.height) == (placement.width, placement.height)
    assert kinds == {"image", "video"}      # the angle's feed animatic leads one hook's row, images the rest
    # two hooks' images of one placement are different pictures, each recorded under its own hook
    for concept_id in {a.concept_id for a in files.values()}:
        portraits = {a.hook_id: a.sha256 for a in files.values()
                     if a.concept_id == concept_id and a.placement == "meta_feed_portrait" and a.kind == "image"}
        assert len(portraits) == 2 and len(set(portraits.values())) == 2, concept_id

    google = read(result.outputs["google"])
    assert len(google) == len(approved)
    for row in google:
        concept = approved[parse_ad_name(row["Labels"]).concept]
        [rsa] = [c for c in concept.copy_for("google") if isinstance(c, GoogleRSACopy)]
        headlines = [row[f"Headline {i}"] for i in range(1, 16) if row[f"Headline {i}"]]
        assert headlines == rsa.headlines and all(len(h) <= limit("google", "headline") for h in headlines)

