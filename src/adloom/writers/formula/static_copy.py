"""Static copy per platform: Meta and TikTok one variant per hook, Google one RSA per concept.

Every length comes from ``adloom.platforms``; text is assembled from whole sentences up to the limit
rather than cut, so nothing ends mid-thought.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from adloom.naming import slugify
from adloom.platforms import (
    GOOGLE_RSA_DESCRIPTIONS,
    GOOGLE_RSA_HEADLINES,
    META_CTAS,
    TIKTOK_CTAS,
    TIKTOK_FORBIDDEN_CHARS,
    limit,
    recommended,
)
from adloom.textutil import ensure_period, fit, normalize_space, strip_chars, strip_emoji, upper_first
from adloom.types import GoogleRSACopy, Hook, MetaCopy, TikTokCopy
from adloom.writers.formula.frameworks import body_sentences, pick
from adloom.writers.formula.material import Material

# What a CTA phrase asks for, in the order it is recognised; a platform takes the first it supports.
_CTA_INTENTS: tuple[tuple[str, str], ...] = (
    ("shop", "SHOP_NOW"), ("buy", "SHOP_NOW"), ("order", "ORDER_NOW"), ("trial", "GET_OFFER"),
    ("offer", "GET_OFFER"), ("discount", "GET_OFFER"), ("trial", "SIGN_UP"), ("sign up", "SIGN_UP"),
    ("join", "SIGN_UP"), ("subscribe", "SUBSCRIBE"), ("download", "DOWNLOAD"), ("book", "BOOK_NOW"),
    ("quote", "GET_QUOTE"), ("contact", "CONTACT_US"), ("apply", "APPLY_NOW"), ("watch", "WATCH_MORE"),
)
# Headlines that suit any brand, so an RSA always reaches its advised count.
_RESERVE_HEADLINES = ("See how it works", "Take a closer look", "Find your routine", "Made for real life",
                      "Explore the details", "Learn more today", "Try something new", "Shop the range")

_RESERVE_DESCRIPTIONS = ("Take a closer look and see how it fits your routine.", "Made for real life.")


def pick_cta(intents: Iterable[str], allowed: Sequence[str]) -> str:
    for phrase in intents:
        lowered = phrase.lower()
        for keyword, cta in _CTA_INTENTS:
            if re.search(rf"\b{re.escape(keyword)}", lowered) and cta in allowed:
                return cta
    return "LEARN_MORE" if "LEARN_MORE" in allowed else allowed[0]


def _assemble(opening: str, sentences: Iterable[str], max_chars: int) -> str:
    """``opening`` plus as many whole sentences as fit within ``max_chars``."""
    text = opening
    for sentence in sentences:
        candidate = f"{text} {sentence}"
        if len(candidate) <= max_chars:
            text = candidate
    return text


def _first_fitting(candidates: Iterable[str | None], material: Material, max_chars: int,
                   start: int = 0) -> str:
    clean = [upper_first(normalize_space(c)) for c in candidates if c]
    fitting = [c for c in clean if len(c) <= max_chars and material.guard.ok(c)]
    if fitting:
        return fitting[start % len(fitting)]
    return fit(material.product, max_chars)


def answer_for(hook: Hook, material: Material, variant: int) -> str:
    """The brand's answer to the doubt a hook raises: the objection it quotes, or (objection angle) one
    the brand answers. Every objection hook is followed by its answer, straight after the hook."""
    answer = material.answer_to(hook.text)
    if not answer and material.angle == "objection" and material.answers:
        answer = material.answers[variant % len(material.answers)][1]
    return answer


def opening(hook: Hook, material: Material, variant: int) -> str:
    """The hook, then its answer: whole, or its first sentence when the whole would pass the fold."""
    lead = ensure_period(hook.text)
    answer = answer_for(hook, material, variant)
    if not answer:
        return lead
    first = answer.split(". ")[0].rstrip(".") + "."
    for candidate in (f"{lead} {answer}", f"{lead} {first}"):
        if len(candidate) <= recommended("meta", "primary_text"):
            return candidate
    return f"{lead} {first}"


def meta_copy(hook: Hook, material: Material, framework: str, variant: int) -> MetaCopy:
    body = body_sentences(framework, material, variant, after=hook.text)
    cta_line = ensure_period(pick(material.cta_phrases, variant) or "")
    text = _assemble(opening(hook, material, variant), [*body, cta_line], recommended("meta", "primary_text"))
    if text == ensure_period(hook.text) and body:     # too long for the fold: still say one thing more
        text = _assemble(text, body[:1], limit("meta", "primary_text"))
    text = _assemble(text, material.disclosures, limit("meta", "primary_text"))
    m = material
    headline = headline_for(m, variant)
    description = _first_fitting([*m.cta_phrases, *m.offers, m.tagline, "See how it works"],
                                 m, recommended("meta", "description"), variant)
    return MetaCopy(hook_id=hook.id, primary_text=fit(text, limit("meta", "primary_text")),
                    headline=headline, description=description, cta=pick_cta(m.cta_intents, META_CTAS))


def headline_for(m: Material, variant: int) -> str:
    """A headline written for this concept: its segment's desires, the product's benefits, approved claims
    and offers come before the tagline and the pillars, which every concept of the brand shares. The
    starting point depends on the angle and segment, so two concepts rarely open on the same one."""
    max_chars = recommended("meta", "headline")
    own = [*(upper_first(d) for d in m.desires), *(f"{m.product}: {b}" for b in m.benefits),
           *(c.statement for c in m.claims), *m.offers]
    shared = [m.tagline, f"Made for {m.segment}" if m.segment else "", *m.pillars]
    fitting = [upper_first(c) for c in dict.fromkeys(normalize_space(c) for c in [*own, *shared] if c)
               if len(c) <= max_chars and m.guard.ok(c)]
    if fitting:
        start = sum(map(ord, f"{m.angle}:{m.segment}"))
        return fitting[(start + variant) % len(fitting)]
    return fit(f"Meet {m.product}", max_chars)


def tiktok_clean(text: str) -> str:
    return strip_chars(strip_emoji(text), TIKTOK_FORBIDDEN_CHARS)


def tiktok_copy(hook: Hook, material: Material, framework: str, variant: int) -> TikTokCopy:
    max_chars = limit("tiktok", "ad_text")
    body = [tiktok_clean(s) for s in body_sentences(framework, material, variant, after=hook.text)]
    answer = tiktok_clean(answer_for(hook, material, variant))
    lead = fit(tiktok_clean(ensure_period(hook.text)), max_chars)
    if answer and len(f"{lead} {answer}") <= max_chars:
        lead = f"{lead} {answer}"
    elif answer:       # the answer matters more than the rest of the body: its first sentence, if it fits
        first = answer.split(". ")[0].rstrip(".") + "."
        lead = f"{lead} {first}" if len(f"{lead} {first}") <= max_chars else lead
    text = _assemble(lead, body, max_chars)
    return TikTokCopy(hook_id=hook.id, ad_text=text, cta=pick_cta(material.cta_intents, TIKTOK_CTAS))


def google_rsa(material: Material, framework: str, hooks: Sequence[Hook]) -> GoogleRSACopy:
    m = material
    head_max = limit("google", "headline")
    headline_candidates = [
        m.product, f"Meet {m.product}", m.tagline, m.brand, f"Made for {m.segment}" if m.segment else None,
        f"{m.product} for {m.segment}", *(f"Built for {d}" for d in m.desires),
        *(f"Tired of {p}?" for p in m.pains), *m.benefits, *m.pillars, *m.offers, *m.cta_phrases,
        *(c.statement for c in m.claims), *(h.text for h in hooks), *m.features,
        f"See how {m.product} works", *_RESERVE_HEADLINES,
    ]
    headlines = _distinct_fitting(headline_candidates, m, head_max, GOOGLE_RSA_HEADLINES[1])

    # leave room for the disclosures, so every description can carry them
    room = limit("google", "description")
    disclosure_room = sum(len(d) + 1 for d in m.disclosures)
    budget = room - disclosure_room if room - disclosure_room >= room // 2 else room
    variants = [body_sentences(framework, m, v) for v in range(3)]
    paired = [_assemble(a, [b], budget) for sentences in variants for a, b in pairwise(sentences)]
    singles = [s for sentences in variants for s in sentences]
    extras = [*(ensure_period(c) for c in m.cta_phrases), f"See how {m.product} works."]
    candidates = [*paired, *singles, *extras, *_RESERVE_DESCRIPTIONS]
    fewest, most = GOOGLE_RSA_DESCRIPTIONS
    descriptions = _distinct_fitting(candidates, m, budget, most)
    if len(descriptions) < fewest:
        descriptions = _distinct_fitting(candidates, m, room, most)
    descriptions = [_assemble(d, m.disclosures, room) for d in descriptions]
    return GoogleRSACopy(headlines=headlines, descriptions=descriptions,
                         path1=_path(m.product), path2=_path(m.segment_label or m.brand))


def _distinct_fitting(candidates: Iterable[str | None], material: Material, max_chars: int,
                      most: int) -> list[str]:
    chosen: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        if not candidate:
            continue
        text = upper_first(normalize_space(candidate))
        key = text.lower().rstrip(".?!")
        if len(text) > max_chars or key in seen or not material.guard.ok(text):
            continue
        seen.add(key)
        chosen.append(text)
        if len(chosen) == most:
            break
    return chosen


def _path(text: str) -> str:
    """A display-path slug within the limit, cut at a hyphen rather than mid-word."""
    max_chars = limit("google", "path")
    slug = slugify(re.sub(r"\d", "", text), max_len=80)
    if len(slug) <= max_chars:
        return slug
    cut = slug[: max_chars + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:max_chars]
