"""Shared values and pixel checks for the render tests."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from adloom.platforms import Placement
from adloom.render.colour import contrast_ratio

REPO = Path(__file__).resolve().parents[2]
RESTWAVE_DIR = REPO / "examples" / "restwave"
COLOURS = {"primary": "#0E3B43", "secondary": "#E8F1F2", "accent": "#FF6B35", "text": "#10242A",
           "background": "#FFFFFF"}
SMALL_916 = Placement("video_9x16", "tiktok", 360, 640, safe_top=84, safe_bottom=114)
SMALL_11 = Placement("video_1x1", "meta", 360, 360)


def pixel_contrast(img: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Contrast between the commonest colour in a text box (its background) and the colour that stands
    out most from it (the glyph cores), read from the pixels themselves."""
    crop = img.convert("RGB").crop(box)
    colours = crop.getcolors(maxcolors=crop.width * crop.height) or []
    colours.sort(reverse=True)
    background = colours[0][1]
    floor = max(2, crop.width * crop.height // 2000)     # ignore lone anti-aliasing pixels
    return max((contrast_ratio(c, background) for n, c in colours if n >= floor), default=1.0)
