"""Brand photos from assets/ under the ads, layouts that close up without a logo, missing-asset warnings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops

from adloom.render.base import RenderRequest
from adloom.render.photos import brand_photos, missing_assets, photo_for
from adloom.render.static import draw_ad
from adloom.types import BrandKit
from tests.render.helpers import RESTWAVE_DIR

PHOTOS = sorted((RESTWAVE_DIR / "assets").glob("photo-*.jpg"))


def test_photos_are_the_asset_images_other_than_the_logo() -> None:
    found = brand_photos(RESTWAVE_DIR, BrandKit(logo_path="assets/logo.png"))
    assert found == PHOTOS and len(found) == 2
    assert photo_for("ad_h1_meta_feed_square", found) == photo_for("ad_h1_meta_feed_square", found)
    assert {photo_for(f"ad_h{i}", found) for i in range(1, 9)} == set(found), "hooks spread over the photos"


def test_a_brand_photo_is_composed_under_the_text(make_request: Callable[..., RenderRequest]) -> None:
    with_photo = draw_ad(make_request("meta_feed_square", template="hero")).img
    without = draw_ad(make_request("meta_feed_square", template="hero", options={"brand_photos": False})).img
    diff = ImageChops.difference(with_photo.convert("RGB"), without.convert("RGB")).getbbox()
    assert diff is not None
    # the photo shows through the top of the ad: many colours there, not a flat brand fill
    top = with_photo.convert("RGB").crop((0, 0, with_photo.width, with_photo.height // 4))
    assert len(top.getcolors(maxcolors=1 << 20) or []) > 200


def test_split_closes_up_without_a_logo_or_photo(make_request: Callable[..., RenderRequest],
                                                 tmp_path: Path) -> None:
    bare = make_request("meta_feed_square", template="split", brand_kit=BrandKit(logo_path=None),
                        asset_dir=tmp_path, options={"brand_photos": False})
    img = draw_ad(bare).img.convert("RGB")
    primary = img.getpixel((img.width // 2, 5))
    band = next(y for y in range(img.height) if img.getpixel((img.width // 2, y)) != primary)
    assert band < img.height * 0.2, f"the empty colour panel is {band}px tall"


def test_every_missing_asset_is_named(tmp_path: Path) -> None:
    assert missing_assets(RESTWAVE_DIR, BrandKit(logo_path="assets/logo.png")) == []
    warnings = missing_assets(tmp_path, BrandKit(logo_path="assets/logo.png"))
    assert any("logo assets/logo.png not found" in w for w in warnings)
    assert any("no brand photos in assets/" in w for w in warnings)
    assert any(w.startswith("no logo") for w in missing_assets(tmp_path, BrandKit()))
    Image.new("RGB", (10, 10)).save(tmp_path / "x.png")
