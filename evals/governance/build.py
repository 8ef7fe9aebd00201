"""Build the development evaluation set from the hand-written fragments: ``python evals/governance/build.py``.

Deterministic (seeded). Templates, not texts, are split between dev and held-out (about 60/40 within each
category, clean copy included), so no held-out text is a slot-variant of a dev text: the held-out split measures
phrasings the packs and the classifier were not tuned on. Writes ``dev.csv`` and ``heldout.csv`` next to this file.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from fragments import CLEAN, LEADS, SLOTS, TAILS, VIOLATING  # noqa: E402

HERE = Path(__file__).parent
SEED = 20261205
COLUMNS = ["id", "text", "categories", "route", "platform", "vertical", "kind", "template"]
ALWAYS_BLOCK = {"health.cure", "weightloss.impossible", "financial_promise"}
# policies.md: "block on Google" (clickbait), "block on TikTok" (political, named competitor), before/after
# blocks in the weight-loss and cosmetic verticals
BLOCK_ON = {"clickbait": ("google", None), "political": ("tiktok", None), "named_competitor": ("tiktok", None),
            "weightloss.before_after": (None, "weight_loss")}
VARIANTS_VIOLATING = 4
VARIANTS_CLEAN = 8
HELDOUT_SLOTS = (1, 3)       # of every 5 templates in a category, positions 1 and 3 go to held-out


def fill(template: str, rng: random.Random) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(SLOTS[m.group(1)]), template)


def expected_route(labels: list[str], platform: str, vertical: str) -> str:
    if not labels:
        return "approve"
    for label in labels:
        if label in ALWAYS_BLOCK:
            return "reject"
        on_platform, on_vertical = BLOCK_ON.get(label, (None, None))
        if (on_platform and on_platform == platform) or (on_vertical and on_vertical == vertical):
            return "reject"
    return "review"


def wrap(core: str, rng: random.Random) -> str:
    """Most ads are more than their one telling sentence: add an opening or a closing some of the time."""
    if len(core) < 24 or rng.random() < 0.5:
        return core
    lead, tail = fill(rng.choice(LEADS), rng), fill(rng.choice(TAILS), rng)
    return " ".join(part for part in (lead, core, tail) if part)


def rows_for(labels: str, template: str, index: int, n: int, rng: random.Random) -> list[dict[str, str]]:
    has_slots = "{" in template
    seen: set[str] = set()
    out = []
    for _ in range(n * 4):
        if len(out) >= n:
            break
        text = wrap(fill(template, rng), rng)
        if text in seen:
            continue
        seen.add(text)
        label_list = [x for x in labels.split(";") if x]
        platform = rng.choice(["", "", "", "meta", "google", "tiktok"])
        if "!!" in text or "FREE" in text:
            platform = ""       # formatting hard negatives test the case where no platform is named
        vertical = "weight_loss" if "weightloss.before_after" in label_list and rng.random() < 0.4 else ""
        kind = "ui" if not has_slots and len(template) < 30 and not label_list else "ad"
        out.append({"text": text, "categories": ";".join(label_list),
                    "route": expected_route(label_list, platform, vertical), "platform": platform,
                    "vertical": vertical, "kind": kind, "template": f"{labels or 'clean'}#{index}"})
        if not has_slots and rng.random() < 0.6:
            break           # a fixed string appears once or twice, not n times
    return out


def build() -> dict[str, list[dict[str, str]]]:
    rng = random.Random(SEED)
    by_category: dict[str, list[tuple[str, str]]] = {}
    for labels, template in VIOLATING:
        by_category.setdefault(labels.split(";")[0], []).append((labels, template))
    by_category["clean"] = [("", t) for t in CLEAN]
    splits: dict[str, list[dict[str, str]]] = {"dev": [], "heldout": []}
    texts: set[str] = set()
    for category, templates in by_category.items():
        n = VARIANTS_CLEAN if category == "clean" else VARIANTS_VIOLATING
        for index, (labels, template) in enumerate(templates):
            split = "heldout" if index % 5 in HELDOUT_SLOTS else "dev"
            for row in rows_for(labels, template, index, n, rng):
                if row["text"] not in texts:        # one text, one label, one split
                    texts.add(row["text"])
                    splits[split].append(row)
    for name, rows in splits.items():
        rng.shuffle(rows)
        for i, row in enumerate(rows, start=1):
            row["id"] = f"{name}-{i:04d}"
    return splits


def main() -> None:
    splits = build()
    for name, rows in splits.items():
        with (HERE / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        clean = sum(not r["categories"] for r in rows)
        labels = Counter(c for r in rows for c in r["categories"].split(";") if c)
        print(f"{name}: {len(rows)} texts, {clean} clean ({100 * clean / len(rows):.0f}%); "
              + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))


if __name__ == "__main__":
    main()
