"""Static sentence vectors for the injection screen, read from the semantic layer's pinned token table.

The table (``data/models/semantic/tokens.npz``) holds, for every MiniLM vocabulary token, 128 PCA components
of what the int8 all-MiniLM-L6-v2 makes of it; a text's vector is the mean of its tokens' rows. It is a
small local file (no download, no transformer at run time), checked against its SHA-256 before use. This
module reads it itself rather than through ``adloom.governance`` so that the writers, which must not import
governance, can use the screen; ``tests/screen`` checks that the pin here equals the semantic layer's.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from adloom.errors import ModelFileError

__all__ = ["TOKENS", "TOKENS_SHA256", "StaticVectors", "minilm", "static_vectors"]

Matrix = npt.NDArray[np.float32]
_MODELS = Path(__file__).resolve().parents[1] / "data" / "models"
TOKENS = _MODELS / "semantic" / "tokens.npz"
TOKENIZER = _MODELS / "all-minilm-l6-v2" / "tokenizer.json"
TOKENS_SHA256 = "4b05631390f5ae7a1ced4270c8c37e505b62ec78be32676a9a606a0866470553"


class StaticVectors:
    def __init__(self, table: Path = TOKENS, tokenizer: Path = TOKENIZER, *, sha256: str = TOKENS_SHA256) -> None:
        from tokenizers import Tokenizer

        try:
            raw = table.read_bytes()
        except OSError as exc:
            raise ModelFileError(f"token table unreadable: {exc.strerror}", file=str(table)) from None
        if hashlib.sha256(raw).hexdigest() != sha256:
            raise ModelFileError("token table fails its checksum", file=str(table))
        with np.load(io.BytesIO(raw)) as stored:
            self.table: Matrix = (stored["table"].astype(np.float32) * stored["scale"][:, None]).astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=128)

    def embed(self, texts: Sequence[str]) -> Matrix:
        """(len(texts), 128), rows L2-normalised; a text with no known token is the zero vector."""
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            if encoding.ids:
                out[row] = self.table[encoding.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)


@cache
def static_vectors() -> StaticVectors:
    return StaticVectors()


class _Encoder(Protocol):
    """What the screen needs of a sentence model: normalised rows, and a name for what made them."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> Matrix: ...


@cache
def minilm() -> _Encoder | None:
    """The project's int8 all-MiniLM-L6-v2 (ONNX, pinned package files, no download), shared with brand fit
    and claim matching (one loaded model per process), or None when its packages are missing. Imported
    lazily from ``adloom.governance.embeddings``, where the model's loader lives; the screen's callers
    (ingest, brand, writers) never import governance themselves."""
    import warnings

    from adloom.governance.embeddings import default_embedder
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # the lexical fallback's warning is for brand fit; here: None
        embedder = default_embedder()
    return embedder if embedder.model_id.startswith("all-MiniLM") else None
