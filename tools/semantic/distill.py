"""Distil all-MiniLM-L6-v2 into a static token table (the model2vec recipe), for the semantic layer.

Each vocabulary token is run through the int8 ONNX MiniLM the project already ships, alone between [CLS] and
[SEP]; its mean-pooled output is its vector. PCA keeps the first DIM components; rows are quantised to int8
with one scale per row. A text's vector is then the weighted mean of its tokens' rows: tokenizer + table
lookup, ~100x cheaper than running the transformer, at a known loss of context (word order, negation).

    .venv/bin/python tools/semantic/distill.py      # writes src/adloom/data/models/semantic/tokens.npz
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from adloom.governance.embeddings import OnnxMiniLM

DIM = 128
OUT = Path(__file__).resolve().parents[2] / "src/adloom/data/models/semantic/tokens.npz"


def main() -> None:
    model = OnnxMiniLM()
    vocab = model.tokenizer.get_vocab()
    size = len(vocab)
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    vectors = np.zeros((size, 384), dtype=np.float32)
    started = time.perf_counter()
    batch = 1024
    for lo in range(0, size, batch):
        ids = np.arange(lo, min(lo + batch, size), dtype=np.int64)
        input_ids = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        mask = np.ones_like(input_ids)
        hidden = model.session.run(None, {"input_ids": input_ids, "attention_mask": mask,
                                          "token_type_ids": np.zeros_like(input_ids)})[0]
        vectors[ids] = hidden.mean(axis=1)
        print(f"\r{lo + len(ids)}/{size} tokens", end="", file=sys.stderr)
    print(f"\nencoded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    mean = vectors.mean(axis=0)
    centred = vectors - mean
    _u, _s, vt = np.linalg.svd(centred[::3], full_matrices=False)      # a third of the rows fixes the axes
    reduced = centred @ vt[:DIM].T
    scale = np.abs(reduced).max(axis=1, keepdims=True) / 127.0
    quantised = np.round(reduced / np.maximum(scale, 1e-12)).astype(np.int8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, table=quantised, scale=scale.astype(np.float32).ravel())
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
