"""Copy frameworks as ordered sentence plans: AIDA, PAS, BAB, FAB, 4U.

The hook is the attention step, so a plan starts at the framework's second move. Each sentence is
built from cleaned material and dropped when a slot is empty or the guard refuses it; ``variant``
rotates the phrases so the copy under each hook reads differently.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from adloom.textutil import ensure_period, normalize_space, sentence_case
from adloom.types import Angle
from adloom.writers.formula.material import Material
from adloom.writers.formula.templates import ANGLE_FRAMEWORKS, FRAMEWORKS, GENERIC

Sentence = Callable[[Material, int], str | None]


def pick(values: Sequence[str], index: int) -> str | None:
    return values[index % len(values)] if values else None


def _fmt(pattern: str, **values: str | None) -> str | None:
    if any(v is None for v in values.values()):
        return None
    return pattern.format(**values)


def _claim(m: Material, i: int) -> str | None:
    return m.claims[i % len(m.claims)].statement if m.claims else None


def _urgent(m: Material, i: int) -> str:
    # only an offer with a real end date may be framed as time-limited; otherwise no scarcity at all
    offer = pick(m.deadline_offers, i)
    return f"{offer} is on for a limited time." if offer else "Start this week, at your own pace."


_PLANS: dict[str, list[Sentence]] = {
    "PAS": [
        lambda m, i: _fmt("It adds up: {p}, week after week.", p=pick(m.pains, i + 1)),
        lambda m, i: _fmt("{product} is made for {s}.", product=m.product, s=m.segment or None),
        lambda m, i: pick(m.benefits, i),
        _claim,
    ],
    "AIDA": [
        lambda m, i: _fmt("Meet {product}.", product=m.product),
        lambda m, i: _fmt("Picture {d}.", d=pick(m.desires, i)),
        lambda m, i: pick(m.benefits, i),
        _claim,
    ],
    # before, after, bridge: as sentences, never as labels ("Before: ... After: ..." reads like a worksheet)
    "BAB": [
        # the "after" pictures the desire, never the pain gone: "no more aches" reads as a health claim
        lambda m, i: _fmt("You know the feeling: {p}.", p=pick(m.pains, i + 1)),
        lambda m, i: _fmt("Now picture {d}.", d=pick(m.desires, i)),
        lambda m, i: _fmt("{product} is the routine in between.", product=m.product),
        _claim,
    ],
    "FAB": [
        lambda m, i: pick(m.features, i),
        lambda m, i: pick(m.benefits, i),
        lambda m, i: _fmt("More room for {d}.", d=pick(m.desires, i)),
        _claim,
    ],
    "4U": [
        lambda m, i: pick(m.benefits, i),
        lambda m, i: _fmt("{product}, made for {s}.", product=m.product, s=m.segment or None),
        lambda m, i: _claim(m, i) or f"See how {m.product} works.",
        _urgent,
    ],
}


def choose_framework(angle: Angle, rng: random.Random) -> str:
    """One of the angle's own frameworks if it names any we know, else the defaults for its id."""
    named = [f.upper() for f in angle.frameworks if f.upper() in FRAMEWORKS]
    options = named or list(ANGLE_FRAMEWORKS.get(angle.id, ANGLE_FRAMEWORKS[GENERIC]))
    return rng.choice(options)


def body_sentences(framework: str, material: Material, variant: int = 0, after: str = "") -> list[str]:
    """The framework's sentences after the hook, cleaned, capitalised and guard-checked.

    A sentence that repeats a segment phrase already said in ``after`` (the hook) is left out.
    """
    said = [p for p in material.phrases() if p.lower() in after.lower()]
    sentences: list[str] = []
    for build in _PLANS.get(framework, _PLANS["AIDA"]):
        raw = build(material, variant)
        if not raw:
            continue
        sentence = ensure_period(sentence_case(normalize_space(raw)))
        if any(p.lower() in sentence.lower() for p in said):
            continue
        if material.guard.ok(sentence) and sentence not in sentences:
            sentences.append(sentence)
    return sentences
