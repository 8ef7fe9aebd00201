"""Where text lives in a concept, named by the field paths findings use.

Paths: ``hooks[h3].text``, ``scripts[30].beats[2].voiceover``, ``copy.meta[h2].headline``,
``copy.google[0].headlines[4]``, ``copy.tiktok[h1].ad_text``, ``brief.talking_points[1]``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from adloom.types import ConceptDraft, GoogleRSACopy, MetaCopy, TikTokCopy

__all__ = ["SEPARATOR", "Joined", "TextField", "copy_path", "join_texts", "text_fields"]

# Joins field texts for one regex pass over a whole concept: no term, number or idiom pattern matches it
SEPARATOR = "\x00"


class TextField(NamedTuple):
    """A tuple: ~150 are made per verdict, and a frozen dataclass costs three times as much to build."""

    path: str
    text: str
    audience: bool     # the viewer sees or hears it (claims apply); False for production notes


def copy_path(index: int, copy: MetaCopy | GoogleRSACopy | TikTokCopy) -> str:
    """Meta and TikTok copy is keyed by the hook it opens with; Google RSA copy by its position."""
    if isinstance(copy, GoogleRSACopy):
        return f"copy.google[{index}]"
    return f"copy.{copy.platform}[{copy.hook_id}]"


def text_fields(draft: ConceptDraft) -> Iterator[TextField]:
    """Every free-text field of a draft.

    Left out on purpose: hook ``rationale`` (internal reasoning, never shown) and the brief's ``dont``
    list (it legitimately names what a creator must not say).
    """
    for hook in draft.hooks:
        yield TextField(f"hooks[{hook.id}].text", hook.text, True)
        yield TextField(f"hooks[{hook.id}].on_screen_caption", hook.on_screen_caption, True)
        yield TextField(f"hooks[{hook.id}].first_visual", hook.first_visual, False)
    for script in draft.scripts:
        for i, beat in enumerate(script.beats):
            base = f"scripts[{script.duration}].beats[{i}]"
            yield TextField(f"{base}.voiceover", beat.voiceover, True)
            yield TextField(f"{base}.on_screen_text", beat.on_screen_text, True)
            yield TextField(f"{base}.visual", beat.visual, False)
    for index, copy in enumerate(draft.copy_variants):
        base = copy_path(index, copy)
        if isinstance(copy, MetaCopy):
            yield TextField(f"{base}.primary_text", copy.primary_text, True)
            yield TextField(f"{base}.headline", copy.headline, True)
            yield TextField(f"{base}.description", copy.description, True)
        elif isinstance(copy, GoogleRSACopy):
            for i, headline in enumerate(copy.headlines):
                yield TextField(f"{base}.headlines[{i}]", headline, True)
            for i, description in enumerate(copy.descriptions):
                yield TextField(f"{base}.descriptions[{i}]", description, True)
            yield TextField(f"{base}.path1", copy.path1, True)
            yield TextField(f"{base}.path2", copy.path2, True)
        else:
            yield TextField(f"{base}.ad_text", copy.ad_text, True)
    brief = draft.brief
    yield TextField("brief.persona", brief.persona, False)
    yield TextField("brief.setting", brief.setting, False)
    for i, shot in enumerate(brief.shot_list):
        yield TextField(f"brief.shot_list[{i}].description", shot.description, False)
    for i, point in enumerate(brief.talking_points):
        yield TextField(f"brief.talking_points[{i}]", point, True)
    for i, option in enumerate(brief.hook_options):
        yield TextField(f"brief.hook_options[{i}]", option, True)
    for i, item in enumerate(brief.do):
        yield TextField(f"brief.do[{i}]", item, False)


@dataclass(frozen=True)
class Joined:
    """Texts joined by ``SEPARATOR``, so one regex pass finds what a pass per text would, with the spans
    mapped back to (text index, local start, local end)."""

    text: str
    starts: tuple[int, ...]

    def locate(self, start: int, end: int) -> tuple[int, int, int]:
        i = bisect_right(self.starts, start) - 1
        return i, start - self.starts[i], end - self.starts[i]


def join_texts(texts: Sequence[str]) -> Joined | None:
    """None when a text holds the separator itself (undecodable input): the caller scans text by text."""
    starts, at = [], 0
    for text in texts:
        if SEPARATOR in text:
            return None
        starts.append(at)
        at += len(text) + 1
    return Joined(SEPARATOR.join(texts), tuple(starts))
