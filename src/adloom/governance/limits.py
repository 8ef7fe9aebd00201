"""Check: static copy fits each platform's field limits and vocabularies.

Every figure comes from ``adloom.platforms``, never a literal here.
"""

from __future__ import annotations

from adloom import platforms
from adloom.governance.fields import copy_path
from adloom.governance.rules import finding
from adloom.platforms import Platform
from adloom.types import BrandObject, Campaign, Concept, Finding, GoogleRSACopy, MetaCopy, TikTokCopy

__all__ = ["check", "emoji_spans"]

VERSION = "1"

# Pictographic blocks and the joiners that glue emoji sequences; TikTok refuses all of them.
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),   # mahjong .. symbols & pictographs extended-A (incl. flags, emoticons)
    (0x2600, 0x27BF),     # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),     # arrows and stars often rendered as emoji
    (0x231A, 0x23FF),     # watch, hourglass, media controls
    (0xFE0F, 0xFE0F),     # emoji presentation selector
    (0x200D, 0x200D),     # zero-width joiner
)


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _EMOJI_RANGES)


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """Spans of runs of emoji characters (a flag or ZWJ sequence is one run)."""
    spans: list[tuple[int, int]] = []
    if text.isascii():      # every emoji block lies above U+2000
        return spans
    for i, ch in enumerate(text):
        if not _is_emoji(ch):
            continue
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def _length(platform: Platform, limit_field: str, field: str, text: str, *, required: bool) -> list[Finding]:
    if not text.strip():
        if not required:
            return []
        return [finding("limits.field_empty", f"{platform} {limit_field} is empty", field=field,
                        fix_hint=f"Write the {platform} {limit_field}.")]
    hard = platforms.limit(platform, limit_field)
    soft = platforms.recommended(platform, limit_field)
    if len(text) > hard:
        return [finding("limits.over_hard", f"{platform} {limit_field} is {len(text)} chars; the platform "
                        f"rejects more than {hard}", field=field, span=(hard, len(text)), excerpt=text[hard:],
                        fix_hint=f"Shorten to {hard} characters or fewer.")]
    if len(text) > soft:
        return [finding("limits.over_recommended", f"{platform} {limit_field} is {len(text)} chars; over "
                        f"{soft} it is cut off on screen", field=field, span=(soft, len(text)),
                        excerpt=text[soft:],
                        fix_hint=f"Put the point in the first {soft} characters.")]
    return []


def _cta(field: str, cta: str, allowed: tuple[str, ...], platform: Platform) -> list[Finding]:
    if cta in allowed:
        return []
    return [finding("limits.cta_invalid", f"'{cta}' is not a {platform} call-to-action value", field=field,
                    span=(0, len(cta)), excerpt=cta, fix_hint=f"Use one of {', '.join(allowed)}.")]


def _meta(base: str, copy: MetaCopy) -> list[Finding]:
    return [
        *_length("meta", "primary_text", f"{base}.primary_text", copy.primary_text, required=True),
        *_length("meta", "headline", f"{base}.headline", copy.headline, required=True),
        *_length("meta", "description", f"{base}.description", copy.description, required=False),
        *_cta(f"{base}.cta", copy.cta, platforms.META_CTAS, "meta"),
    ]


def _count(rule_id: str, what: str, field: str, n: int, bounds: tuple[int, int]) -> list[Finding]:
    lo, hi = bounds
    if lo <= n <= hi:
        return []
    return [finding(rule_id, f"{n} {what}; Google RSA takes {lo} to {hi}", field=field,
                    fix_hint=f"Provide between {lo} and {hi} {what}.")]


def _google(base: str, copy: GoogleRSACopy) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for i, headline in enumerate(copy.headlines):
        field = f"{base}.headlines[{i}]"
        out += _length("google", "headline", field, headline, required=True)
        key = " ".join(headline.split()).casefold()
        if key in seen:
            out.append(finding("limits.google_headline_duplicate",
                               f"headline {i} repeats headline {seen[key]}", field=field,
                               span=(0, len(headline)), excerpt=headline,
                               fix_hint="Every RSA headline must be distinct."))
        elif key:
            seen[key] = i
    out += _count("limits.google_headline_count", "distinct headlines", f"{base}.headlines", len(seen),
                  platforms.GOOGLE_RSA_HEADLINES)
    for i, description in enumerate(copy.descriptions):
        out += _length("google", "description", f"{base}.descriptions[{i}]", description, required=True)
    out += _count("limits.google_description_count", "descriptions", f"{base}.descriptions",
                  len(copy.descriptions), platforms.GOOGLE_RSA_DESCRIPTIONS)
    out += _length("google", "path", f"{base}.path1", copy.path1, required=False)
    out += _length("google", "path", f"{base}.path2", copy.path2, required=False)
    return out


def _tiktok(base: str, copy: TikTokCopy) -> list[Finding]:
    field = f"{base}.ad_text"
    out = _length("tiktok", "ad_text", field, copy.ad_text, required=True)
    bad = ([(i, i + 1) for i, ch in enumerate(copy.ad_text) if ch in platforms.TIKTOK_FORBIDDEN_CHARS]
           if any(ch in copy.ad_text for ch in platforms.TIKTOK_FORBIDDEN_CHARS) else [])
    for start, end in sorted(bad + emoji_spans(copy.ad_text)):
        out.append(finding("limits.tiktok_forbidden_char",
                           "TikTok ad text may not contain emoji, '#', '{' or '}'", field=field,
                           span=(start, end), excerpt=copy.ad_text[start:end],
                           fix_hint="Remove the character; put hashtags in the caption, not the ad text."))
    out += _cta(f"{base}.cta", copy.cta, platforms.TIKTOK_CTAS, "tiktok")
    return out


def check(concept: Concept, brand: BrandObject, campaign: Campaign) -> list[Finding]:
    if concept.draft is None:
        return []
    out: list[Finding] = []
    for index, copy in enumerate(concept.draft.copy_variants):
        base = copy_path(index, copy)
        if isinstance(copy, MetaCopy):
            out += _meta(base, copy)
        elif isinstance(copy, GoogleRSACopy):
            out += _google(base, copy)
        else:
            out += _tiktok(base, copy)
    return out
