"""The report's view model: plain data the template only lays out.

Every string here is untrusted brand or writer text; the template escapes it (autoescape on). The two
places escaping cannot help are handled here: colours going into CSS are checked against a hex
pattern, and media paths going into ``src`` must be relative paths without a URL scheme.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from adloom.audit.lineage import Lineage
from adloom.exports.common import final_verdict, segment_label
from adloom.platforms import Platform, limit, recommended
from adloom.types import (
    Asset,
    BrandObject,
    Concept,
    GoogleRSACopy,
    MetaCopy,
    Script,
    TikTokCopy,
    Verdict,
)

_HOOK_IN_NAME = re.compile(r"_(h\d+)_[0-9a-f]{8}_")
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
DEFAULT_COLORS = {"primary": "#1F3A5F", "secondary": "#F2F4F7", "accent": "#FF7A45", "text": "#111827",
                  "background": "#FFFFFF"}
STATUS_ORDER = ("approved", "review", "rejected", "failed")
ROUTE_ORDER = ("approve", "review", "regenerate", "reject", "failed")
PLATFORM_ORDER = ("meta", "google", "tiktok")


def safe_colors(colors: Mapping[str, str]) -> dict[str, str]:
    """Brand kit colours that are plain hex; anything else (e.g. ``red;}</style><script>``) falls back,
    because HTML escaping does not make a value safe inside a <style> block."""
    return {key: colors[key] if _HEX_COLOR.match(colors.get(key, "")) else default
            for key, default in DEFAULT_COLORS.items()}


def media_src(path: str, out_dir: Path) -> str | None:
    """A relative, URL-quoted path from the report to the asset, or None if it is not a local file."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+:", path) or path.startswith("//"):
        return None    # any URL scheme: http(s), javascript:, data: — the report stays self-contained
    target = Path(path)
    if target.is_absolute():
        try:
            target = target.relative_to(out_dir)
        except ValueError:
            target = Path(os.path.relpath(target, out_dir))
    posix = PurePosixPath(*target.parts).as_posix()
    if urlsplit(posix).scheme:
        return None
    return quote(posix)


@dataclass(frozen=True)
class CountedText:
    """A copy field with its length against the platform's limits."""

    label: str
    text: str
    hard: int
    recommended: int

    @property
    def count(self) -> int:
        return len(self.text)

    @property
    def state(self) -> str:
        if self.count > self.hard:
            return "over"
        return "long" if self.count > self.recommended else "ok"


def counted(label: str, text: str, platform: Platform, field_name: str) -> CountedText:
    return CountedText(label, text, limit(platform, field_name), recommended(platform, field_name))


@dataclass(frozen=True)
class CopyBlock:
    platform: str
    title: str
    fields: tuple[CountedText, ...]
    cta: str = ""


@dataclass(frozen=True)
class TimelineBeat:
    kind: str
    start: float
    end: float
    left: float        # percent of the script's duration
    width: float
    visual: str
    voiceover: str
    on_screen_text: str


@dataclass(frozen=True)
class MediaItem:
    kind: str
    src: str
    placement: str
    label: str
    poster: str = ""       # a video's poster frame (``posters.make_posters``), relative like ``src``
    hook: str = ""         # the hook an asset was made for, from its file name (``..._h2_<concept8>_...``)

    @property
    def platform(self) -> str:
        """``meta`` of ``meta_feed_square``: placements are named platform first."""
        return self.placement.split("_", 1)[0]

    @property
    def square(self) -> bool:
        return "square" in self.placement or "1x1" in self.label


@dataclass(frozen=True)
class ConceptCard:
    concept: Concept
    segment_label: str
    verdict: Verdict | None
    history: tuple[Verdict, ...]
    copy_blocks: tuple[CopyBlock, ...]
    scripts: tuple[tuple[Script, tuple[TimelineBeat, ...]], ...]
    media: tuple[MediaItem, ...]
    lineage: Lineage | None = None
    html: Markup | None = None   # the card already rendered (``report.render_card``), laid out as is

    @property
    def id(self) -> str:
        return self.concept.id

    @property
    def route(self) -> str:
        """The final verdict's route; the concept's status when it never got one (a failed draft)."""
        return self.verdict.route if self.verdict else self.concept.status

    @property
    def platforms(self) -> tuple[str, ...]:
        """Platforms the concept has copy or media for, in the report's platform order."""
        found = {b.platform for b in self.copy_blocks} | {m.platform for m in self.media}
        return tuple(p for p in PLATFORM_ORDER if p in found)

    @property
    def thumb(self) -> MediaItem | None:
        """The contact sheet's picture: a square image, else any image, else a video with a poster."""
        images = [m for m in self.media if m.kind == "image"]
        posters = [m for m in self.media if m.kind == "video" and m.poster]
        return next((m for m in images if m.square), None) or next(iter(images + posters), None)

    def thumb_for(self, platform: str) -> MediaItem | None:
        """The picture shown when the sheet is filtered to one platform."""
        images = [m for m in self.media if m.platform == platform and m.kind == "image"]
        posters = [m for m in self.media if m.platform == platform and m.kind == "video" and m.poster]
        return next((m for m in images if m.square), None) or next(iter(images + posters), None)


@dataclass
class SegmentGroup:
    segment_id: str
    label: str
    cards: list[ConceptCard] = field(default_factory=list)


@dataclass
class AngleGroup:
    angle_id: str
    name: str
    segments: list[SegmentGroup] = field(default_factory=list)

    def segment(self, segment_id: str, label: str) -> SegmentGroup:
        for group in self.segments:
            if group.segment_id == segment_id:
                return group
        self.segments.append(SegmentGroup(segment_id, label))
        return self.segments[-1]


def copy_blocks(concept: Concept) -> tuple[CopyBlock, ...]:
    blocks: list[CopyBlock] = []
    for copy in concept.draft.copy_variants if concept.draft else []:
        if isinstance(copy, MetaCopy):
            blocks.append(CopyBlock("meta", f"Meta · {copy.hook_id}", (
                counted("Primary text", copy.primary_text, "meta", "primary_text"),
                counted("Headline", copy.headline, "meta", "headline"),
                counted("Description", copy.description, "meta", "description"),
            ), cta=copy.cta))
        elif isinstance(copy, GoogleRSACopy):
            fields = [counted(f"Headline {i}", h, "google", "headline")
                      for i, h in enumerate(copy.headlines, 1)]
            fields += [counted(f"Description {i}", d, "google", "description")
                       for i, d in enumerate(copy.descriptions, 1)]
            fields += [counted(f"Path {i}", p, "google", "path")
                       for i, p in enumerate((copy.path1, copy.path2), 1) if p]
            blocks.append(CopyBlock("google", "Google RSA", tuple(fields)))
        elif isinstance(copy, TikTokCopy):
            blocks.append(CopyBlock("tiktok", f"TikTok · {copy.hook_id}", (
                counted("Ad text", copy.ad_text, "tiktok", "ad_text"),), cta=copy.cta))
    order = {p: i for i, p in enumerate(PLATFORM_ORDER)}   # writers interleave platforms; readers scan one
    return tuple(sorted(blocks, key=lambda b: order.get(b.platform, len(order))))


def timeline(script: Script) -> tuple[TimelineBeat, ...]:
    total = float(script.duration) or 1.0
    return tuple(
        TimelineBeat(kind=b.kind, start=b.start, end=b.end,
                     left=round(100 * max(0.0, b.start) / total, 2),
                     width=round(100 * max(0.0, min(b.end, total) - b.start) / total, 2),
                     visual=b.visual, voiceover=b.voiceover, on_screen_text=b.on_screen_text)
        for b in script.beats
    )


def media_items(assets: Sequence[Asset], out_dir: Path,
                posters: Mapping[str, str] | None = None) -> tuple[MediaItem, ...]:
    """``posters``: poster file path by video asset path (as stored), paths as ``Asset.path`` is."""
    items = []
    posters = posters or {}
    for asset in assets:
        src = media_src(asset.path, out_dir)
        if src and asset.kind in ("image", "video"):
            poster = media_src(posters[asset.path], out_dir) if asset.path in posters else None
            name = PurePosixPath(asset.path).name
            hook = _HOOK_IN_NAME.search(name)
            items.append(MediaItem(asset.kind, src, asset.placement or "", name, poster or "",
                                   hook[1] if hook else ""))
    # pictures first, then videos, each in platform order: the detail reads as a grid, then a strip
    rank = {p: i for i, p in enumerate(PLATFORM_ORDER)}
    return tuple(sorted(items, key=lambda m: (m.kind != "image", rank.get(m.platform, len(rank)))))


def concept_card(concept: Concept, brand: BrandObject, verdicts: Mapping[str, Sequence[Verdict]],
                 assets: Sequence[Asset], out_dir: Path, lineage: Lineage | None = None,
                 posters: Mapping[str, str] | None = None) -> ConceptCard:
    history = tuple(sorted(verdicts.get(concept.id, []), key=lambda v: v.attempt))
    scripts = tuple((s, timeline(s)) for s in (concept.draft.scripts if concept.draft else []))
    return ConceptCard(concept=concept, segment_label=segment_label(brand, concept.segment_id),
                       verdict=final_verdict(verdicts, concept.id), history=history,
                       copy_blocks=copy_blocks(concept), scripts=scripts,
                       media=media_items(assets, out_dir, posters), lineage=lineage)


def group_cards(cards: Sequence[ConceptCard], angle_order: Sequence[str]) -> list[AngleGroup]:
    """Angle (in the run's ranking order) then segment (first-seen order)."""
    groups: dict[str, AngleGroup] = {}
    for card in cards:
        angle = card.concept.angle
        group = groups.setdefault(angle.id, AngleGroup(angle.id, angle.name or angle.id))
        group.segment(card.concept.segment_id, card.segment_label).cards.append(card)
    rank = {angle_id: i for i, angle_id in enumerate(angle_order)}
    return sorted(groups.values(), key=lambda g: rank.get(g.angle_id, len(rank)))
