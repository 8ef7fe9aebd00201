"""Layout templates for static ads. Each draws headline, supporting line, CTA button and logo on a Ctx.

Templates work in units of 1 % of the short side and inside ``Ctx.safe_area`` so the same code serves
1080×1080, 1080×1350, 1080×1920 (with its UI safe zones) and 1200×628. They differ visibly:

- ``hero``  brand colour (or photo under a brand scrim), left-aligned text, logo top-left
- ``split`` an image / logo panel beside or above a light text panel
- ``card``  a gradient field with a centred rounded card holding the text
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from adloom.render.base import AdText, Box
from adloom.render.canvas import Ctx, cover, gradient
from adloom.render.colour import RGB, contrast_ratio, darken, lighten, mix
from adloom.render.text import Align

Template = Callable[[Ctx, AdText], None]


def _label_colour(ctx: Ctx, fill: RGB) -> RGB:
    """The brand's light or dark text colour, whichever reads better on ``fill``."""
    options = (ctx.colours.background, ctx.colours.text, (255, 255, 255))
    return max(options, key=lambda c: contrast_ratio(c, fill))


def _is_landscape(ctx: Ctx) -> bool:
    w, h = ctx.img.size
    return w > h * 1.3


def _stack(ctx: Ctx, text: AdText, area: Box, *, headline_colour: RGB, body_colour: RGB, cta_fill: RGB,
           align: str = "left", logo_chip: RGB | None = None, centre: bool = False) -> None:
    """Logo on top; headline, supporting line and CTA fitted below it.

    With ``centre`` (and on tall frames) the text group sits in the middle of the free space with the CTA
    right under it; otherwise the group starts at the top and the CTA is pinned to the bottom.
    """
    u = ctx.unit
    x0, y0, x1, y1 = area
    width = x1 - x0
    al: Align = "center" if align == "center" else "left"
    top = y0
    if ctx.logo is not None:
        logo_h = 9 * u if not _is_landscape(ctx) else 11 * u
        placed = ctx.paste_logo((x0, y0, x0 + min(width, 34 * u), y0 + logo_h) if al == "left"
                                else (x0, y0, x1, y0 + logo_h), align=al, chip=logo_chip)
        if placed:
            top = placed[3] + 4 * u
    tall = ctx.img.height > ctx.img.width * 1.5
    portrait = ctx.img.height > ctx.img.width * 1.2
    scale = 1.25 if tall or _is_landscape(ctx) else 1.0   # short side understates these frames
    cta_size = int(4 * u * scale)
    cta_h = Ctx.button_height(cta_size)
    gap, cta_gap = 3 * u, 5 * u
    room = y1 - top - cta_h - cta_gap
    has_body = bool(text.body.strip())
    head = ctx.fit("headline", text.headline, width, int(room * (0.62 if has_body else 1.0)), heading=True,
                   max_size=int(9 * u * scale), min_size=max(12, 3 * u))
    body = None
    if has_body:
        body = ctx.fit("body", text.body, width, room - head.height - gap, heading=False,
                       max_size=int(4.6 * u * scale), min_size=max(10, int(2.6 * u)))
    group = head.height + (gap + body.height if body else 0)
    free = room - group
    centred = centre or portrait
    y = top + (free // 2 if centred else 0)
    placed_head = ctx.put("headline", head, x0, y, width, preferred=headline_colour, align=al)
    y = placed_head[3]
    if body is not None:
        y = ctx.put("body", body, x0, y + gap, width, preferred=body_colour, align=al)[3]
    cta_y = y + cta_gap if centred else y1 - cta_h
    ctx.button("cta", text.cta, x0, cta_y, width, fill=cta_fill, preferred=_label_colour(ctx, cta_fill),
               size=cta_size, min_size=max(10, 2 * u), align=al)


def hero(ctx: Ctx, text: AdText) -> None:
    w, h = ctx.img.size
    c = ctx.colours
    if ctx.photo is not None:
        ctx.img.paste(cover(ctx.photo, (w, h)), (0, 0))
        # the photo stays visible: a scrim light at the top, deep behind the words lower down
        scrim = Image.new("RGB", (w, h), darken(c.primary, 0.25))
        mask = Image.linear_gradient("L").resize((w, h)).point(lambda v: 110 + v * 110 // 255)
        ctx.img = Image.composite(scrim, ctx.img, mask)
    else:
        ctx.img.paste(c.primary, (0, 0, w, h))
        # a soft accent disc off the top-right corner: brand colour without touching the text area
        r = int(min(w, h) * 0.42)
        ImageDraw.Draw(ctx.img).ellipse((w - r, -r, w + r, r), fill=lighten(c.primary, 0.07))
    u = ctx.unit
    area = ctx.safe_area(7 * u)
    light = _label_colour(ctx, c.primary)
    ax0, ay0, ax1, ay1 = area
    ctx.draw.rectangle((ax0, ay0, ax0 + 12 * u, ay0 + u), fill=c.accent)
    area = (ax0, ay0 + 4 * u, ax1, ay1)
    _stack(ctx, text, area, headline_colour=light, body_colour=light, cta_fill=c.accent,
           logo_chip=c.background if contrast_ratio(c.primary, c.background) > 1 else None)


def split(ctx: Ctx, text: AdText) -> None:
    w, h = ctx.img.size
    c = ctx.colours
    u = ctx.unit
    ctx.img.paste(c.background, (0, 0, w, h))
    # with neither a photo nor a logo to show, the panel closes up to a band instead of an empty block
    share = 0.42 if ctx.photo is not None or ctx.logo is not None else 0.12
    if _is_landscape(ctx):
        panel: Box = (0, 0, int(w * share), h)
        text_area = (panel[2] + 6 * u, 8 * u, w - 6 * u, h - 8 * u)
        stripe: Box = (panel[2] - u, 0, panel[2] + u, h)
    else:
        usable = h - ctx.placement.safe_top - ctx.placement.safe_bottom
        panel = (0, 0, w, ctx.placement.safe_top + int(usable * (share - 0.02)))
        safe = ctx.safe_area(7 * u)
        text_area = (safe[0], panel[3] + 6 * u, safe[2], safe[3])
        stripe = (0, panel[3] - u, w, panel[3] + u)
    px0, py0, px1, py1 = panel
    if ctx.photo is not None:
        ctx.img.paste(cover(ctx.photo, (px1 - px0, py1 - py0)), (px0, py0))
    else:
        ctx.img.paste(c.primary, panel)
        if ctx.logo is not None:   # the logo as the panel's hero, kept below the 9:16 top safe zone
            top = max(py0, ctx.placement.safe_top)
            pad = (py1 - top) // 5
            ctx.paste_logo((px0 + pad, top + pad, px1 - pad, py1 - pad), align="center",
                           chip=c.background if contrast_ratio(c.primary, c.background) > 1 else None)
    ctx.draw.rectangle(stripe, fill=c.accent)
    logo = ctx.logo
    if ctx.photo is None:
        ctx.logo = None            # already drawn on the panel
    _stack(ctx, text, text_area, headline_colour=c.primary, body_colour=c.text, cta_fill=c.accent)
    ctx.logo = logo


def card(ctx: Ctx, text: AdText) -> None:
    w, h = ctx.img.size
    c = ctx.colours
    u = ctx.unit
    if ctx.photo is not None:
        ctx.img.paste(cover(ctx.photo, (w, h)), (0, 0))
    else:
        ctx.img = gradient((w, h), mix(c.primary, c.accent, 0.25), darken(c.primary, 0.45)).copy()
    area = ctx.safe_area(6 * u)
    x0, y0, x1, y1 = area
    if ctx.photo is not None and h >= 1.2 * w:   # on tall placements the card sits low: the photo shows above
        y0 = y0 + int((y1 - y0) * 0.38)
        area = (x0, y0, x1, y1)
    ctx.draw.rounded_rectangle(area, radius=4 * u, fill=c.background)
    ctx.draw.rectangle((x0 + 4 * u, y0, x1 - 4 * u, y0 + u), fill=c.accent)
    inner = (x0 + 6 * u, y0 + 6 * u, x1 - 6 * u, y1 - 6 * u)
    _stack(ctx, text, inner, headline_colour=c.primary, body_colour=c.text, cta_fill=c.primary,
           align="center", centre=True)


TEMPLATES: dict[str, Template] = {"hero": hero, "split": split, "card": card}
