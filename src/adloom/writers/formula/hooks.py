"""Fill hook templates for one angle x segment: word limit, guard and near-duplicate checks on each."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from string import Formatter

from adloom.textutil import near_duplicate_of, normalize_space, sentence_case, word_count
from adloom.types import Angle, Hook
from adloom.writers.formula.composed import DEFAULT_REGISTER
from adloom.writers.formula.material import Material
from adloom.writers.formula.semantic import SemanticRepeats
from adloom.writers.formula.structures import used_structures
from adloom.writers.formula.templates import (
    ANGLE_IDS,
    ANGLE_WHY,
    FALLBACK_CAPTIONS,
    GENERIC,
    HookTemplate,
    generic_templates,
    templates_for,
)

CAPTION_WORDS = (2, 5)
FALLBACK_VISUAL = "Creator talking straight to camera, natural light"
SEGMENT_SLOTS = frozenset({"pain", "problem", "desire", "objection", "question", "quote"})   # noticed when repeated


def template_order(angle_id: str, seed: str, attempt: int, per_concept: int,
                   preferred: Sequence[str] = (), registers: Sequence[str] = (DEFAULT_REGISTER,),
                   brand: str = "") -> tuple[list[HookTemplate], list[HookTemplate]]:
    """The angle's templates in a seed-fixed order rotated by attempt, and the generic ones as reserve.

    The order depends on the seed alone and the attempt only shifts the starting point, so a
    regenerated draft leads with templates the previous attempt did not use. ``preferred`` (winning hook
    structures from imported performance, best first) go to the front before the rotation. One
    whole-line template comes for every two composed ones whose tail is in one of the brand's voice
    ``registers``; each ``brand`` (a seed from the brand's own content) draws on its own third of the whole
    lines and its own quarter of the composed ones, so two brands sound alike less often (the library is
    shared; a brand's share is fixed by hashes of its seed and the template ids, not by the run or by list
    order).
    """
    order_rng = random.Random(seed)
    every = templates_for(angle_id)
    whole = [t for t in every if not t.register]
    if brand and whole and whole[0].angle != GENERIC:
        half = [t for t in whole if _brand_hash(brand, t) % 3 == 0 or t.id in preferred]
        covered = {frozenset(slots_of(t.text)) for t in half}
        kept = []
        for t in whole:       # a thin segment may only have desires or quotes: each slot mix keeps a line
            slots = frozenset(slots_of(t.text))
            if t in half or slots not in covered or "offer" in slots:     # offer lines are rare: keep all
                kept.append(t)
                covered.add(slots)
        whole = kept
    composed = [t for t in every if t.register in registers]
    if brand:      # a winning structure stays available even outside the brand's share
        share = set(brand_share(composed, brand))     # a set: list membership was ~7 ms a concept (issue 17)
        composed = [t for t in composed if t in share or t.id in preferred]
    order_rng.shuffle(whole)
    order_rng.shuffle(composed)
    own = [t for trio in zip_longest(whole, composed[0::2], composed[1::2]) for t in trio if t is not None]
    rank = {template_id: i for i, template_id in enumerate(preferred)}
    own.sort(key=lambda t: rank.get(t.id, len(rank)))     # stable: the rest keep the seed's order
    start = ((attempt - 1) * per_concept) % len(own)
    own = own[start:] + own[:start]
    if own[0].angle == GENERIC:
        return own, []
    reserve = generic_templates()
    order_rng.shuffle(reserve)
    return own, reserve


def brand_share(composed: list[HookTemplate], brand: str, shares: int = 4) -> list[HookTemplate]:
    """The brand's own quarter of each lead's tails, fixed by a hash of the brand seed and the template id
    (deterministic, independent of list order): two unrelated brands share a lead + tail structure about
    one time in sixteen. Every lead keeps at least two tails, so a thin register set still has room."""
    kept: list[HookTemplate] = []
    by_family: dict[str, list[HookTemplate]] = {}
    for t in composed:
        by_family.setdefault(t.family, []).append(t)
    for family in by_family.values():
        own = [t for t in family if _brand_hash(brand, t) % shares == 0]
        if len(own) < 2:      # top up in the same hash order, so the choice stays the brand's own
            rest = sorted((t for t in family if t not in own), key=lambda t: _brand_hash(brand, t))
            own += rest[:2 - len(own)]
        kept += own
    return kept


def _brand_hash(brand: str, template: HookTemplate) -> int:
    return int(hashlib.sha1(f"{brand}:{template.id}".encode()).hexdigest()[:8], 16)


def slots_of(text: str) -> list[str]:
    return [field for _, field, _, _ in Formatter().parse(text) if field]


def write_hooks(material: Material, angle: Angle, framework: str, *, seed: str, attempt: int,
                count: int, max_words: int, avoid: Sequence[str] = (), preferred: Sequence[str] = ()) -> list[Hook]:
    """``avoid``: hooks other concepts already use; a near-duplicate of one is a rewording, not a concept."""
    own, reserve = template_order(angle.id, seed, attempt, count, preferred, material.registers,
                                   material.brand_seed or material.brand)
    filler = _Filler(material, random.Random(f"{seed}:{attempt}"), max_words,
                     offset=ANGLE_IDS.index(angle.id) if angle.id in ANGLE_IDS else 0)
    hooks: list[Hook] = []
    families: set[str] = set()
    tails: set[str] = set()
    heard = used_structures(avoid)     # structures earlier concepts of the run already used
    # the reserve only holds templates built on the segment's words: "Say hello to {product}" fits any brand
    reserve = _reserve_share([t for t in reserve if set(slots_of(t.text)) & SEGMENT_SLOTS], angle.id,
                             material.brand_seed or material.brand)
    if material.deadline_offers:     # a real deadline is the honest reason to act: say it before soft urgency
        own.sort(key=lambda t: "offer" not in slots_of(t.text))
    if material.answers:     # an objection hook quotes a doubt the brand answers, or invites the segment's
        # doubts in general; either way its copy answers with the brand's own answer straight after the hook
        own = [t for t in own if t.angle != "objection"
               or set(slots_of(t.text)) & {"objection", "question"} or set(slots_of(t.text)) == {"segment"}]
    # phrases earlier concepts of the run spoke: a second concept on the same phrase reads as a rewording
    filler.elsewhere = {p.lower() for p in material.phrases() if any(p.lower() in a.lower() for a in avoid)}
    # angle templates in structures not yet heard, on phrases nobody has spoken yet first; then phrases
    # other concepts spoke, then structures they used. A phrase is never spoken twice in one concept:
    # when the material runs out, the concept has fewer hooks rather than rewordings.
    passes = ((own, True, True), (own, False, True), (reserve, True, True), (own, True, False),
              (own, False, False), (reserve, False, False))
    for templates, fresh_only, new_only in passes:
        for template in templates:
            if len(hooks) >= count:
                return hooks
            # a winning structure (``preferred``) is worth hearing again in every segment
            # one hook per lead, one use of each tail: a concept never opens or closes two hooks alike
            if template.family in families or (template.register and _tail(template) in tails) or (
                    new_only and template.id in heard and template.id not in preferred):
                continue
            text = filler.fill(template.text, [*avoid, *(h.text for h in hooks)], fresh_only=fresh_only)
            if text is None:
                continue
            families.add(template.family)
            tails.add(_tail(template))
            caption = _caption(template, text, material, [h.on_screen_caption for h in hooks])
            visual = template.visual if material.guard.ok(template.visual) else FALLBACK_VISUAL
            hooks.append(Hook(
                id=f"h{len(hooks) + 1}", text=text, first_visual=visual, on_screen_caption=caption,
                template_id=template.id, rationale=_rationale(template, angle, framework)))
    return hooks


def _tail(template: HookTemplate) -> str:
    """The fixed words after a template's last slot: "Start here." in "Tired of {pain}? Start here."."""
    return template.text[template.text.rfind("}") + 1:].strip(" ?.,:!\"").lower()


def _reserve_share(reserve: list[HookTemplate], angle_id: str, brand: str = "", shares: int = 3) -> list[HookTemplate]:
    """Angles run side by side and never see each other's hooks, so each draws on its own share of the
    generic reserve, fixed by a hash of the brand seed, the angle and the template id: two angles, or two
    brands, rarely fall back on one line (a split by list position gave two of the default five angles the
    same share). Each mix of segment slots keeps a line, so a thin segment still has a fallback."""
    def rank(t: HookTemplate) -> int:
        return int(hashlib.sha1(f"{brand}:{angle_id}:{t.id}".encode()).hexdigest()[:8], 16)
    ranked = sorted(reserve, key=rank)
    own = [t for t in ranked if rank(t) % shares == 0] or ranked[:2]
    covered = {frozenset(slots_of(t.text)) & SEGMENT_SLOTS for t in own}
    for t in ranked:      # every mix of segment words keeps a line: a segment may have desires but few pains
        slots = frozenset(slots_of(t.text)) & SEGMENT_SLOTS
        if slots not in covered:
            own.append(t)
            covered.add(slots)
    return own


@dataclass
class _Filler:
    """Fills slots for one concept, remembering which segment phrases it has already used."""

    material: Material
    rng: random.Random
    max_words: int
    cursor: dict[str, int] = field(default_factory=dict)   # per slot: where its next phrase comes from
    spoken: set[str] = field(default_factory=set)
    elsewhere: set[str] = field(default_factory=set)       # lower-cased phrases other concepts spoke
    semantic: SemanticRepeats = field(default_factory=SemanticRepeats)
    # angles run side by side and never see each other's hooks: each starts its segment phrases at its own
    # place in the list, so two angles rarely open on the same phrase (a near-duplicate to the viewer)
    offset: int = 0

    def fill(self, pattern: str, taken: list[str], *, fresh_only: bool) -> str | None:
        """The first filling of ``pattern`` that fits the word limit, passes the guard and is new.

        ``fresh_only``: also skip phrases other concepts of the run already spoke."""
        options = {slot: self.material.slot_values(slot) for slot in slots_of(pattern)}
        if any(not values for values in options.values()):
            return None
        for slot, values in options.items():
            start = self.offset if slot in SEGMENT_SLOTS else self.rng.randrange(len(values))
            self.cursor.setdefault(slot, start % len(values))
        for step in range(max((len(v) for v in options.values()), default=1)):
            picks = {slot: (self.cursor[slot] + step) % len(values) for slot, values in options.items()}
            filled = {slot: options[slot][i] for slot, i in picks.items()}
            phrases = {v for slot, v in filled.items() if slot in SEGMENT_SLOTS}
            if phrases & self.spoken or (fresh_only and {p.lower() for p in phrases} & self.elsewhere):
                continue
            text = sentence_case(normalize_space(pattern.format(**filled)))
            if word_count(text) > self.max_words or len(text.split()) > self.max_words:
                continue
            if not self.material.guard.ok(text) or near_duplicate_of(text, taken) or self.semantic.repeats(text, taken):
                continue
            self.cursor.update({slot: index + 1 for slot, index in picks.items()})
            self.spoken |= phrases
            return text
        return None


def _caption(template: HookTemplate, text: str, material: Material, used: list[str]) -> str:
    """2-5 words that add to the spoken line instead of repeating it."""
    low, high = CAPTION_WORDS
    for candidate in (template.caption, *FALLBACK_CAPTIONS):
        caption = normalize_space(candidate)
        if not low <= word_count(caption) <= high or caption in used:
            continue
        if material.guard.ok(caption) and not near_duplicate_of(caption, [text], threshold=70):
            return caption
    # every candidate clashed: repetition is better than a forbidden word
    return next((c for c in FALLBACK_CAPTIONS if material.guard.ok(c)), FALLBACK_CAPTIONS[0])


def _rationale(template: HookTemplate, angle: Angle, framework: str) -> str:
    why = ANGLE_WHY.get(angle.id, ANGLE_WHY[GENERIC])
    source = "a generic reserve template" if template.angle == GENERIC else f"the {angle.name} angle"
    return f"{template.trigger.capitalize()} trigger, {source}: {why}. Copy follows {framework}."
