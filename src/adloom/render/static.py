"""Static image ads drawn with Pillow, offline: one PNG per placement, text laid by our own layout."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from adloom.errors import UnsupportedRequest
from adloom.render import png
from adloom.render.base import AssetKind, Generator, RenderRequest, RenderResult, finding
from adloom.render.canvas import Ctx, new_ctx
from adloom.render.layouts import TEMPLATES
from adloom.types import Finding, sha256_file

DEFAULT_TEMPLATE = "hero"
PNG_COMPRESS = 1       # zlib level: much faster than the default and barely larger for flat art


def findings_of(ctx: Ctx) -> list[Finding]:
    """What the renderer had to bend to make the asset: fallbacks, shrunk and truncated text."""
    out = [finding("input_fallback", p, severity="review") for p in ctx.problems if "contrast" not in p]
    out += [finding("contrast_fixed", p) for p in ctx.problems if "contrast" in p]
    out += [finding("text_overflow",
                    f"{name} does not fit its box even at the minimum font size; it was cut with an "
                    "ellipsis", field=name, severity="review",
                    fix_hint=f"shorten the {name} for this placement")
            for name in ctx.truncated]
    return out


def draw_ad(request: RenderRequest) -> Ctx:
    """Render the request's layout in memory (no file); the static generator and video scenes use it."""
    template = request.template or DEFAULT_TEMPLATE
    layout = TEMPLATES.get(template)
    if layout is None:
        raise UnsupportedRequest(f"unknown layout template '{template}' (have: {', '.join(TEMPLATES)})",
                                 field="template")
    ctx = new_ctx(request)
    layout(ctx, request.text)
    return ctx


class StaticImageGenerator(Generator):
    """Brand-kit layouts with fitted, contrast-checked text; PNG at the placement's exact size."""

    id: ClassVar[str] = "static"
    kinds: ClassVar[tuple[AssetKind, ...]] = ("image",)
    draws_text = True
    templates: ClassVar[tuple[str, ...]] = tuple(TEMPLATES)

    def __init__(self, model: str | None = None) -> None:
        """``model`` is the default template (``static:card``); a request's own template wins."""
        if model is not None and model not in TEMPLATES:
            raise UnsupportedRequest(f"unknown layout template '{model}' (have: {', '.join(TEMPLATES)})",
                                     field="generator")
        self.template = model or DEFAULT_TEMPLATE

    def render_sync(self, request: RenderRequest) -> RenderResult:
        reason = self.supports(request)
        if reason:
            raise UnsupportedRequest(reason)
        if request.template is None:
            request = request.model_copy(update={"template": self.template})
        ctx = draw_ad(request)
        path = request.out_stem.with_suffix(".png")
        path.parent.mkdir(parents=True, exist_ok=True)
        png.save(ctx.img, path, PNG_COMPRESS)
        w, h = ctx.img.size
        return RenderResult(
            path=path, media_type="image/png", kind="image", width=w, height=h, sha256=sha256_file(path),
            generator=self.id,
            parameters={"template": request.template or DEFAULT_TEMPLATE, "placement": request.placement.id,
                        "background": str(request.background_path) if ctx.photo else None,
                        "fonts": [ctx.fonts.heading.name, ctx.fonts.body.name], "shrunk": ctx.shrunk},
            boxes=ctx.boxes, contrast=ctx.contrast, findings=findings_of(ctx))

    async def generate(self, request: RenderRequest) -> RenderResult:
        return await asyncio.to_thread(self.render_sync, request)
