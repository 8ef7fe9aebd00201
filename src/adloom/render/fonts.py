"""Fonts: the brand kit names a font (a shipped family name or a .ttf/.otf path); we load it or fall back.

Shipped with the package (``adloom/data/fonts``, Bitstream Vera / DejaVu licence): DejaVu Sans and
DejaVu Sans Bold, so every install renders the same pixels without system fonts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from adloom.render.base import confined

FONT_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
SHIPPED: dict[str, str] = {
    "dejavu sans": "DejaVuSans.ttf",
    "dejavu sans book": "DejaVuSans.ttf",
    "dejavu sans bold": "DejaVuSans-Bold.ttf",
}
DEFAULT_BODY = FONT_DIR / "DejaVuSans.ttf"
DEFAULT_HEADING = FONT_DIR / "DejaVuSans-Bold.ttf"


@dataclass
class FontChoice:
    heading: Path
    body: Path
    problems: list[str] = field(default_factory=list)   # each becomes a finding on the asset


@lru_cache(maxsize=512)
def load(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A sized font, cached: fitting text tries many sizes of the same face."""
    return ImageFont.truetype(path, size)


def _usable(path: Path) -> str | None:
    """None if the file loads as a font, else why not."""
    if not path.is_file():
        return "file not found"
    try:
        load(str(path), 12)
    except OSError as exc:
        return f"not a readable font ({exc})"
    return None


def resolve(name: str | None, *, role: str, asset_dir: Path | None) -> tuple[Path, str | None]:
    """Path of the font for ``name`` and a problem message when it fell back to the shipped font."""
    fallback = DEFAULT_HEADING if role == "heading" else DEFAULT_BODY
    if not name:
        return fallback, None
    shipped = SHIPPED.get(name.strip().lower())
    if shipped:
        return FONT_DIR / shipped, None
    if name.lower().endswith((".ttf", ".otf", ".ttc")):
        path = Path(name)
        if asset_dir is not None:
            try:
                path = confined(asset_dir, path)
            except ValueError as exc:
                return fallback, f"{role} font: {exc}; used {fallback.stem}"
        problem = _usable(path)
        if problem is None:
            return path, None
        return fallback, f"{role} font '{name}': {problem}; used {fallback.stem}"
    return fallback, (f"{role} font '{name}' is not shipped with adloom and is not a font file path; "
                      f"used {fallback.stem}")


def choose(fonts: dict[str, str], asset_dir: Path | None) -> FontChoice:
    heading, p1 = resolve(fonts.get("heading"), role="heading", asset_dir=asset_dir)
    body, p2 = resolve(fonts.get("body"), role="body", asset_dir=asset_dir)
    return FontChoice(heading, body, [p for p in (p1, p2) if p])
