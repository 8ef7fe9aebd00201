"""Animatic frames: one still per script beat (caption, visual direction, subtitle) and a logo end card.

An animatic is a timed storyboard: each beat shows the shot it stands for as a note, its on-screen
caption large, and the spoken line as a subtitle; the last beat is the end card with logo and CTA.
"""

from __future__ import annotations

from PIL import Image

from adloom.render import png
from adloom.render.base import AdText, Box, RenderRequest
from adloom.render.canvas import Ctx, new_ctx
from adloom.render.colour import contrast_ratio, darken, lighten, mix
from adloom.types import Beat


def _progress(ctx: Ctx, beat: Beat, duration: float, y: int) -> None:
    """A thin timeline under the caption area: where this beat sits in the script."""
    w = ctx.img.width
    u = ctx.unit
    x0, x1 = 6 * u, w - 6 * u
    ctx.draw.rounded_rectangle((x0, y, x1, y + u), radius=u // 2, fill=lighten(ctx.colours.primary, 0.25))
    a = x0 + int((x1 - x0) * beat.start / duration)
    b = x0 + int((x1 - x0) * beat.end / duration)
    ctx.draw.rounded_rectangle((a, y, max(a + u, b), y + u), radius=u // 2, fill=ctx.colours.accent)


def beat_scene(request: RenderRequest, beat: Beat, index: int, duration: float) -> Ctx:
    """One still for a beat: brand background, visual note, caption, subtitle."""
    ctx = new_ctx(request)
    c = ctx.colours
    w, h = ctx.img.size
    u = ctx.unit
    shade = darken(c.primary, 0.18) if index % 2 else c.primary
    ctx.img.paste(shade, (0, 0, w, h))
    x0, y0, x1, y1 = ctx.safe_area(7 * u)
    width = x1 - x0
    note = ctx.fit("visual", f"[{beat.kind.upper()}] {beat.visual}", width, 12 * u, heading=False,
                   max_size=3 * u, min_size=max(10, 2 * u), max_lines=3)
    ctx.put("visual", note, x0, y0, width, preferred=mix(c.background, shade, 0.25))
    caption = beat.on_screen_text or beat.voiceover
    sub_h = 16 * u
    cap = ctx.fit("caption", caption, width, y1 - y0 - 20 * u - sub_h, heading=True,
                  max_size=11 * u, min_size=max(12, 4 * u))
    cy = y0 + 16 * u + (y1 - y0 - 20 * u - sub_h - cap.height) // 2
    ctx.put("caption", cap, x0, cy, width, preferred=c.background, align="center")
    _progress(ctx, beat, duration, y1 - sub_h - 3 * u)
    if beat.voiceover and beat.on_screen_text:
        sub = ctx.fit("subtitle", beat.voiceover, width, sub_h, heading=False, max_size=4 * u,
                      min_size=max(10, 2 * u))
        ctx.put("subtitle", sub, x0, y1 - sub.height, width, preferred=c.background, align="center")
    return ctx


def end_card(request: RenderRequest, caption: str = "") -> Ctx:
    """Logo, the last beat's caption (or the headline) and the CTA button on the brand's light background."""
    ctx = new_ctx(request)
    c = ctx.colours
    w, h = ctx.img.size
    u = ctx.unit
    ctx.img.paste(c.background, (0, 0, w, h))
    x0, y0, x1, y1 = ctx.safe_area(8 * u)
    width = x1 - x0
    logo_box: Box = (x0, y0, x1, y0 + (y1 - y0) // 3)
    placed = ctx.paste_logo(logo_box, align="center")
    top = (placed[3] if placed else y0) + 6 * u
    text: AdText = request.text
    head = ctx.fit("headline", caption or text.headline, width, (y1 - top) // 2, heading=True, max_size=9 * u,
                   min_size=max(12, 3 * u))
    ctx.put("headline", head, x0, top, width, preferred=c.primary, align="center")
    cta_size = 5 * u
    ctx.button("cta", text.cta, x0, top + head.height + 6 * u, width, fill=c.accent,
               preferred=max((c.background, c.text), key=lambda col: contrast_ratio(col, c.accent)),
               size=cta_size, min_size=max(10, 2 * u), align="center")
    ctx.draw.rectangle((0, h - 2 * u, w, h), fill=c.accent)
    return ctx


def save(img: Image.Image, path: str) -> None:
    png.save(img, path)
