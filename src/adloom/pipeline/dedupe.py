"""Stage: suppress hooks that near-duplicate a hook of an earlier concept (distinct beats reworded).

Within a concept the writer already keeps hooks distinct; across concepts (same angle, different
segments) templates can converge. Order is the driver's deterministic order, so the first wins.
"""

from __future__ import annotations

from rapidfuzz import fuzz, utils

from adloom.types import Concept

# Across concepts the same pain phrase legitimately recurs under different frames ("The truth about X" vs
# "Doing nothing about X?"), which a subset-tolerant token-set ratio would call duplicates. A rewording
# keeps nearly all words in any order, so whole-string token-sort similarity is the measure here.
REWORDING = 85.0


def is_rewording(a: str, b: str, threshold: float = REWORDING) -> bool:
    return bool(fuzz.token_sort_ratio(a, b, processor=utils.default_process, score_cutoff=threshold))


def suppress_near_duplicates(concepts: list[Concept], *, keep_min: int = 3) -> tuple[list[Concept], int]:
    """Drop later near-duplicate hooks (and their per-hook copy); a concept always keeps ``keep_min``."""
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
