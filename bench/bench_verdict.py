"""Full-verdict benchmark: concepts/s of every governance layer, side by side with the v1 gate.

    .venv/bin/python bench/bench_verdict.py                 # 600 concepts, model + fallback
    .venv/bin/python bench/bench_verdict.py --concepts 3000

Concepts are the formula writer's real output for examples/restwave, copied with a distinct id.
Three regimes for the sentence model:
  warm    the embedding cache holds the run's texts (a formula-writer run repeats most lines; the steady state)
  cold    every concept's copy is new text (a unique word appended to each audience line): the model's bound
  fallback  the hashed bag-of-words fallback instead of the model (what runs when the model is absent)
Target (issue 3): full verdict >= 500 concepts/s on 2 cores with embeddings batched.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adloom.governance.embeddings import CachedEmbedder, HashedBagOfWords, OnnxMiniLM
from adloom.governance.governor import Governor
from adloom.pipeline import govern
from adloom.types import Campaign, Concept
from tests.governance_context.corpus import example_brand, example_concepts

WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper", "kestrel",
         "lumen", "maple", "nectar", "orchid", "pebble", "quill", "raven", "sable", "tundra")


def _unique(concept: Concept, i: int) -> Concept:
    """A copy whose audience lines are all new text (no numbers added: they would trip claim checks)."""
    tag = f"{WORDS[i % len(WORDS)]} {WORDS[(i // len(WORDS)) % len(WORDS)]} {WORDS[(i // 400) % len(WORDS)]}"
    c = concept.model_copy(deep=True, update={"id": f"{concept.id}-{i}"})
    assert c.draft is not None
    for hook in c.draft.hooks:
        hook.text = f"{hook.text} {tag}"
    for copy in c.draft.copy_variants:
        if copy.platform == "meta":
            copy.primary_text = f"{copy.primary_text} {tag}"
        elif copy.platform == "tiktok":
            copy.ad_text = f"{copy.ad_text} {tag}"[:100]
        else:
            copy.descriptions = [f"{d} {tag}"[:90] for d in copy.descriptions]
    return c


def _rate(label: str, n: int, fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {n:>6} concepts {seconds:8.2f} s {n / seconds:10.0f} concepts/s")
    return n / seconds


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concepts", type=int, default=600)
    parser.add_argument("--cold", type=int, default=60)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args(argv)
    brand = example_brand()
    campaign = Campaign(vertical=brand.vertical)
    base = example_concepts()
    concepts = [base[i % len(base)].model_copy(update={"id": f"{base[i % len(base)].id}-{i}"})
                for i in range(args.concepts)]
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} base concepts={len(base)}")

    def batched(g: Governor, items: list[Concept]) -> None:
        for at in range(0, len(items), args.batch):
            g.verdicts(items[at:at + args.batch])

    _rate("v1 gate (structure, limits, avoid, claims)", len(concepts),
          lambda: [govern.verdict(c, brand, campaign) for c in concepts])
    start = time.perf_counter()
    model = CachedEmbedder(OnnxMiniLM())
    g = Governor.build(brand, campaign, embedder=model)
    print(f"governor build (packs, bundle, model, brand refs): {time.perf_counter() - start:.2f} s")
    g.verdicts(base)                                        # primes the cache with the run's texts
    _rate("full verdict, model, warm cache, batched", len(concepts), lambda: batched(g, concepts))
    _rate("full verdict, model, warm cache, one by one", len(concepts) // 4,
          lambda: [g.verdict(c) for c in concepts[: len(concepts) // 4]])
    cold = [_unique(base[i % len(base)], i) for i in range(args.cold)]
    misses = model.misses
    _rate("full verdict, model, cold (all-new text)", len(cold), lambda: batched(g, cold))
    print(f"  texts embedded in the cold pass: {model.misses - misses} ({(model.misses - misses) / len(cold):.1f}"
          " per concept)")
    texts = [f"Recovery line number {w} for your shoulders after long days" for w in WORDS * 10]
    start = time.perf_counter()
    model.inner.embed(texts)
    print(f"model alone: {len(texts) / (time.perf_counter() - start):.0f} sentences/s (batch 64)")
    fb = Governor.build(brand, campaign, embedder=CachedEmbedder(HashedBagOfWords()))
    fb_cold = [_unique(base[i % len(base)], i) for i in range(args.concepts)]
    _rate("full verdict, fallback embedder, all-new text", len(fb_cold), lambda: batched(fb, fb_cold))


if __name__ == "__main__":
    main()
