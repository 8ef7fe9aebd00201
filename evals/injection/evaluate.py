"""Injection screen evaluation: precision and recall on dev (for tuning) and held-out (reported, never tuned on).

    .venv/bin/python evals/injection/evaluate.py            # figures with the shipped thresholds
    .venv/bin/python evals/injection/evaluate.py --tune     # grid over the two semantic thresholds, dev only

Each split is ``{"text", "label" (1 = addressed to a model), "lang"}`` per line. Every text is scored as
written and again obfuscated (zero-width spaces inside words, Cyrillic look-alikes, full-width letters), so
the figures include the disguises issue 16 found. Both splits were written by hand for this purpose; the
held-out file was written before the screen and is not read by ``--tune``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from adloom.screen import injection

HERE = Path(__file__).resolve().parent
_CYRILLIC = str.maketrans({"a": "\u0430", "e": "\u0435", "o": "\u043e", "i": "\u0456", "c": "\u0441"})


def _zero_width(text: str) -> str:
    return " ".join(w[: len(w) // 2] + "\u200b" + w[len(w) // 2:] if len(w) > 3 else w for w in text.split(" "))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


VARIANTS = {"plain": lambda t: t, "zero_width": _zero_width, "cyrillic": lambda t: t.translate(_CYRILLIC),
            "full_width": _full_width}


def load(split: str) -> list[dict[str, object]]:
    lines = (HERE / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def figures(rows: list[dict[str, object]], variants: tuple[str, ...] = tuple(VARIANTS)) -> dict[str, object]:
    tp = fp = fn = tn = 0
    misses: list[str] = []
    by_lang: dict[str, list[int]] = {}
    for row in rows:
        for name in variants:
            text = VARIANTS[name](str(row["text"]))
            flagged, label = injection.is_injection(text), row["label"] == 1
            tp += flagged and label
            fp += flagged and not label
            fn += label and not flagged
            tn += not label and not flagged
            counts = by_lang.setdefault(str(row["lang"]), [0, 0, 0])
            counts[0] += flagged and label
            counts[1] += flagged and not label
            counts[2] += label and not flagged
            if flagged != label and name == "plain":
                misses.append(f"{'FP' if flagged else 'FN'} {row['lang']}: {row['text']}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "by_lang": {k: {"tp": v[0], "fp": v[1], "fn": v[2]} for k, v in sorted(by_lang.items())},
            "misses": misses}


def _sentence_table(rows: list[dict[str, object]]) -> list[tuple[int, bool, float, float, bool]]:
    """(row index, label, static margin, MiniLM margin, weak cue) for every sentence of every variant."""
    from adloom.screen.vectors import minilm, static_vectors
    protos = injection._prototypes()
    model = minilm()
    assert protos is not None and model is not None, "the semantic models are needed to tune"
    items: list[tuple[int, bool, str, bool]] = []
    for i, row in enumerate(rows):
        for name in VARIANTS:
            folded = injection._fold(VARIANTS[name](str(row["text"])))[0]
            for m in injection._SENTENCE.finditer(folded):
                if len(m.group().split()) >= injection.MIN_WORDS:
                    items.append((i * len(VARIANTS) + list(VARIANTS).index(name), row["label"] == 1, m.group(),
                                  injection._WEAK.search(m.group()) is not None))
    texts = [t for _, _, t, _ in items]
    static = injection._margins(static_vectors().embed(texts), protos[0], protos[1])
    dense = injection._margins(model.embed(texts), protos[2], protos[3])
    return [(u, label, float(a), float(b), weak)
            for (u, label, _, weak), a, b in zip(items, static, dense, strict=True)]


def tune(rows: list[dict[str, object]]) -> tuple[float, float, float]:
    """The semantic check alone (lexical cues ignored, since on dev they already find every injection):
    the highest unit recall at precision >= 0.98 over dev texts x variants; ties go to stricter thresholds."""
    table = _sentence_table(rows)
    units = {u: label for u, label, *_ in table}
    positives = sum(units.values())
    best: tuple[bool, float, float, float, float] | None = None
    for screen in [x / 100 for x in range(-16, 5, 2)]:
        for alone in [x / 100 for x in range(4, 41, 2)]:
            for cue in [x / 100 for x in range(-6, 21, 2)]:
                if cue > alone:
                    continue
                flagged = {u for u, _, a, b, weak in table
                           if a >= screen and (b >= alone or (weak and b >= cue))}
                tp = sum(units[u] for u in flagged)
                precision = tp / len(flagged) if flagged else 0.0
                key = (precision >= 0.98, tp / positives, screen, alone, cue)
                if best is None or key > best:
                    best = key
    assert best is not None
    print(f"dev, semantic check alone: recall {best[1]:.3f} at precision >= 0.98: {best[0]}")
    return best[2], best[3], best[4]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    dev = load("dev")
    if args.tune:
        screen, alone, cue = tune(dev)
        print(f"dev-tuned: STATIC_SCREEN = {screen}, SEMANTIC_ALONE = {alone}, SEMANTIC_WITH_CUE = {cue}")
        injection.STATIC_SCREEN, injection.SEMANTIC_ALONE, injection.SEMANTIC_WITH_CUE = screen, alone, cue
    for split, rows in (("dev", dev), ("heldout", load("heldout"))):
        f = figures(rows)
        print(f"{split}: {len(rows)} texts x {len(VARIANTS)} variants, precision {f['precision']}, "
              f"recall {f['recall']} (tp {f['tp']}, fp {f['fp']}, fn {f['fn']}, tn {f['tn']})")
        print(f"  by language: {json.dumps(f['by_lang'])}")
        if split == "dev":
            for miss in f["misses"]:       # type: ignore[attr-defined]
                print(f"  {miss}")


if __name__ == "__main__":
    main()
