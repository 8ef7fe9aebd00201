"""The cleaned phrases one concept is written from: brand and segment language that passed the guard.

Everything is filtered once, up front, so no later step can reintroduce a forbidden term, a flagged
excerpt or an unbacked number. Phrases are stored in their mid-sentence form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from adloom.textutil import lower_first, strip_emoji
from adloom.types import Claim
from adloom.writers.base import ConceptTask
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
    brand: str
    product: str                   # the product the concept leads with
    segment: str                   # segment label, mid-sentence form
    segment_label: str             # as the brand wrote it
    segment_description: str
    age_range: tuple[int | None, int | None]
    pains: tuple[str, ...]
    desires: tuple[str, ...]
    objections: tuple[str, ...]
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

    def phrases(self) -> tuple[str, ...]:
        """The segment's own phrases, the ones a reader notices when repeated."""
        return (*self.pains, *self.desires, *self.objections, *self.quotes)

    def slot_values(self, slot: str) -> tuple[str, ...]:
        """Candidate fillers for a template slot; empty means the template cannot be used."""
        return {
            "pain": self.pains, "desire": self.desires, "objection": self.objections,
            "quote": self.quotes, "segment": (self.segment,) if self.segment else (),
            "product": (self.product,), "benefit": self.benefits, "offer": self.deadline_offers,
        }.get(slot, ())


def build_material(task: ConceptTask, guard: Guard) -> Material:
    brand, seg = task.brand, task.segment
    products = _clean((p.name for p in brand.products), guard, lower=False)
    offers = [o for o in brand.offers if o.name.strip()]
    label = _clean([seg.label], guard)
    return Material(
        guard=guard,
        brand=brand.name,
        product=products[0] if products else brand.name,
        segment=label[0] if label else "",
        segment_label=seg.label,
        segment_description=seg.description,
        age_range=(seg.age_min, seg.age_max),
        pains=_clean(seg.pain_points, guard),
        desires=_clean(seg.desires, guard),
        objections=_clean(seg.objections, guard),
        quotes=_clean(seg.language_patterns, guard),
        benefits=_clean((b for p in brand.products for b in p.benefits), guard),
        features=_clean((f for p in brand.products for f in p.features), guard),
        deadline_offers=_clean((o.name for o in offers if o.ends), guard, lower=False),
        offers=_clean((o.name for o in offers), guard, lower=False),
        tagline=next(iter(_clean([brand.tagline], guard, lower=False)), ""),
        pillars=_clean((p.name for p in brand.pillars), guard, lower=False),
        cta_phrases=_clean(brand.cta_vocabulary, guard, lower=False) or (FALLBACK_CTA,),
        cta_intents=tuple([*brand.cta_vocabulary, *(o.name for o in offers)]),
        claims=tuple(guard.usable_claims(task.constraints.approved_claims)),
        disclosures=tuple(d.strip() for d in task.constraints.required_disclosures if d.strip()),
        voice_do=tuple(brand.voice.do),
        voice_dont=tuple(brand.voice.dont),
        avoid=tuple(dict.fromkeys([*brand.avoid, *task.constraints.forbidden_terms])),
    )
