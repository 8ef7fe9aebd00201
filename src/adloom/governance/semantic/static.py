"""Static sentence vectors distilled from all-MiniLM-L6-v2: tokenizer + a table lookup, no transformer at run time.

``tools/semantic/distill.py`` ran every vocabulary token through the shipped int8 MiniLM once and kept 128
PCA components per token (int8, one scale per row). A text's vector is the mean of its tokens' rows,
L2-normalised. It keeps much of what the tokens mean, loses word order and context; it costs microseconds
a text, which is why ``adloom check --file`` can run it on every line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

__all__ = ["StaticEmbedder"]

Matrix = npt.NDArray[np.float32]


class StaticEmbedder:
    def __init__(self, table: Path | BinaryIO, tokenizer: Path, *, max_tokens: int = 256) -> None:
        from tokenizers import Tokenizer

        with np.load(table) as stored:
            self.table: Matrix = (stored["table"].astype(np.float32) * stored["scale"][:, None]).astype(np.float32)
        self.dim = int(self.table.shape[1])
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)

    def embed(self, texts: Sequence[str]) -> Matrix:
        """(len(texts), dim) float32, rows L2-normalised; an all-unknown text is the zero vector."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
        ids = np.fromiter((i for e in encoded for i in e.ids), dtype=np.int64, count=int(lengths.sum()))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        nonempty = lengths > 0
        if ids.size:
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[nonempty]
            out[nonempty] = np.add.reduceat(self.table[ids], starts, axis=0) / lengths[nonempty, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)
