"""The semantic layer's model: a static screen, then a calibrated linear head over the MiniLM sentence vector.

Files (package data in ``adloom/data/models/semantic``, written by ``tools/semantic/train.py``; see its
MODEL_CARD.md): ``tokens.npz`` (static token table), ``classifier.npz`` (screen and head weights, Platt
calibration), ``thresholds.yaml`` (per-category threshold and uncertain band: data, editable). The two
``.npz`` files are checked against SHA-256 pins before use.

Each text is cut into sentences; every sentence (and the whole text, when it has several) is screened with
the static vectors, and only what passes any category's screen is embedded by MiniLM, which keeps
``adloom check --file`` fast on copy that is mostly clean. A category's probability is the highest of its
units'; the unit is reported as the sentence it fired on.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from adloom.errors import ModelFileError
from adloom.governance.embeddings import Embedder, ModelUnavailable, OnnxMiniLM
from adloom.governance.semantic import pins
from adloom.governance.semantic.static import StaticEmbedder

__all__ = ["DATA_DIR", "TOKENIZER", "SemanticLayer", "SemanticScore", "load_semantic", "sentence_spans"]

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "models" / "semantic"
TOKENIZER = Path(__file__).resolve().parents[2] / "data" / "models" / "all-minilm-l6-v2" / "tokenizer.json"
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)]*\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.end() - len(m.group()) + len(m.group().rstrip())))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans or [(0, len(text))]


@dataclass(frozen=True)
class SemanticScore:
    label: str              # a policy category id
    probability: float      # calibrated
    sentence: str
    span: tuple[int, int]
    threshold: float | None
    band: float | None

    @property
    def raises(self) -> bool:
        """At or over the category's threshold: raise to review."""
        return self.threshold is not None and self.probability >= self.threshold

    @property
    def uncertain(self) -> bool:
        """In the band below the threshold, where a second opinion is worth asking."""
        return (not self.raises and self.band is not None and self.threshold is not None
                and self.probability >= self.band)


def _checked(path: Path, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"semantic classifier file unreadable: {exc.strerror}", file=str(path)) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ModelFileError(f"semantic classifier file fails its checksum (SHA-256 {digest[:12]}…, expected "
                             f"{sha256[:12]}…)", file=str(path))
    return data


def _thresholds(path: Path, labels: Sequence[str]) -> tuple[list[float | None], list[float | None]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelFileError(f"cannot read thresholds: {exc.strerror}", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise ModelFileError(f"thresholds are not valid YAML: {exc}", file=str(path)) from None
    table = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise ModelFileError("thresholds need a 'categories' mapping", file=str(path))
    thresholds: list[float | None] = []
    bands: list[float | None] = []
    for label in labels:
        entry = table.get(label) or {}
        values = []
        for key in ("threshold", "band"):
            value = entry.get(key) if isinstance(entry, dict) else None
            if value is not None and not (isinstance(value, int | float) and 0 <= value <= 1):
                raise ModelFileError(f"{label}.{key} must be a probability between 0 and 1 or null",
                                     file=str(path))
            values.append(None if value is None else float(value))
        thresholds.append(values[0])
        bands.append(values[1])
    return thresholds, bands


def _min_words(path: Path) -> int:
    """The shortest sentence (in words) scored on its own; 1 when the file does not say."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    value = data.get("min_words", 1) if isinstance(data, dict) else 1
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 50:
        raise ModelFileError("min_words must be a whole number from 1 to 50", file=str(path))
    return value


class SemanticLayer:
    MEMO = 200_000          # units whose probabilities are kept (~100 bytes each)

    def __init__(self, directory: Path, encoder: Embedder, *, check_pins: bool = True) -> None:
        import io

        tokens, classifier = directory / "tokens.npz", directory / "classifier.npz"
        raw_tokens = _checked(tokens, pins.TOKENS_SHA256) if check_pins else tokens.read_bytes()
        raw = _checked(classifier, pins.CLASSIFIER_SHA256) if check_pins else classifier.read_bytes()
        try:
            self.static = StaticEmbedder(io.BytesIO(raw_tokens), TOKENIZER)
            with np.load(io.BytesIO(raw)) as stored:
                self.labels = [str(x) for x in stored["labels"]]
                self.screen_w, self.screen_b, self.screen_t = stored["screen_w"], stored["screen_b"], stored["screen_t"]
                self.head_w, self.head_b = stored["head_w"], stored["head_b"]
                self.platt_a, self.platt_b = stored["platt_a"], stored["platt_b"]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFileError(f"semantic classifier file is not a classifier: {exc}", file=str(classifier)) from None
        self.thresholds, self.bands = _thresholds(directory / "thresholds.yaml", self.labels)
        self.min_words = _min_words(directory / "thresholds.yaml")
        self.encoder = encoder
        self.version = f"semantic@{hashlib.sha256(raw).hexdigest()[:8]}"
        self._probs: dict[str, npt.NDArray[np.float32]] = {}     # unit text -> its probabilities (this process)

    def _score_units(self, units: Sequence[str]) -> None:
        """Probabilities of every unit not scored before, embedded in one call. A unit's probabilities depend
        on its text alone, and copy repeats its sentences (the same call to action or opening in many rows of a
        file): 5,000 distinct ad texts of the speed benchmark hold 6,142 distinct units among 9,141."""
        missing = [u for u in dict.fromkeys(units) if u not in self._probs]
        if not missing:
            return
        if len(self._probs) + len(missing) > self.MEMO:
            self._probs.clear()
        z = self.encoder.embed(missing) @ self.head_w.T + self.head_b
        self._probs.update(zip(missing, 1 / (1 + np.exp(-(self.platt_a * z + self.platt_b))), strict=True))

    def score_many(self, texts: Sequence[str]) -> list[list[SemanticScore]]:
        """Per text, every category whose probability reaches its band (or threshold): highest first."""
        units: list[tuple[int, tuple[int, int]]] = []
        for i, text in enumerate(texts):
            spans = sentence_spans(text)
            # a sentence of a word or three ("Try it free.") carries too little for the head to read; the
            # whole text, which holds it, is still scored
            units += [(i, s) for s in spans if len(text[s[0]:s[1]].split()) >= self.min_words]
            if len(spans) > 1:
                units.append((i, (0, len(text))))
        unit_texts = [texts[i][a:b] for i, (a, b) in units]
        screened = (self.static.embed(unit_texts) @ self.screen_w.T + self.screen_b >= self.screen_t).any(axis=1)
        keep = np.flatnonzero(screened)
        probs = np.zeros((len(units), len(self.labels)), dtype=np.float32)
        if keep.size:
            self._score_units([unit_texts[k] for k in keep])
            for k in keep:
                probs[k] = self._probs[unit_texts[k]]
        best: list[dict[int, tuple[float, int]]] = [{} for _ in texts]
        for u in (int(k) for k in keep):
            text_index = units[u][0]
            for j, p in enumerate(probs[u]):
                floor = self.bands[j] if self.bands[j] is not None else self.thresholds[j]
                if floor is not None and p >= floor and p > best[text_index].get(j, (-1.0, 0))[0]:
                    best[text_index][j] = (float(p), int(u))
        out: list[list[SemanticScore]] = []
        for text_index, found in enumerate(best):
            scores = []
            for j, (p, u) in found.items():
                a, b = units[u][1]
                scores.append(SemanticScore(self.labels[j], round(p, 4), texts[text_index][a:b], (a, b),
                                            self.thresholds[j], self.bands[j]))
            out.append(sorted(scores, key=lambda s: -s.probability))
        return out


def load_semantic(directory: Path | None = None, encoder: Embedder | None = None) -> SemanticLayer:
    """The packaged layer (or one in ``directory``); ``ModelFileError`` names the file that is missing or bad.

    The head was trained on the int8 MiniLM's vectors: any other encoder (the lexical fallback) is refused.
    """
    directory = directory or DATA_DIR
    for name in ("tokens.npz", "classifier.npz", "thresholds.yaml"):
        if not (directory / name).is_file():
            raise ModelFileError("semantic classifier file is missing", file=str(directory / name))
    if encoder is None:
        try:
            # single-threaded sessions, one per core (at most two): see OnnxMiniLM
            encoder = OnnxMiniLM(batch_size=64, threads=1, sessions=max(1, min(2, os.cpu_count() or 1)))
        except ModelUnavailable as exc:
            raise ModelFileError(f"the sentence model the classifier needs is unavailable: {exc}") from None
    return SemanticLayer(directory, encoder)
