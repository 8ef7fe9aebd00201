"""The brand's own answer to an objection, in words the copy may print.

Answers come from the brand's pages (FAQ headings, replies on calls: ``Evidence.answer``). The copy may
not state a number or a superlative on its own, so an answer sentence that carries one is replaced by
the approved claim that says the same thing, or cut down to the clauses that carry none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from adloom.brand.mining import restates
from adloom.brand.text import content_stems, sentences
from adloom.textutil import ensure_period, upper_first
from adloom.types import BrandObject, Claim, Evidence, Segment
from adloom.writers.formula.guard import Guard

MAX_ANSWER_CHARS = 160
_CLAUSES = re.compile(r",\s+(?:and\s+|but\s+|so\s+)?|;\s+|\s+-\s+")


def printable_answer(answer: str, guard: Guard, claims: Sequence[Claim]) -> str:
    """Up to two sentences of ``answer`` that pass the guard; "" when nothing of it can be said."""
    kept: list[str] = []
    for sentence in sentences(answer):
        candidate = _sayable(sentence, guard, claims)
        if candidate and candidate not in kept and len(" ".join([*kept, candidate])) <= MAX_ANSWER_CHARS:
            kept.append(candidate)
        if len(kept) == 2:
            break
    return " ".join(kept)


def _sayable(sentence: str, guard: Guard, claims: Sequence[Claim]) -> str:
    if guard.ok(sentence):
        return ensure_period(sentence)
    for claim in claims:
        if restates(sentence, claim.statement) and guard.ok(claim.statement):
            return ensure_period(claim.statement)
    clauses = [c.strip(" .") for c in _CLAUSES.split(sentence)]
    fine = [c for c in clauses if len(c.split()) >= 4 and guard.ok(c)]
    return ensure_period(upper_first(fine[0])) if fine else ""


def segment_answers(brand: BrandObject, segment: Segment) -> dict[str, str]:
    """Objection (as the segment says it) -> the brand's answer, for the objections the sources answer.

    A persona's objection takes the answer of the mined objection that shares most of its words.
    """
    mined = [e for e in brand.evidence if e.kind == "objection" and e.answer]
    answers: dict[str, str] = {}
    for objection in segment.objections:
        exact = [e for e in mined if e.text.lower() == objection.lower()]
        best = exact[0] if exact else _closest(objection, mined)
        if best is not None:
            answers[objection] = best.answer
    segment_ids = {s.id for s in brand.segments}
    for item in mined:   # an FAQ answer mined for no segment of this brand (or for this one) applies here
        if (item.segment_id not in segment_ids or item.segment_id == segment.id) and item.text not in answers:
            answers[item.text] = item.answer
    return answers


def _closest(objection: str, mined: Sequence[Evidence]) -> Evidence | None:
    words = content_stems(objection)
    scored = [(len(words & content_stems(e.text)) / max(1, len(words)), e) for e in mined]
    scored = [(s, e) for s, e in scored if s >= 0.5]
    return max(scored, key=lambda se: se[0])[1] if scored else None
