"""The render stage run twice into one run folder: a file changed on disk in between is made again, the
outcome says so in one line, and the untouched files are reused (issue 16, item 4)."""

from __future__ import annotations

from pathlib import Path

from adloom.pipeline.render import assets
from adloom.render.fake import fake_concept
from adloom.types import BrandObject, sha256_file
from tests.render.helpers import RESTWAVE_DIR

ONLY_IMAGES = {"video": None, "brief_pdf": None, "brief_md": None}


async def test_a_truncated_render_is_made_again_and_said(brand: BrandObject, tmp_path: Path) -> None:
    concepts = [fake_concept("pain-first", "light-sleepers", seed="a")]
    run = tmp_path / "run"
    first = await assets(concepts, brand, run, placements=["meta_feed_square", "tiktok_infeed"],
                         generators=ONLY_IMAGES, brand_dir=RESTWAVE_DIR)
    assert len(first.assets) >= 2 and first.messages() == []
    cut, kept = first.assets[0], first.assets[1]
    kept_mtime = (run / kept.path).stat().st_mtime_ns
    data = (run / cut.path).read_bytes()
    (run / cut.path).write_bytes(data[: len(data) // 3])
    second = await assets(concepts, brand, run, placements=["meta_feed_square", "tiktok_infeed"],
                          generators=ONLY_IMAGES, brand_dir=RESTWAVE_DIR)
    assert [m for m in second.messages() if "changed or truncated" in m] == [
        f"{cut.path}: changed or truncated on disk since it was rendered (SHA-256 differs); rendered again"]
    assert sha256_file(run / cut.path) == cut.sha256          # made again, byte for byte
    assert (run / kept.path).stat().st_mtime_ns == kept_mtime  # the rest reused
