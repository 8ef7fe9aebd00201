"""Full-verdict benchmark: concepts/s of every governance layer, side by side with the v1 gate.

    .venv/bin/python bench/bench_verdict.py                 # 600 concepts per regime
    .venv/bin/python bench/bench_verdict.py --concepts 2000

Concepts are the formula writer's real output for examples/restwave, each copy made distinct: a different
three-word tag is appended to every audience-facing line (hooks, captions, voice-over, on-screen text, all
static copy, talking points), so no per-text cache (claim spans, categories, embeddings) is ever warm
by repetition. Each regime gets its own concepts.

Regimes:
  v1 gate              structure, limits, avoid, claims: the baseline
  embedding, batched   the sentence model embeds every text the verdicts will need, in one call
  full, 1 process      every layer, the embeddings already batched (the driver embeds each draft on a
                       worker thread before its verdict; a batch job embeds the whole batch first)
  full, N processes    the same through GovernorPool: N spawned workers, each reads the embedding cache
  full, cold           1 process, embedding inside the verdict: what one core does end to end
Target (issue 3): full verdict >= 500 concepts/s on the 2-core machine with embeddings batched.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adloom.governance import substantiation
from adloom.governance.embeddings import CachedEmbedder, OnnxMiniLM
from adloom.governance.governor import Governor
from adloom.governance.pool import GovernorPool
from adloom.pipeline import govern
from adloom.types import Campaign, Concept, GoogleRSACopy, MetaCopy
from tests.governance_context.corpus import example_brand, example_concepts

WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper", "kestrel",
         "lumen", "maple", "nectar", "orchid", "pebble", "quill", "raven", "sable", "tundra")


def _retag(text: str, tag: str) -> str:
    """New text of about the same length: the tail words give way to the tag, so platform limits and the
    hook word count hold as in the writer's output (appending would add findings no real draft has)."""
    if not text:
        return text
    head = text[: len(text) - len(tag) - 1].rsplit(" ", 1)[0] if len(text) > len(tag) + 1 else ""
    return f"{head} {tag}".strip()


def distinct(concept: Concept, i: int) -> Concept:
    """A copy whose every audience line is new text (words only: numbers would trip the claim checks)."""
    tag = f"{WORDS[i % 20]} {WORDS[(i // 20) % 20]} {WORDS[(i // 400) % 20]}"
    c = concept.model_copy(deep=True, update={"id": f"{concept.id}-{i}"})
    draft = c.draft
    assert draft is not None
    for hook in draft.hooks:
        # the caption gets another tag: a hook's parts must not repeat each other
        hook.text, hook.on_screen_caption = _retag(hook.text, tag), _retag(hook.on_screen_caption, tag[::-1])
    for script in draft.scripts:
        for beat in script.beats:
            beat.voiceover, beat.on_screen_text = _retag(beat.voiceover, tag), _retag(beat.on_screen_text, tag)
    for copy in draft.copy_variants:
        if isinstance(copy, MetaCopy):
            copy.primary_text, copy.headline = _retag(copy.primary_text, tag), _retag(copy.headline, tag)
            copy.description = _retag(copy.description, tag)
        elif isinstance(copy, GoogleRSACopy):
            # each headline its own tag: RSA headlines must differ from each other
            copy.headlines = [_retag(h, f"{WORDS[(i + n) % 20]} {tag.split(' ', 1)[1]}") for n, h in
                              enumerate(copy.headlines)]
            copy.descriptions = [_retag(d, tag) for d in copy.descriptions]
        else:
            copy.ad_text = _retag(copy.ad_text, tag)
    brief = draft.brief
    brief.talking_points = [_retag(t, tag) for t in brief.talking_points]
    brief.hook_options = [_retag(t, tag) for t in brief.hook_options]
    return c


def _rate(label: str, n: int, fn: Callable[[], object], unit: str = "concepts") -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<46} {n:>6} {unit:<9} {seconds:7.2f} s {n / seconds:9.0f} {unit}/s")
    return n / seconds


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concepts", type=int, default=600)
    parser.add_argument("--cold", type=int, default=60)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    brand = example_brand()
    campaign = Campaign(vertical=brand.vertical)
    base = example_concepts()
    n = args.concepts
    sets = [[distinct(base[i % len(base)], start + i) for i in range(size)]
            for start, size in ((0, n), (n, n), (2 * n, n), (3 * n, args.cold))]
    v1_set, one_set, pool_set, cold_set = sets
    # the benchmark holds ~2,000 concepts (~10^6 objects) that a run never holds at once; left in the
    # collector's view, every full collection walks them all and halves the measured rate
    gc.collect()
    gc.freeze()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} base concepts={len(base)}; every concept distinct")

    def batched(g: Governor, items: list[Concept]) -> None:
        for at in range(0, len(items), args.batch):
            g.verdicts(items[at:at + args.batch])

    v1 = _rate("v1 gate (structure, limits, avoid, claims)", n,
               lambda: [govern.verdict(c, brand, campaign) for c in v1_set])
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        start = time.perf_counter()
        embedder = CachedEmbedder(OnnxMiniLM(), cache_dir=cache)
        g = Governor.build(brand, campaign, embedder=embedder)
        print(f"{'governor build (packs, bundle, model, brand refs)':<46} {time.perf_counter() - start:24.2f} s")
        texts = list(dict.fromkeys(g.embedding_texts(one_set + pool_set)))
        _rate("embedding, batched (texts of the next 2 rows)", len(texts), lambda: embedder.embed(texts), "texts")
        embedder.save()
        # listing what to embed read every text's claim sentences; forget them, so the verdicts below
        # read them again, as the pool's workers (other processes) must
        substantiation._SPANS.clear()
        one = _rate("full verdict, 1 process, embeddings batched", n, lambda: batched(g, one_set))
        start = time.perf_counter()
        with GovernorPool(brand, campaign, workers=args.workers, cache_dir=cache) as pool:
            pool.verdicts(v1_set[: args.workers * 4])            # spawn and build every worker first
            print(f"{f'pool start ({args.workers} workers spawned and built)':<46} "
                  f"{time.perf_counter() - start:24.2f} s")
            many = _rate(f"full verdict, {args.workers} processes, embeddings batched", n,
                         lambda: pool.verdicts(pool_set))
        misses = embedder.misses
        cold = _rate("full verdict, 1 process, cold (model inside)", args.cold, lambda: batched(g, cold_set))
        print(f"  texts embedded in the cold pass: {embedder.misses - misses} "
              f"({(embedder.misses - misses) / args.cold:.1f} per concept)")
    print()
    print(f"full verdict, {args.workers} processes: {many:.0f} concepts/s  (target >= 500: "
          f"{'met' if many >= 500 else 'NOT met'});  {many / one:.2f}x one process;  "
          f"{many / v1:.2f}x the v1 gate on one process")
    print(f"one process: {one:.0f}/s = {one / v1:.2f}x the v1 gate, which checks less;  cold: {cold:.0f}/s, "
          "bounded by the sentence model")


if __name__ == "__main__":
    main()
