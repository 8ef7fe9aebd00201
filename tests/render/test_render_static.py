"""Static ads: open every PNG and check size, text boxes against frame and safe zones, and contrast."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from adloom.errors import UnsupportedRequest
from adloom.platforms import PLACEMENTS
from adloom.render.base import AdText, RenderRequest
from adloom.render.layouts import TEMPLATES
from adloom.render.static import StaticImageGenerator
from adloom.types import BrandKit, sha256_file
from tests.render.helpers import COLOURS, pixel_contrast

Make = Callable[..., RenderRequest]
GEN = StaticImageGenerator()


def _inside(box: tuple[int, int, int, int], w: int, h: int, top: int = 0, bottom: int = 0) -> bool:
    x0, y0, x1, y1 = box
    return 0 <= x0 < x1 <= w and top <= y0 < y1 <= h - bottom


@pytest.mark.parametrize("template", list(TEMPLATES))
@pytest.mark.parametrize("placement", list(PLACEMENTS))
def test_every_placement_and_template(make_request: Make, placement: str, template: str) -> None:
    result = GEN.render_sync(make_request(placement, template=template))
    pl = PLACEMENTS[placement]
    with Image.open(result.path) as img:
        img.load()
    assert img.size == (pl.width, pl.height) == (result.width, result.height)
    assert result.sha256 == sha256_file(result.path)
    assert {"headline", "body", "cta"} <= set(result.boxes)
    for name in ("headline", "body", "cta"):
        # inside the frame and clear of the UI safe zones (9:16: 250 px top, 340 px bottom)
        assert _inside(result.boxes[name], pl.width, pl.height, pl.safe_top, pl.safe_bottom), name
        assert result.contrast[name] >= 4.5, name
        assert pixel_contrast(img, result.boxes[name]) >= 4.5, name
    assert "logo" in result.boxes
    assert not [f for f in result.findings if f.rule_id == "render.text_overflow"]


def test_templates_differ_visibly(make_request: Make) -> None:
    thumbs = []
    for template in TEMPLATES:
        result = GEN.render_sync(make_request(template=template, out_stem=make_request().out_stem.with_name(template)))
        with Image.open(result.path) as img:
            thumbs.append(img.convert("L").resize((32, 32)))
    for i, a in enumerate(thumbs):
        for b in thumbs[i + 1:]:
            diff = sum(abs(p - q) for p, q in zip(a.tobytes(), b.tobytes(), strict=True)) / (32 * 32)
            assert diff > 20


def test_text_too_long_shrinks_then_is_reported_not_overflowing(make_request: Make) -> None:
    text = AdText(headline="Sleep " * 120, body="Waves " * 200, cta="Start your thirty night trial today please")
    result = GEN.render_sync(make_request("meta_stories_reels", text=text, template="split"))
    pl = PLACEMENTS["meta_stories_reels"]
    overflow = {f.field for f in result.findings if f.rule_id == "render.text_overflow"}
    assert {"headline", "body"} <= overflow
    for name in ("headline", "body", "cta"):
        assert _inside(result.boxes[name], pl.width, pl.height, pl.safe_top, pl.safe_bottom)
    assert result.boxes["headline"][3] <= result.boxes["body"][1]        # no overlap
    assert result.boxes["body"][3] <= result.boxes["cta"][1]


def test_low_contrast_brand_colours_are_fixed(make_request: Make, kit: BrandKit) -> None:
    pale = kit.model_copy(update={"colors": {**COLOURS, "primary": "#F4F4F4", "accent": "#FFE08A",
                                             "text": "#DDDDDD"}})
    for template in TEMPLATES:
        result = GEN.render_sync(make_request(brand_kit=pale, template=template))
        with Image.open(result.path) as img:
            img.load()
        for name in ("headline", "body", "cta"):
            assert result.contrast[name] >= 4.5
            assert pixel_contrast(img, result.boxes[name]) >= 4.5
        assert any(f.rule_id == "render.contrast_fixed" for f in result.findings)


@pytest.mark.parametrize(("field", "value", "expect"), [
    ("logo_path", "assets/missing.png", "could not be read"),
    ("logo_path", "broken.png", "could not be read"),
    ("fonts", {"heading": "broken.ttf", "body": "Comic Sans"}, "used DejaVuSans"),
    ("colors", {**COLOURS, "primary": "blurple"}, "is not a colour"),
])
def test_bad_brand_inputs_render_with_a_clear_finding(make_request: Make, kit: BrandKit, tmp_path: Path,
                                                      field: str, value: object, expect: str) -> None:
    (tmp_path / "broken.png").write_bytes(b"not a png")
    (tmp_path / "broken.ttf").write_bytes(b"not a font")
    bad = kit.model_copy(update={field: value})
    result = GEN.render_sync(make_request(brand_kit=bad, asset_dir=tmp_path))
    assert result.path.is_file()
    messages = " | ".join(f.message for f in result.findings)
    assert expect in messages


def test_background_photo_is_used_and_text_stays_readable(make_request: Make, tmp_path: Path) -> None:
    photo = tmp_path / "background.png"
    Image.radial_gradient("L").convert("RGB").resize((800, 600)).save(photo)
    for template in TEMPLATES:
        result = GEN.render_sync(make_request(background_path=photo, template=template))
        assert result.parameters["background"] == str(photo)
        assert min(result.contrast.values()) >= 4.5


def test_unknown_template_is_a_typed_error(make_request: Make) -> None:
    with pytest.raises(UnsupportedRequest, match="unknown layout template"):
        GEN.render_sync(make_request(template="zigzag"))


async def test_generate_is_async(make_request: Make) -> None:
    result = await StaticImageGenerator("card").generate(make_request())
    assert result.parameters["template"] == "card" and result.media_type == "image/png"
