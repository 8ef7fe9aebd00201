"""Readers over a ConceptDraft for the writer tests: every piece of text an audience could see."""

from __future__ import annotations

import re

from adloom.types import ConceptDraft, GoogleRSACopy, MetaCopy, TikTokCopy


def audience_texts(draft: ConceptDraft) -> list[str]:
    """Hooks, scripts, static copy and what a creator says on camera.

    Left out on purpose: hook rationales (internal), and the brief's persona (casting ages), do and
    don't lists (they name the avoid terms in order to forbid them).
    """
    texts: list[str] = []
    for hook in draft.hooks:
        texts += [hook.text, hook.first_visual, hook.on_screen_caption]
    for script in draft.scripts:
        for beat in script.beats:
            texts += [beat.visual, beat.voiceover, beat.on_screen_text]
    for copy in draft.copy_variants:
        if isinstance(copy, MetaCopy):
            texts += [copy.primary_text, copy.headline, copy.description]
        elif isinstance(copy, GoogleRSACopy):
            texts += [*copy.headlines, *copy.descriptions, copy.path1, copy.path2]
        elif isinstance(copy, TikTokCopy):
            texts.append(copy.ad_text)
    brief = draft.brief
    texts += [brief.setting, *brief.talking_points, *brief.hook_options]
    texts += [shot.description for shot in brief.shot_list]
    return [t for t in texts if t]


def without(text: str, allowed: list[str]) -> str:
    """``text`` with every allowed passage (approved claims, disclosures) cut out, case-insensitively."""
    for passage in allowed:
        text = re.sub(re.escape(passage), " ", text, flags=re.IGNORECASE)
    return text
