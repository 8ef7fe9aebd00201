"""Precision and recall of brand extraction from prose, per item type, on labelled brand folders.

    .venv/bin/python evals/extraction.py               # tune and dev splits, side by side
    .venv/bin/python evals/extraction.py --split dev   # one split; held-out only when named (score it once)

Each folder under evals/brands/ holds brand material (website/, docs/, transcripts/; never a form or
persona file, so only prose is read) and a labels.yaml with what a strategist would extract. The tune
split is read and tuned on; the dev split was written blind and is only scored (figures and misses) to
check that a change generalises; the held-out split is never read and is scored once, at the end of a piece
of work, so the default run leaves it out.

A gold item counts as found when a mined item of the same type covers at least half of its content
words (crude stems, stop words left out); a mined item is correct when it finds some gold item.
Objections also report whether the brand's own answer came with them (half its words again).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from adloom.brand.extract import Extraction, extract
from adloom.brand.text import content_stems
from adloom.brand.voice import descriptor_for
from adloom.governance.embeddings import default_embedder
from adloom.pipeline.ingest import documents

BRANDS = Path(__file__).parent / "brands"
TYPES = ("pain", "desire", "objection", "proof", "fact", "offer", "voice", "segment")
_LABEL_KEYS = {"pain": "pains", "desire": "desires", "objection": "objections", "proof": "proof",
               "fact": "facts", "offer": "offers", "voice": "voice", "segment": "segments"}
COVER = 0.5


@dataclass
class Tally:
    gold: int = 0
    found: int = 0          # gold items matched
    predicted: int = 0
    correct: int = 0        # predicted items that match some gold
    answered: int = 0       # objections: matched ones whose answer matches too
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("gold", "found", "predicted", "correct", "answered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0


def _stems(text: str) -> set[str]:
    """Content stems; for a line made only of stop words ("What if I don't like it?") its plain words."""
    return content_stems(text) or {w.strip("?.!,").lower() for w in text.split()}


def _same(a: str, b: str) -> bool:
    """The stemmer is crude: "commit"/"commitment" and "collect"/"collection" count as one word."""
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


def covers(predicted: str, gold: str) -> bool:
    want, have = _stems(gold), _stems(predicted)
    return bool(want) and sum(any(_same(w, h) for h in have) for w in want) / len(want) >= COVER


def score(gold: list[str], predicted: list[str]) -> Tally:
    tally = Tally(gold=len(gold), predicted=len(predicted))
    tally.found = sum(any(covers(p, g) for p in predicted) for g in gold)
    tally.correct = sum(any(covers(p, g) for g in gold) for p in predicted)
    tally.misses = [g for g in gold if not any(covers(p, g) for p in predicted)]
    tally.extras = [p for p in predicted if not any(covers(p, g) for g in gold)]
    return tally


def score_brand(labels: dict, mined: Extraction) -> dict[str, Tally]:
    result: dict[str, Tally] = {}
    for kind in ("pain", "desire", "proof", "fact", "offer"):
        result[kind] = score([str(g) for g in labels.get(_LABEL_KEYS[kind]) or []],
                             [e.text for e in mined.items(kind)])
    gold_objections = labels.get("objections") or []
    objections = mined.items("objection")
    tally = score([o["q"] for o in gold_objections], [o.text for o in objections])
    for gold in gold_objections:
        hits = [o for o in objections if covers(o.text, gold["q"])]
        tally.answered += any(covers(o.answer, gold["a"]) for o in hits)
    result["objection"] = tally
    gold_voice = {descriptor_for(v) or v for v in labels.get("voice") or []}
    mined_voice = set(mined.voice.descriptors)
    result["voice"] = Tally(gold=len(gold_voice), found=len(gold_voice & mined_voice), predicted=len(mined_voice),
                            correct=len(gold_voice & mined_voice), misses=sorted(gold_voice - mined_voice),
                            extras=sorted(mined_voice - gold_voice))
    segment_texts = [" ".join([s.label, *(e.text for e in mined.items("persona") if e.segment_id == s.id)])
                     for s in mined.segments]
    result["segment"] = score([str(s) for s in labels.get("segments") or []], segment_texts)
    return result


async def mine(folder: Path, slug: str) -> Extraction:
    ingested = await documents(folder)
    prose_only = [d for d in ingested.documents if d.kind not in ("form", "persona")]
    return extract(prose_only, brand_names={slug}, embedder=default_embedder())


def run(splits: set[str]) -> dict[str, dict[str, Tally]]:
    by_split: dict[str, dict[str, Tally]] = {}
    for labels_file in sorted(BRANDS.glob("*/labels.yaml")):
        labels = yaml.safe_load(labels_file.read_text())
        if labels["split"] not in splits:
            continue
        folder = (labels_file.parent / labels.get("folder", ".")).resolve()
        mined = asyncio.run(mine(folder, labels_file.parent.name))
        totals = by_split.setdefault(labels["split"], {k: Tally() for k in TYPES})
        for kind, tally in score_brand(labels, mined).items():
            tally.misses = [f"{labels_file.parent.name}: {m}" for m in tally.misses]
            tally.extras = [f"{labels_file.parent.name}: {m}" for m in tally.extras]
            totals[kind].add(tally)
    return by_split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("tune", "dev", "held-out", "all"), action="append",
                        help="repeatable; default tune and dev ('all' includes held-out)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    chosen = set(args.split or ("tune", "dev"))
    results = run({"tune", "dev", "held-out"} if "all" in chosen else chosen)
    if args.json:
        print(json.dumps({s: {k: {"precision": round(t.precision, 3), "recall": round(t.recall, 3), "gold": t.gold,
                                  "predicted": t.predicted} for k, t in r.items()} for s, r in results.items()},
                         indent=2))
        return 0
    for split_name, tallies in sorted(results.items(), key=lambda kv: ("tune", "dev", "held-out").index(kv[0])):
        brands = sum(1 for f in BRANDS.glob("*/labels.yaml") if yaml.safe_load(f.read_text())["split"] == split_name)
        print(f"\n{split_name} split ({brands} brands)")
        print(f"{'type':<10} {'gold':>5} {'mined':>6} {'precision':>10} {'recall':>7}  notes")
        for kind, t in tallies.items():
            note = f"answered {t.answered}/{t.found}" if kind == "objection" else ""
            print(f"{kind:<10} {t.gold:>5} {t.predicted:>6} {t.precision:>10.2f} {t.recall:>7.2f}  {note}")
        overall = Tally()
        for t in tallies.values():
            overall.add(t)
        print(f"{'all':<10} {overall.gold:>5} {overall.predicted:>6} {overall.precision:>10.2f} {overall.recall:>7.2f}")
        if args.show_misses:
            for kind, t in tallies.items():
                for miss in t.misses:
                    print(f"  missed {kind}: {miss}")
                for extra in t.extras:
                    print(f"  extra  {kind}: {extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
