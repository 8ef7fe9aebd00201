"""The semantic layer's training corpus: sentences from the dev-split templates of evals/governance/fragments.py.

Held-out templates are never read here (the same template split as evals/governance/build.py), so the held-out
figures measure phrasings the classifier never saw.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "evals" / "governance"))
from build import HELDOUT_SLOTS, fill  # noqa: E402
from fragments import CLEAN, LEADS, TAILS, VIOLATING  # noqa: E402

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.split(text.strip()) if s]


def corpus(seed: int = 7, variants: int = 12) -> list[tuple[str, frozenset[str], str]]:
    """(sentence, labels, template group) for every dev-split template, filled ``variants`` times."""
    rng = random.Random(seed)
    by_category: dict[str, list[tuple[str, str]]] = {}
    for labels, template in VIOLATING:
        by_category.setdefault(labels.split(";")[0], []).append((labels, template))
    by_category["clean"] = [("", t) for t in CLEAN]
    out: dict[str, tuple[str, frozenset[str], str]] = {}
    for category, templates in by_category.items():
        for index, (labels, template) in enumerate(templates):
            if index % 5 in HELDOUT_SLOTS:
                continue
            label_set = frozenset(x for x in labels.split(";") if x)
            for _ in range(variants if "{" in template else 1):
                text = fill(template, rng)
                parts = sentences(text) if label_set else [text]
                for part in {text, *parts}:
                    out.setdefault(part.lower(), (part, label_set, f"{category}#{index}"))
    for n, extra in enumerate(LEADS + TAILS):
        for _ in range(4):
            if extra:
                text = fill(extra, rng)
                out.setdefault(text.lower(), (text, frozenset(), f"wrap#{n}"))
    return list(out.values())
