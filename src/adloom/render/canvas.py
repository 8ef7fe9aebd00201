"""Drawing context shared by the layout templates: brand palette, fonts, images, and measured text."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from adloom.errors import BrandInputError
from adloom.platforms import Placement
from adloom.render import text as textfit
from adloom.render.base import Box, RenderRequest
from adloom.render.colour import AA_BODY, RGB, contrast_ratio, ensure_contrast, parse_colour
from adloom.render.fonts import FontChoice, choose
from adloom.render.photos import brand_photos, photo_for
from adloom.types import BrandKit

DEFAULT_COLOURS: dict[str, str] = BrandKit().colors


@dataclass(frozen=True)
class Palette:
    primary: RGB
    secondary: RGB
    accent: RGB
    text: RGB
    background: RGB


def palette(colors: dict[str, str]) -> tuple[Palette, list[str]]:
    """The brand palette; a value that is not a colour falls back to the default and is reported."""
    problems: list[str] = []
    values: dict[str, RGB] = {}
    for key, default in DEFAULT_COLOURS.items():
        raw = colors.get(key, default)
        try:
            values[key] = parse_colour(raw, field=f"brand_kit.colors.{key}")
        except BrandInputError as exc:  # report, use the default, keep rendering
            problems.append(f"{exc}; used {default}")
            values[key] = parse_colour(default)
    return Palette(**values), problems


@lru_cache(maxsize=32)
def _open_rgba(path: str, mtime: float) -> Image.Image:
    with Image.open(path) as img:
        img.load()
        return img.convert("RGBA")


def open_image(path: Path) -> Image.Image:
    """An image as RGBA, cached by path and mtime; OSError / ValueError when missing or broken."""
    return _open_rgba(str(path), path.stat().st_mtime)


@lru_cache(maxsize=64)
def _cover(path: str, mtime: float, size: tuple[int, int]) -> Image.Image:
    return ImageOps.fit(_open_rgba(path, mtime).convert("RGB"), size, Image.Resampling.BILINEAR)


def cover(path: Path, size: tuple[int, int]) -> Image.Image:
    """The image scaled and centre-cropped to fill ``size`` exactly."""
    return _cover(str(path), path.stat().st_mtime, size)


@lru_cache(maxsize=32)
def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """A vertical two-colour gradient, cached: a brand renders the same one many times."""
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


@lru_cache(maxsize=64)
def _thumbnail(logo: Path, mtime: float, size: tuple[int, int]) -> Image.Image:
    thumb = _open_rgba(str(logo), mtime).copy()
    thumb.thumbnail(size, Image.Resampling.LANCZOS)
    return thumb


@dataclass
class Ctx:
    """One canvas being drawn, plus everything measured on it."""

    img: Image.Image
    placement: Placement
    colours: Palette
    fonts: FontChoice
    logo: Path | None                 # a readable logo file, or None
    photo: Path | None
    boxes: dict[str, Box] = field(default_factory=dict)
    contrast: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    shrunk: list[str] = field(default_factory=list)

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.img)

    @property
    def unit(self) -> int:
        """1 % of the short side: templates size everything in these."""
        return max(1, min(self.img.size) // 100)

    def safe_area(self, margin: int) -> Box:
        """The frame minus margins and the placement's UI safe zones (9:16: ~250 px top, ~340 bottom)."""
        w, h = self.img.size
        top = max(margin, self.placement.safe_top + margin // 2)
        bottom = h - max(margin, self.placement.safe_bottom + margin // 2)
        return (margin, top, w - margin, bottom)

    def background_under(self, box: Box) -> RGB:
        """Mean colour of the canvas under a box, measured before text is drawn on it."""
        x0, y0, x1, y1 = box
        # an 8x8 nearest-neighbour sample of the box, averaged: exact on flat panels, and cheap
        sample = self.img.resize((8, 8), Image.Resampling.NEAREST,
                                 box=(x0, y0, max(x0 + 1, x1), max(y0 + 1, y1))).convert("RGB")
        r, g, b = sample.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
        return (int(r), int(g), int(b))

    def fit(self, name: str, value: str, width: int, height: int, *, heading: bool, max_size: int,
            min_size: int, max_lines: int | None = None) -> textfit.FittedText:
        """Fit one text element into width x height; records shrinking and truncation."""
        font = str(self.fonts.heading if heading else self.fonts.body)
        fitted = textfit.fit(value, font, width, height, max_size=max_size, min_size=min_size,
                             max_lines=max_lines)
        if fitted.truncated:
            self.truncated.append(name)
        elif fitted.shrunk:
            self.shrunk.append(name)
        return fitted

    def put(self, name: str, fitted: textfit.FittedText, x: int, y: int, width: int, *, preferred: RGB,
            align: textfit.Align = "left") -> Box:
        """Colour-check and draw fitted text with its top-left at x, y; returns where it landed."""
        left = x + (width - fitted.width) // 2 if align == "center" else x
        bg = self.background_under((left, y, left + fitted.width, y + fitted.height))
        fill = ensure_contrast(preferred, bg, AA_BODY)
        if fill != preferred:
            self.problems.append(f"{name}: colour changed to reach WCAG AA contrast on its background")
        placed = textfit.draw(self.draw, fitted, x, y, fill, align=align, box_w=width)
        self.boxes[name] = placed
        self.contrast[name] = round(contrast_ratio(fill, bg), 2)
        return placed

    @staticmethod
    def button_height(size: int) -> int:
        return int(size * 1.2) + 2 * (size * 6 // 10) + 2

    def button(self, name: str, label: str, x: int, y: int, max_w: int, *, fill: RGB, preferred: RGB,
               size: int, min_size: int, align: textfit.Align = "left") -> Box:
        """A rounded CTA button whose top-left (or top-centre) is at x, y; returns its box."""
        pad_x, pad_y = size, size * 6 // 10
        fitted = textfit.fit(label, str(self.fonts.heading), max_w - 2 * pad_x, size * 2,
                             max_size=size, min_size=min_size, max_lines=1)
        if fitted.truncated:
            self.truncated.append(name)
        bw, bh = fitted.width + 2 * pad_x, fitted.height + 2 * pad_y
        bx = x + (max_w - bw) // 2 if align == "center" else x
        box = (bx, y, bx + bw, y + bh)
        self.draw.rounded_rectangle(box, radius=bh // 2, fill=fill)
        colour = ensure_contrast(preferred, fill, AA_BODY)
        textfit.draw(self.draw, fitted, bx + pad_x, y + pad_y, colour)
        self.boxes[name] = box
        self.contrast[name] = round(contrast_ratio(colour, fill), 2)
        return box

    def paste_logo(self, box: Box, *, align: textfit.Align = "left", chip: RGB | None = None) -> Box | None:
        """The logo scaled into ``box``; on a chip of colour ``chip`` when given. None without a logo."""
        if self.logo is None:
            return None
        x0, y0, x1, y1 = box
        logo = _thumbnail(self.logo, self.logo.stat().st_mtime, (x1 - x0, y1 - y0))
        lx = x0 + (x1 - x0 - logo.width) // 2 if align == "center" else x0
        ly = y0 + (y1 - y0 - logo.height) // 2
        if chip is not None:
            pad = max(4, logo.height // 8)
            self.draw.rounded_rectangle((lx - pad, ly - pad, lx + logo.width + pad, ly + logo.height + pad),
                                        radius=pad * 2, fill=chip)
        self.img.paste(logo, (lx, ly), logo)
        placed = (lx, ly, lx + logo.width, ly + logo.height)
        self.boxes["logo"] = placed
        return placed


def load_logo(request: RenderRequest, problems: list[str]) -> Path | None:
    try:
        path = request.resolve(request.brand_kit.logo_path)     # ValueError: it leads outside the brand folder
        if path is None:
            return None
        open_image(path)
        return path
    except (OSError, ValueError) as exc:
        problems.append(f"logo '{request.brand_kit.logo_path}' could not be read ({exc.__class__.__name__}: "
                        f"{exc}); rendered without a logo")
        return None


def usable_photo(path: Path | None, problems: list[str]) -> Path | None:
    if path is None:
        return None
    try:
        open_image(path)
    except (OSError, ValueError) as exc:
        problems.append(f"background image '{path}' could not be read ({exc}); used brand colours")
        return None
    return path


def _brand_photo(request: RenderRequest) -> Path | None:
    """A photo from the brand folder's assets/ when the request brings none (``options["brand_photos"]``
    False turns this off); keyed by the output's name, so each hook's image may get a different one."""
    if request.options.get("brand_photos", True) is False:
        return None
    return photo_for(request.out_stem.name, brand_photos(request.asset_dir, request.brand_kit))


def new_ctx(request: RenderRequest, size: tuple[int, int] | None = None) -> Ctx:
    problems: list[str] = []
    colours, colour_problems = palette(request.brand_kit.colors)
    problems += colour_problems
    fonts = choose(request.brand_kit.fonts, request.asset_dir)
    problems += fonts.problems
    logo = load_logo(request, problems)
    photo = usable_photo(request.background_path or _brand_photo(request), problems)
    w, h = size or (request.placement.width, request.placement.height)
    img = Image.new("RGB", (w, h), colours.background)
    return Ctx(img, request.placement, colours, fonts, logo, photo, problems=problems)
