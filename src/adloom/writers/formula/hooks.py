"""Fill hook templates for one angle x segment: word limit, guard and near-duplicate checks on each."""

from __future__ import annotations

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
    ``registers``; each ``brand`` draws on its own half of the whole lines, so two brands sound alike
    less often (the library is shared; a brand's half is fixed by its name, not by the run).
    """
    order_rng = random.Random(seed)
    every = templates_for(angle_id)
    whole = [t for t in every if not t.register]
    if brand and whole and whole[0].angle != GENERIC:
        half = random.Random(f"{brand}:{angle_id}").sample(whole, k=(len(whole) + 1) // 2)
        covered = {frozenset(slots_of(t.text)) for t in half}
        kept = []
        for t in whole:       # a thin segment may only have desires or quotes: each slot mix keeps a line
            slots = frozenset(slots_of(t.text))
            if t in half or slots not in covered or "offer" in slots:     # offer lines are rare: keep all
                kept.append(t)
                covered.add(slots)
        whole = kept
    composed = [t for t in every if t.register in registers]
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


def slots_of(text: str) -> list[str]:
    return [field for _, field, _, _ in Formatter().parse(text) if field]


def write_hooks(material: Material, angle: Angle, framework: str, *, seed: str, attempt: int,
                count: int, max_words: int, avoid: Sequence[str] = (), preferred: Sequence[str] = ()) -> list[Hook]:
    """``avoid``: hooks other concepts already use; a near-duplicate of one is a rewording, not a concept."""
    own, reserve = template_order(angle.id, seed, attempt, count, preferred, material.registers, material.brand)
    filler = _Filler(material, random.Random(f"{seed}:{attempt}"), max_words)
    hooks: list[Hook] = []
    families: set[str] = set()
    tails: set[str] = set()
    heard = used_structures(avoid)     # structures earlier concepts of the run already used
    # the reserve only holds templates built on the segment's words: "Say hello to {product}" fits any brand
    reserve = _reserve_share([t for t in reserve if set(slots_of(t.text)) & SEGMENT_SLOTS], angle.id)
    if material.deadline_offers:     # a real deadline is the honest reason to act: say it before soft urgency
        own.sort(key=lambda t: "offer" not in slots_of(t.text))
    if material.answers:     # an objection hook quotes a doubt the brand answers, so its copy can answer it
        own = [t for t in own if t.angle != "objection" or set(slots_of(t.text)) & {"objection", "question"}]
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


def _reserve_share(reserve: list[HookTemplate], angle_id: str, shares: int = 5) -> list[HookTemplate]:
    """Angles run side by side and never see each other's hooks, so each draws on its own share of the
    generic reserve (five shares, as a run has five angles by default): they never fall back on one line."""
    if angle_id not in ANGLE_IDS:
        return reserve
    index = ANGLE_IDS.index(angle_id) % shares
    return [t for t in reserve if sorted(r.id for r in reserve).index(t.id) % shares == index]


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

    def fill(self, pattern: str, taken: list[str], *, fresh_only: bool) -> str | None:
        """The first filling of ``pattern`` that fits the word limit, passes the guard and is new.

        ``fresh_only``: also skip phrases other concepts of the run already spoke."""
        options = {slot: self.material.slot_values(slot) for slot in slots_of(pattern)}
        if any(not values for values in options.values()):
            return None
        for slot, values in options.items():
            self.cursor.setdefault(slot, self.rng.randrange(len(values)))
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
