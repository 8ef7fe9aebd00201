"""Stage: suppress hooks that near-duplicate a hook of an earlier concept (distinct beats reworded).

Within a concept the writer already keeps hooks distinct; across concepts (same angle, different
segments) templates can converge. Order is the driver's deterministic order, so the first wins.

Governance judges what ships: suppression never takes a concept below the hook count governance asks for
(``governance.structure.HOOKS_PER_CONCEPT``), and every concept it changes is judged again as it now stands
(``judged_again``), so the stored verdict is the verdict of the shipped copy and ``adloom concepts recheck``
right after a run finds nothing new.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from adloom.audit import NewEvent, kinds
from adloom.governance.boilerplate import shared_hooks
from adloom.governance.structure import HOOKS_PER_CONCEPT
from adloom.types import Concept, ConceptStatus, Finding, Route, Verdict

# Across concepts the same pain phrase legitimately recurs under different frames ("The truth about X" vs
# "Doing nothing about X?"), which a subset-tolerant token-set ratio would call duplicates. A rewording
# keeps nearly all words in any order, so whole-string token-sort similarity is the measure here.
REWORDING = 85.0


def is_rewording(a: str, b: str, threshold: float = REWORDING) -> bool:
    return bool(fuzz.token_sort_ratio(a, b, processor=utils.default_process, score_cutoff=threshold))


# after the writing is over, a verdict that asks for a rewrite goes to a person instead
_STATUS: dict[Route, ConceptStatus] = {"approve": "approved", "review": "review", "reject": "rejected",
                                       "regenerate": "review"}


def suppress_near_duplicates(concepts: list[Concept], *,
                             keep_min: int = HOOKS_PER_CONCEPT) -> tuple[list[Concept], int]:
    """Drop later near-duplicate hooks (and their per-hook copy); a concept always keeps ``keep_min``
    (by default the governed minimum, so a concept governance passed is never cut below it)."""
    seen: list[str] = []
    out: list[Concept] = []
    dropped = 0
    for concept in concepts:
        if concept.draft is None:
            out.append(concept)
            continue
        hooks = concept.draft.hooks
        # hooks the scripts are built on stay, and a concept is never stripped below keep_min
        protected = {s.hook_id for s in concept.draft.scripts}
        candidates = [h.id for h in hooks
                      if h.id not in protected and any(is_rewording(h.text, s) for s in seen)]
        dup_ids = set(candidates[:max(0, len(hooks) - keep_min)])
        seen.extend(h.text for h in hooks if h.id not in dup_ids)
        if not dup_ids:
            out.append(concept)
            continue
        dropped += len(dup_ids)
        draft = concept.draft.model_copy(update={
            "hooks": [h for h in hooks if h.id not in dup_ids],
            "copy_variants": [c for c in concept.draft.copy_variants
                              if getattr(c, "hook_id", None) not in dup_ids],
        })
        out.append(concept.model_copy(update={"draft": draft}))
    return out, dropped


async def judged_again(concepts: list[Concept], before: Mapping[str, Concept],
                       check: Callable[[Concept], Awaitable[Verdict]],
                       run_findings: Mapping[str, list[Finding]] | None = None,
                       ) -> tuple[list[Concept], dict[str, Verdict]]:
    """Each concept suppression changed (not the very object in ``before``), judged again by ``check``; its
    status follows the new verdict. ``run_findings`` (per concept id) are what only the run as a whole
    shows, such as a hook another concept also uses: a concept with any is judged again too, and they
    join its verdict. Returns the concepts and the new verdicts by concept id."""
    extra = run_findings or {}
    out: list[Concept] = []
    verdicts: dict[str, Verdict] = {}
    for concept in concepts:
        if concept.draft is None or (concept is before.get(concept.id) and not extra.get(concept.id)):
            out.append(concept)
            continue
        verdict = await check(concept)
        if extra.get(concept.id):
            verdict = verdict.model_copy(update={"findings": [*verdict.findings, *extra[concept.id]]})
        verdicts[concept.id] = verdict
        out.append(concept.model_copy(update={"status": _STATUS[verdict.route]}))
    return out, verdicts


def verdict_events(verdicts: Iterable[Verdict]) -> list[NewEvent]:
    """The chain's record of each judgement after suppression, like any other verdict's."""
    return [NewEvent(kinds.VERDICT_RECORDED, v.concept_id, "governance", {
        "attempt": v.attempt, "route": v.route, "checks": v.checks, "scores": v.scores, "after": "dedupe",
        "findings": [f.model_dump(mode="json") for f in v.findings]}) for v in verdicts]


@dataclass(frozen=True)
class Deduped:
    concepts: list[Concept]
    as_stored: dict[str, Concept]       # each concept as its unit stored it
    rejudged: dict[str, Verdict]        # the new verdict of each concept suppression changed
    suppressed: int                     # hooks dropped


async def deduped(stored: list[Concept], check: Callable[[Concept], Awaitable[Verdict]]) -> Deduped:
    """The stage: near-duplicate hooks suppressed, every concept that changed judged again."""
    concepts, suppressed = suppress_near_duplicates(stored)
    # a hook several concepts still share (a script's hook, or one the hook floor kept) is said on each
    concepts, rejudged = await judged_again(concepts, {c.id: c for c in stored}, check, shared_hooks(concepts))
    return Deduped(concepts, {c.id: c for c in stored}, rejudged, suppressed)
