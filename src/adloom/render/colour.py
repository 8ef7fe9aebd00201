"""Colour parsing and WCAG 2.x contrast: every text colour is checked against what lies beneath it."""

from __future__ import annotations

from PIL import ImageColor

from adloom.errors import BrandInputError

RGB = tuple[int, int, int]
AA_BODY = 4.5          # WCAG AA, normal text
AA_LARGE = 3.0         # WCAG AA, large text (>= 18 pt, or 14 pt bold)
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


def parse_colour(value: str, *, field: str = "brand_kit.colors") -> RGB:
    """'#0E3B43', '#abc', 'rgb(14, 59, 67)', 'teal' -> (r, g, b); anything else is a BrandInputError."""
    try:
        rgb = ImageColor.getrgb(str(value).strip())
    except (ValueError, AttributeError) as exc:
        raise BrandInputError(f"'{value}' is not a colour (use #RRGGBB, rgb(r, g, b) or a CSS name)",
                              field=field) from exc
    return (rgb[0], rgb[1], rgb[2])


def to_hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) .. 1 (white)."""
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend: t=0 gives a, t=1 gives b."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def ensure_contrast(fg: RGB, bg: RGB, minimum: float = AA_BODY) -> RGB:
    """``fg`` if it already reaches ``minimum`` against ``bg``; else the closest shade of it that does.

    Shades are tried toward black and toward white in 5 % steps; the first that passes wins (the least
    change to the brand colour). Black or white is the last resort and always reaches 4.5 on one side.
    """
    if contrast_ratio(fg, bg) >= minimum:
        return fg
    for step in range(1, 21):
        t = step / 20
        for target in (BLACK, WHITE):
            shade = mix(fg, target, t)
            if contrast_ratio(shade, bg) >= minimum:
                return shade
    return BLACK if contrast_ratio(BLACK, bg) >= contrast_ratio(WHITE, bg) else WHITE


def readable_on(bg: RGB, preferred: RGB, minimum: float = AA_BODY) -> RGB:
    """Text colour for a background: the preferred colour, or a fixed shade of it."""
    return ensure_contrast(preferred, bg, minimum)


def darken(rgb: RGB, t: float) -> RGB:
    return mix(rgb, BLACK, t)


def lighten(rgb: RGB, t: float) -> RGB:
    return mix(rgb, WHITE, t)
