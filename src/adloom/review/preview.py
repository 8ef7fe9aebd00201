"""The creative of a concept held for review, drawn for the reviewer.

The pipeline renders approved concepts only, so a queued item has no files yet. The desk shows what it
would ship as: the static feed ad and the animatic's opening frame (the hook scene, which is what the
report's poster of an animatic shows), drawn with the run's own renderer on demand and kept under the
project's cache by content hash, so an edited concept gets a new preview and an unchanged one is drawn once.
Nothing here is exported: the real files are made when the concept is approved and the run re-exported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from adloom.errors import NotFound
from adloom.pipeline.render import IMAGE_NAMES, ad_text, hook_script
from adloom.platforms import PLACEMENTS, Platform
from adloom.render import png
from adloom.render.base import AdText, RenderRequest
from adloom.render.scenes import beat_scene
from adloom.render.static import draw_ad
from adloom.types import BrandObject, Concept, content_hash

__all__ = ["KINDS", "preview"]

Kind = Literal["image", "poster"]
KINDS: dict[str, str] = {"image": "meta_feed_square", "poster": "tiktok_infeed"}    # kind -> placement drawn
_VERSION = 1           # bump when what a preview draws changes, so cached ones are drawn again


def preview(concept: Concept, brand: BrandObject, kind: str, cache_dir: Path, brand_dir: Path | None) -> Path:
    """The preview PNG of ``kind`` ("image" or "poster"), drawn now or found in ``cache_dir``.

    ``brand_dir``: the brand folder the logo, fonts and photos are read from. Brand data is untrusted, so
    without one every path it names is confined to an empty folder (and the renderer falls back)."""
    if kind not in KINDS:
        raise NotFound(f"no preview '{kind}' (have: {', '.join(KINDS)})")
    if concept.draft is None or not concept.draft.hooks:
        raise NotFound(f"concept '{concept.id}' has no draft to draw")
    folder = brand_dir if brand_dir is not None and brand_dir.is_dir() else cache_dir / "no-brand-folder"
    folder.mkdir(parents=True, exist_ok=True)
    key = content_hash({"v": _VERSION, "kind": kind, "concept": concept.model_dump(mode="json"),
                        "kit": brand.brand_kit.model_dump(mode="json"), "brand": brand.name,
                        "folder": str(folder)})
    path = cache_dir / f"{concept.id}_{kind}_{key}.png"
    if path.is_file():
        return path
    request = _request(concept, brand, kind, folder, path)
    if kind == "image":
        img = draw_ad(request).img
    else:
        assert request.script is not None
        img = beat_scene(request, request.script.beats[0], 0, float(request.script.duration)).img
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        png.save(img, partial)
        os.replace(partial, path)          # never a half-written preview under the real name
    finally:
        partial.unlink(missing_ok=True)
    return path


def _request(concept: Concept, brand: BrandObject, kind: str, folder: Path, path: Path) -> RenderRequest:
    placement = PLACEMENTS[KINDS[kind]]
    assert concept.draft is not None
    order: tuple[Platform, ...] = (placement.platform, "meta", "tiktok", "google")
    words = next((t for p in order if (t := ad_text(concept, p, brand))), None)
    text, hook_id = words if words else (AdText(headline=brand.tagline or brand.name), concept.draft.hooks[0].id)
    base = {"concept": concept, "placement": placement, "brand_kit": brand.brand_kit, "brand_name": brand.name,
            "out_stem": path.with_suffix(""), "text": text, "asset_dir": folder}
    if kind == "image":
        return RenderRequest(**base, background_path=_photo(folder))
    script = next((s for s in concept.draft.scripts if s.duration == 15), None) or next(
        iter(concept.draft.scripts), None)
    if script is None or not script.beats:
        raise NotFound(f"concept '{concept.id}' has no script to draw an animatic frame from")
    hook = next((h for h in concept.draft.hooks if h.id == hook_id), concept.draft.hooks[0])
    return RenderRequest(**base, kind="video", script=hook_script(script, hook))


def _photo(folder: Path) -> Path | None:
    """The brand folder's optional picture under the text, found as the render stage finds it."""
    for name in IMAGE_NAMES:
        for ext in (".png", ".jpg", ".jpeg", ".webp"):
            if (folder / "assets" / f"{name}{ext}").is_file():
                return folder / "assets" / f"{name}{ext}"
    return None
