"""Train the semantic layer: a static screen and a calibrated linear head over MiniLM, written as package data.

    .venv/bin/python tools/semantic/train.py

1. Corpus: sentences of the dev-split templates (``corpus.py``); held-out templates are never read.
2. Head: one logistic regression per category over the int8 MiniLM sentence vector, class-balanced; its
   out-of-fold decision values (5-fold, grouped by template so no template is in its own fold) are Platt-scaled
   into probabilities, and each category's threshold is the lowest reaching 90% out-of-fold precision (none:
   the category is off). The uncertain band, where a second-opinion model is asked, starts at half of it.
3. Screen: one logistic regression over the static token vectors (``static.py``), "violates an active
   category" against the rest, with a threshold keeping 97% of out-of-fold positives; what it lets through
   is embedded by MiniLM, the rest is not.
4. Writes classifier.npz, thresholds.yaml and the pins (SHA-256) the loader checks; then measures the layer
   alone on the held-out split for the model card (measured, never fed back).

scikit-learn is needed here only (``pip install scikit-learn``); inference is numpy.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402

from adloom.governance.embeddings import OnnxMiniLM  # noqa: E402
from adloom.governance.evaluate import LABELS, read_labelled  # noqa: E402
from adloom.governance.semantic import model as semantic_model  # noqa: E402
from adloom.governance.semantic.static import StaticEmbedder  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src/adloom/data/models/semantic"
PINS = ROOT / "src/adloom/governance/semantic/pins.py"
CATEGORIES = [x for x in LABELS if x != "brand.avoid"]
SCREEN_RECALL = 0.97
TARGET_PRECISION = 0.90
MIN_WORDS = 4               # shorter sentences are not scored alone (see thresholds.yaml)
HEAD_C, SCREEN_C = 2.0, 16.0
CLEAN_WEIGHT = 4.0


def oof_scores(x: np.ndarray, y: np.ndarray, groups: list[str], c: float, balanced: bool) -> np.ndarray:
    out = np.zeros(y.shape)
    for train, test in GroupKFold(5).split(x, y, groups):
        for j in range(y.shape[1]):
            model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)
            out[test, j] = model.fit(x[train], y[train, j]).decision_function(x[test])
    return out


def fit_all(x: np.ndarray, y: np.ndarray, c: float, balanced: bool) -> tuple[np.ndarray, np.ndarray]:
    weights, biases = [], []
    for j in range(y.shape[1]):
        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None).fit(x, y[:, j])
        weights.append(model.coef_[0])
        biases.append(model.intercept_[0])
    return np.array(weights, dtype=np.float32), np.array(biases, dtype=np.float32)


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    model = LogisticRegression(C=1e4, max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def threshold_for(p: np.ndarray, y: np.ndarray, clean: np.ndarray) -> float | None:
    """Lowest threshold whose precision reaches the target when each clean sentence counts CLEAN_WEIGHT times:
    the corpus is about half violating, real copy mostly clean, and a false alarm is paid per clean text."""
    weight = np.where(clean, CLEAN_WEIGHT, 1.0)
    for t in np.arange(0.30, 0.99, 0.01):
        flagged = p >= t
        if flagged.sum() >= 3 and (weight * flagged * y).sum() / (weight * flagged).sum() >= TARGET_PRECISION:
            return round(float(t), 2)
    return None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    rows = corpus()
    texts = [t for t, _l, _g in rows]
    y = np.array([[c in labels for c in CATEGORIES] for _t, labels, _g in rows], dtype=int)
    groups = [g for _t, _l, g in rows]
    static = StaticEmbedder(DATA / "tokens.npz", semantic_model.TOKENIZER)
    xs, xf = static.embed(texts), OnnxMiniLM().embed(texts)
    print(f"corpus: {len(texts)} sentences, {int((y.sum(1) == 0).sum())} clean", file=sys.stderr)

    head_oof = oof_scores(xf, y, groups, HEAD_C, True)
    calib = [platt(head_oof[:, j], y[:, j]) for j in range(len(CATEGORIES))]
    prob = 1 / (1 + np.exp(-(np.array([a for a, _ in calib]) * head_oof + np.array([b for _, b in calib]))))
    thresholds = [threshold_for(prob[:, j], y[:, j], y.sum(1) == 0) for j in range(len(CATEGORIES))]
    active = np.array([t is not None for t in thresholds])

    # the screen: one model, "violates an active category" against the rest, over the static vectors
    y_any = y[:, active].any(axis=1).astype(int)[:, None]
    screen_oof = oof_scores(xs, y_any, groups, SCREEN_C, True)[:, 0]
    positives = np.sort(screen_oof[y_any[:, 0] == 1])
    screen_t = float(positives[int((1 - SCREEN_RECALL) * len(positives))])
    passed = screen_oof >= screen_t
    screen_clean = float(passed[y.sum(1) == 0].mean())
    print(f"screen passes {screen_clean:.0%} of clean, {passed[y_any[:, 0] == 1].mean():.0%} of violating "
          "sentences", file=sys.stderr)
    prob = np.where(passed[:, None], prob, 0.0)
    dev_figures = {}
    for j, cat in enumerate(CATEGORIES):
        t = thresholds[j]
        flagged = prob[:, j] >= (t if t is not None else 2.0)
        tp = int((flagged & (y[:, j] == 1)).sum())
        dev_figures[cat] = (tp, int(flagged.sum() - tp), int(y[:, j].sum() - tp), t)

    ws, bs = fit_all(xs, y_any, SCREEN_C, True)
    wf, bf = fit_all(xf, y, HEAD_C, True)
    DATA.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(DATA / "classifier.npz", labels=np.array(CATEGORIES), screen_w=ws, screen_b=bs,
                        screen_t=np.array([screen_t], dtype=np.float32), head_w=wf, head_b=bf,
                        platt_a=np.array([a for a, _ in calib], dtype=np.float32),
                        platt_b=np.array([b for _, b in calib], dtype=np.float32))
    lines = ["# Per-category thresholds of the semantic layer (calibrated probability). A text is raised to review",
             "# at or above `threshold`; between `band` and it, a second-opinion model is asked when configured.",
             "# `threshold: null` turns a category off. Chosen by tools/semantic/train.py on out-of-fold dev",
             f"# predictions (lowest threshold with {TARGET_PRECISION:.0%} precision); edit freely, no pin covers"
             " this file.",
             "# `min_words`: a sentence shorter than this is not scored on its own (the whole text still is). Set"
             ' on dev:', '# the three-word tail "Try it free." scored over the personal_attributes threshold in 56'
             " clean dev texts.",
             f"min_words: {MIN_WORDS}", "categories:"]
    for cat, t in zip(CATEGORIES, thresholds, strict=True):
        band = "null" if t is None else f"{round(t / 2, 2)}"
        lines.append(f"  {cat}: {{threshold: {'null' if t is None else t}, band: {band}}}")
    (DATA / "thresholds.yaml").write_text("\n".join(lines) + "\n")
    PINS.write_text('"""SHA-256 of the semantic layer\'s files, written by tools/semantic/train.py; checked at load."""\n\n'
                    f'TOKENS_SHA256 = "{sha256(DATA / "tokens.npz")}"\n'
                    f'CLASSIFIER_SHA256 = "{sha256(DATA / "classifier.npz")}"\n')
    heldout = measure_heldout()
    write_card(len(texts), int((y.sum(1) == 0).sum()), dev_figures, heldout, screen_clean)


def measure_heldout() -> dict[str, tuple[int, int, int]]:
    """The layer alone on the held-out split: (tp, fp, fn) per category, text level."""
    import importlib

    importlib.reload(semantic_model.pins)
    layer = semantic_model.load_semantic()
    rows = read_labelled(ROOT / "evals/governance/heldout.csv")
    scored = layer.score_many([r.text for r in rows])
    out: dict[str, tuple[int, int, int]] = {}
    for cat in CATEGORIES:
        tp = fp = fn = 0
        for row, scores in zip(rows, scored, strict=True):
            hit = any(s.label == cat and s.raises for s in scores)
            tp += hit and cat in row.labels
            fp += hit and cat not in row.labels
            fn += (not hit) and cat in row.labels
        out[cat] = (tp, fp, fn)
    return out


def _pr(tp: int, fp: int, fn: int) -> str:
    p = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
    r = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
    return f"{p} | {r} | {tp}/{fp}/{fn}"


def write_card(n: int, clean: int, dev: dict[str, tuple[int, int, int, float | None]],
               heldout: dict[str, tuple[int, int, int]], screen_clean: float) -> None:
    table = ["| category | threshold | dev precision | dev recall | dev tp/fp/fn (sentences) | held-out precision | "
             "held-out recall | held-out tp/fp/fn (texts) |", "|---|---|---|---|---|---|---|---|"]
    for cat in CATEGORIES:
        tp, fp, fn, t = dev[cat]
        table.append(f"| {cat} | {t if t is not None else 'off'} | {_pr(tp, fp, fn)} | {_pr(*heldout[cat])} |")
    template = (Path(__file__).parent / "MODEL_CARD.template.md").read_text()
    card = template.format(date=date.today().isoformat(), sentences=n, clean=clean, table="\n".join(table),
                           screen_clean=f"{screen_clean:.0%}", tokens_sha=sha256(DATA / "tokens.npz"),
                           classifier_sha=sha256(DATA / "classifier.npz"))
    (DATA / "MODEL_CARD.md").write_text(card)
    print(card, file=sys.stderr)


if __name__ == "__main__":
    main()
