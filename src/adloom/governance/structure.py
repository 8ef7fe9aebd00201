"""Check: the concept is complete and well formed (hooks, scripts, beats, copy per platform)."""

from __future__ import annotations

import re
from itertools import combinations

from rapidfuzz import fuzz, utils

from adloom.governance.rules import finding
from adloom.types import BrandObject, Campaign, Concept, Finding, Hook, Script

__all__ = ["BODY_BEATS", "DURATIONS", "HOOKS_PER_CONCEPT", "MAX_HOOK_WORDS", "check"]

VERSION = "1"
MAX_HOOK_WORDS = 8            # a spoken hook has about three seconds
HOOKS_PER_CONCEPT = 5         # what the writer is asked for; fewer is a warning, none a block
DURATIONS = (15, 30, 60)
BODY_BEATS = frozenset({"problem", "solution"})
REPEAT_THRESHOLD = 85         # token-sort similarity (0-100) at which two hook parts say the same thing
REPEAT_MIN_WORDS = 3          # a part whose 3+ words all reappear in another part repeats it
TIME_TOLERANCE = 0.05         # seconds; writers round beat times
_WORD = re.compile(r"\S+")


def _repeats(a: str, b: str) -> bool:
    """Same words in another order, or one part quoting the other wholesale (a caption echoing the line)."""
    pa, pb = utils.default_process(a), utils.default_process(b)
    if not pa or not pb:
        return False
    if fuzz.token_sort_ratio(pa, pb) >= REPEAT_THRESHOLD:
        return True
    wa, wb = set(pa.split()), set(pb.split())
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return len(shorter) >= REPEAT_MIN_WORDS and shorter <= longer


def _hook_findings(hook: Hook) -> list[Finding]:
    out: list[Finding] = []
    base = f"hooks[{hook.id}]"
    words = list(_WORD.finditer(hook.text))
    if len(words) > MAX_HOOK_WORDS:
        start, end = words[MAX_HOOK_WORDS].start(), words[-1].end()
        out.append(finding(
            "structure.hook_too_long", f"hook has {len(words)} words, at most {MAX_HOOK_WORDS} fit the first "
            "seconds", field=f"{base}.text", span=(start, end), excerpt=hook.text[start:end],
            fix_hint=f"Cut the spoken line to {MAX_HOOK_WORDS} words or fewer."))
    parts = {"first_visual": hook.first_visual, "text": hook.text,
             "on_screen_caption": hook.on_screen_caption}
    for name, value in parts.items():
        if not value.strip():
            out.append(finding("structure.hook_part_empty", f"hook part '{name}' is empty",
                               field=f"{base}.{name}",
                               fix_hint="Every hook needs a visual, a spoken line and a caption."))
    for (a, text_a), (b, text_b) in combinations(parts.items(), 2):
        if _repeats(text_a, text_b):
            out.append(finding(
                "structure.hook_parts_repeat", f"hook parts '{a}' and '{b}' repeat each other",
                field=f"{base}.{b}", span=(0, len(text_b)), excerpt=text_b,
                fix_hint=f"Make '{b}' add something '{a}' does not say (a detail, a number, a reaction)."))
    return out


def _script_findings(script: Script) -> list[Finding]:
    out: list[Finding] = []
    field = f"scripts[{script.duration}].beats"
    kinds = {beat.kind for beat in script.beats}
    if "hook" not in kinds:
        out.append(finding("structure.script_missing_hook", f"{script.duration}s script has no hook beat",
                           field=field, fix_hint="Open the script with a hook beat."))
    if not kinds & BODY_BEATS:
        out.append(finding("structure.script_missing_body",
                           f"{script.duration}s script has no problem or solution beat", field=field,
                           fix_hint="Add a problem or a solution beat between hook and call to action."))
    if "cta" not in kinds:
        out.append(finding("structure.script_missing_cta",
                           f"{script.duration}s script has no call-to-action beat", field=field,
                           fix_hint="Close the script with a CTA beat."))
    expected = 0.0
    for i, beat in enumerate(script.beats):
        if abs(beat.start - expected) > TIME_TOLERANCE or beat.end <= beat.start:
            out.append(finding(
                "structure.beats_not_contiguous",
                f"beat {i} runs {beat.start:g}-{beat.end:g}s; expected to start at {expected:g}s "
                "and end after it", field=f"{field}[{i}]",
                fix_hint="Beats must follow each other from 0s without gaps or overlaps."))
            return out
        expected = beat.end
    if script.beats and abs(expected - script.duration) > TIME_TOLERANCE:
        out.append(finding(
            "structure.beats_not_contiguous",
            f"beats end at {expected:g}s, the script lasts {script.duration}s", field=field,
            fix_hint=f"Make the last beat end at {script.duration}s."))
    return out


def check(concept: Concept, brand: BrandObject, campaign: Campaign) -> list[Finding]:
    draft = concept.draft
    if draft is None or concept.status == "failed" or concept.error:
        reason = concept.error or "the writer returned no draft"
        return [finding("structure.draft_missing", f"no usable draft: {reason}", field="draft",
                        fix_hint="Regenerate the concept.")]
    if not draft.hooks and not draft.scripts and not draft.copy_variants:
        return [finding("structure.draft_empty", "draft has no hooks, scripts or copy", field="draft",
                        fix_hint="Regenerate the concept.")]
    out: list[Finding] = []
    hook_ids = [h.id for h in draft.hooks]
    if not hook_ids:
        out.append(finding("structure.hooks_missing", "draft has no hooks", field="hooks",
                           fix_hint=f"Write {HOOKS_PER_CONCEPT} hooks."))
    elif len(hook_ids) < HOOKS_PER_CONCEPT:
        out.append(finding("structure.hooks_count",
                           f"draft has {len(hook_ids)} hooks, {HOOKS_PER_CONCEPT} asked", field="hooks",
                           fix_hint=f"Write {HOOKS_PER_CONCEPT} distinct hooks."))
    for dup in sorted({h for h in hook_ids if hook_ids.count(h) > 1}):
        out.append(finding("structure.hook_id_duplicate", f"hook id '{dup}' is used twice",
                           field=f"hooks[{dup}]", fix_hint="Give every hook its own id."))
    for hook in draft.hooks:
        out += _hook_findings(hook)

    refs = [(f"scripts[{s.duration}].hook_id", s.hook_id) for s in draft.scripts]
    refs += [(f"copy.{c.platform}[{c.hook_id}].hook_id", c.hook_id)
             for c in draft.copy_variants if c.platform != "google"]
    for field, ref in refs:
        if ref not in hook_ids:
            out.append(finding("structure.hook_ref_unknown", f"refers to hook '{ref}', which the draft lacks",
                               field=field, excerpt=ref, fix_hint=f"Use one of the hook ids {hook_ids}."))

    durations = {s.duration for s in draft.scripts}
    for duration in DURATIONS:
        if duration not in durations:
            out.append(finding("structure.script_missing", f"no {duration}s script",
                               field=f"scripts[{duration}]", fix_hint=f"Write a {duration}s script."))
    for script in draft.scripts:
        out += _script_findings(script)

    platforms = {c.platform for c in draft.copy_variants}
    for platform in campaign.platforms:
        if platform not in platforms:
            out.append(finding("structure.copy_missing",
                               f"campaign runs on {platform} but the draft has no copy for it",
                               field=f"copy.{platform}", fix_hint=f"Write {platform} copy."))
    return out
