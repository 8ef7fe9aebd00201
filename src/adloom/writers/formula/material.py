"""The cleaned phrases one concept is written from: brand and segment language that passed the guard.

Everything is filtered once, up front, so no later step can reintroduce a forbidden term, a flagged
excerpt or an unbacked number. Phrases are stored in their mid-sentence form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from adloom.brand.voice import descriptor_for
from adloom.textutil import lower_first, strip_emoji
from adloom.types import Claim
from adloom.writers.base import ConceptTask
from adloom.writers.formula.answers import printable_answer, segment_answers
from adloom.writers.formula.composed import DEFAULT_REGISTER, TAILS
from adloom.writers.formula.guard import Guard

_EDGE_PUNCT = " .,;:!\"'“”‘’"
FALLBACK_CTA = "See how it works"


def _clean(phrases: Iterable[str], guard: Guard, *, lower: bool = True) -> tuple[str, ...]:
    """Trim, drop emoji and what the guard refuses, de-duplicate case-insensitively, keep order."""
    kept: list[str] = []
    seen: set[str] = set()
    for raw in phrases:
        phrase = strip_emoji(raw).strip(_EDGE_PUNCT)
        if lower:
            phrase = lower_first(phrase)
        if not phrase or phrase.lower() in seen or not guard.ok(phrase):
            continue
        seen.add(phrase.lower())
        kept.append(phrase)
    return tuple(kept)


@dataclass(frozen=True)
class Material:
    guard: Guard
    angle: str                     # the angle id the concept is written for
    brand: str
    product: str                   # the product the concept leads with
    segment: str                   # segment label, mid-sentence form
    segment_label: str             # as the brand wrote it
    segment_description: str
    age_range: tuple[int | None, int | None]
    pains: tuple[str, ...]         # phrases: "waking up sore", "a stiff neck by 3pm"
    problems: tuple[str, ...]      # whole clauses: "massage guns sound like a power drill"
    desires: tuple[str, ...]
    objections: tuple[str, ...]    # every objection, for the brief
    answers: tuple[tuple[str, str], ...]   # (objection as said, the brand's printable answer)
    quotes: tuple[str, ...]
    benefits: tuple[str, ...]
    features: tuple[str, ...]
    deadline_offers: tuple[str, ...]   # offers with a real end date: the only ones urgency may name
    offers: tuple[str, ...]
    tagline: str
    pillars: tuple[str, ...]
    cta_phrases: tuple[str, ...]
    cta_intents: tuple[str, ...]       # raw CTA vocabulary and offer names: read for intent, never printed
    claims: tuple[Claim, ...]          # approved claims that are safe to quote verbatim
    disclosures: tuple[str, ...]
    voice_do: tuple[str, ...]
    voice_dont: tuple[str, ...]
    avoid: tuple[str, ...]
    registers: tuple[str, ...] = (DEFAULT_REGISTER,)   # the brand's voice registers: which hook tails fit it
    brand_seed: str = ""           # from the brand's own content: which share of the shared hook library it draws on

    def phrases(self) -> tuple[str, ...]:
        """The segment's own phrases, the ones a reader notices when repeated."""
        return (*self.pains, *self.problems, *self.desires, *self.objections, *self.quotes)

    def answer_to(self, text: str) -> str:
        """The brand's answer to the objection quoted in ``text``; "" when it quotes none."""
        lowered = text.lower()
        return next((a for o, a in self.answers if o.lower().rstrip("?.") in lowered), "")

    def slot_values(self, slot: str) -> tuple[str, ...]:
        """Candidate fillers for a template slot; empty means the template cannot be used."""
        return {
            # a hook slot is a noun: "Picture cooking real food"; copy keeps the brand's own words
            "pain": self.pains, "problem": self.problems, "desire": tuple(as_noun_phrase(d) for d in self.desires),
            # only a doubt the brand answers may open an ad: raising it and walking away is worse than silence
            "objection": tuple(o for o, _ in self.answers if not o.endswith("?")),
            "question": tuple(upper_first_q(o) for o, _ in self.answers if o.endswith("?")),
            "quote": self.quotes, "segment": (self.segment,) if self.segment else (),
            "product": (self.product,), "benefit": self.benefits, "offer": self.deadline_offers,
        }.get(slot, ())


def build_material(task: ConceptTask, guard: Guard) -> Material:
    brand, seg = task.brand, task.segment
    products = _clean((p.name for p in brand.products), guard, lower=False)
    offers = [o for o in brand.offers if o.name.strip()]
    label = _clean([seg.label], guard)
    pool = Guard.for_task(task, with_flagged=False)   # phrase pools: the same on every attempt; the full
    claims = tuple(guard.usable_claims(task.constraints.approved_claims))
    pains = _clean(seg.pain_points, pool)   # guard checks every filled line, so flagged text still never prints
    answers = []
    for objection, answer in segment_answers(brand, seg).items():
        said = next(iter(_clean([objection], guard, lower=not objection.endswith("?"))), "")
        printable = printable_answer(answer, guard, claims)
        if said and printable:
            answers.append((said if not objection.endswith("?") else objection.strip(), printable))
    return Material(
        guard=guard,
        angle=task.angle.id,
        brand=brand.name,
        product=products[0] if products else brand.name,
        segment=label[0] if label else "",
        segment_label=seg.label,
        segment_description=seg.description,
        age_range=(seg.age_min, seg.age_max),
        # "without badges or guilt" is how the brand does it, not what the customer suffers
        pains=tuple(p for p in pains if not is_clause(p) and not is_state(p) and not p.lower().startswith("without ")),
        problems=tuple(p for p in pains if is_clause(p) or is_state(p)),
        desires=_clean(seg.desires, pool),
        objections=_clean(seg.objections, guard),
        answers=tuple(answers),
        quotes=_clean(seg.language_patterns, pool),
        benefits=_clean((b for p in brand.products for b in p.benefits), guard),
        features=_clean((f for p in brand.products for f in p.features), guard),
        deadline_offers=_clean((o.name for o in offers if o.ends), guard, lower=False),
        offers=_clean((o.name for o in offers), guard, lower=False),
        tagline=next(iter(_clean([brand.tagline], guard, lower=False)), ""),
        pillars=_clean((p.name for p in brand.pillars), guard, lower=False),
        cta_phrases=_clean(brand.cta_vocabulary, guard, lower=False) or (FALLBACK_CTA,),
        cta_intents=tuple([*brand.cta_vocabulary, *(o.name for o in offers)]),
        claims=claims,
        disclosures=tuple(d.strip() for d in task.constraints.required_disclosures if d.strip()),
        voice_do=tuple(brand.voice.do),
        voice_dont=tuple(brand.voice.dont),
        registers=voice_registers(brand.voice.descriptors),
        brand_seed=brand_seed(brand.name, [p.name for p in brand.products], brand.voice.descriptors),
        avoid=tuple(dict.fromkeys([*brand.avoid, *task.constraints.forbidden_terms])),
    )


def brand_seed(name: str, products: Iterable[str], descriptors: Iterable[str]) -> str:
    """What the brand is, not what was mined this time: its name, its products and its stated voice. Two
    unrelated brands get unrelated seeds; a new brand version with more evidence keeps its seed."""
    return "|".join([name.strip().lower(), *sorted(p.strip().lower() for p in products),
                     *sorted(d.strip().lower() for d in descriptors)])


def voice_registers(descriptors: Iterable[str]) -> tuple[str, ...]:
    """The brand's voice descriptors in the shared vocabulary; plain-spoken when none is known. A qualified
    descriptor is not guessed at: "quietly confident" is not "energetic"."""
    found = []
    for descriptor in descriptors:
        name = descriptor_for(descriptor)
        if name in TAILS and name not in found:
            found.append(name)
    return tuple(found) or (DEFAULT_REGISTER,)


# "not good with numbers", "too tired to cook": a state, not a thing; it cannot follow "Tired of" or
# "Stuck with", but it stands as a line of its own ("Not good with numbers?") like a clause.
_STATE = re.compile(r"^(?:not|too|never|always|so)\s+\w+", re.IGNORECASE)
# Bare verbs a mined desire often starts with ("so you can cook real food"): "Picture {desire}" needs
# the gerund ("cooking real food").
_BASE_VERBS = frozenset((  # noqa: SIM905 - a word list reads better as text
    "be build cook do eat enjoy feel find focus get go have keep know learn live love make move pay plan "
    "play rest run save see sleep spend start stay take track train travel wake walk work").split())


def is_state(phrase: str) -> bool:
    return bool(_STATE.match(phrase))


def as_noun_phrase(phrase: str) -> str:
    """A desire that starts with a bare verb, turned into its gerund: "cook real food" -> "cooking real food"."""
    first, _, rest = phrase.partition(" ")
    if first.lower() not in _BASE_VERBS:
        return phrase
    verb = first.lower()
    if verb in ("be", "see"):
        gerund = f"{verb}ing"
    elif verb.endswith("e"):
        gerund = f"{verb[:-1]}ing"
    elif re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", verb):      # run -> running, plan -> planning
        gerund = f"{verb}{verb[-1]}ing"
    else:
        gerund = f"{verb}ing"
    return f"{gerund} {rest}".strip()


# A finite verb after the first word makes a phrase a clause: "massage guns sound like a drill" cannot
# follow "Tired of", but it can stand as a sentence of its own.
_FINITE = re.compile(r"^\S+\s+(?:\S+\s+){0,4}?(?:is|are|was|were|sounds?|feels?|takes?|keeps?|gets?|has|have|do|does"
                     r"|don't|doesn't|can't|won't|ends?|goes|turns?|tosses|creeps?|hurts?|stays?|leaves?|make|makes)\b",
                     re.IGNORECASE)


def is_clause(phrase: str) -> bool:
    """"how loud massage guns are" is a noun clause: it fits "Tired of ...?" like any noun phrase."""
    return bool(_FINITE.match(phrase)) and not re.match(r"(?:how|what|why|where|when|who)\b", phrase, re.I)


def upper_first_q(question: str) -> str:
    return question[:1].upper() + question[1:]


# What an angle cannot be honest without: a pain-first ad with no pain in it is padding.
_ANGLE_NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pain-first": ("a customer pain", ("pains", "problems")),
    "contrarian": ("a customer pain", ("pains", "problems")),
    "comparison": ("a customer pain", ("pains", "problems")),
    "aspirational": ("a customer desire", ("desires",)),
    "objection": ("an objection the brand answers", ("answers",)),
    "social-proof": ("the customers' own words or an approved claim", ("quotes", "claims")),
}


def missing_for_angle(material: Material) -> str | None:
    """What the sources lack for this angle, or None when it can be written honestly."""
    need = _ANGLE_NEEDS.get(material.angle)
    if need is None or any(getattr(material, name) for name in need[1]):
        return None
    return f"the {material.angle} angle needs {need[0]} and the sources for this segment have none"
