"""Brand fit in [0, 1] with named components: voice, pillars, avoid (distance), style.

Semantic components compare the concept's headline copy (spoken hooks, Meta primary text and headlines,
TikTok ad text, Google descriptions) with reference texts of the brand, embedded once per run:

    voice    the brand's own words: tagline, positioning, pillars, key phrases, customer language, CTAs
    pillars  each pillar (name + description); the concept's best-aligned pillar counts
    avoid    distance from the avoid list; a literal avoid term scores 0. It gates the rest (a multiplier):
             copy that sounds like the brand while saying what the brand never says is not on-brand

Raw cosines of all-MiniLM-L6-v2 sit in a narrow band, so each is mapped linearly from (lo, hi) to (0, 1);
the bands were calibrated on a labelled set of on-brand and off-brand copy (tests/governance_context).
Style is lexical: reading grade, sentence length, second person, shouting (exclamations and capitals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from adloom.governance.embeddings import Embedder, Matrix
from adloom.governance.lexicon import TermMatcher
from adloom.types import BrandObject, Concept, GoogleRSACopy, MetaCopy

__all__ = ["VERSION", "WEIGHTS", "BrandProfile", "FitScore", "fit_texts", "style_score"]

VERSION = "1"
WEIGHTS = {"voice": 0.4, "pillars": 0.3, "style": 0.3}
# avoid is a gate, not an addend: fit = weighted(voice, pillars, style) x (0.5 + 0.5 avoid)
AVOID_FLOOR = 0.5
# cosine bands (lo -> 0, hi -> 1), calibrated for all-MiniLM-L6-v2; see tests/governance_context/test_fit.py
VOICE_BAND = (0.10, 0.45)
PILLAR_BAND = (0.05, 0.35)
AVOID_BAND = (0.55, 0.80)        # closeness to an avoid term: lo or less scores 1, hi or more scores 0

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SECOND_PERSON = re.compile(r"\b(you|your|you're|yours|yourself)\b", re.IGNORECASE)
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class FitScore:
    score: float
    voice: float
    pillars: float
    avoid: float
    style: float
    best_pillar: str = ""

    def as_scores(self) -> dict[str, float]:
        return {"brand_fit": self.score, "fit.voice": self.voice, "fit.pillars": self.pillars,
                "fit.avoid": self.avoid, "fit.style": self.style}


def _band(value: float, lo: float, hi: float) -> float:
    return float(min(1.0, max(0.0, (value - lo) / (hi - lo))))


@lru_cache(maxsize=65536)
def _syllables(word: str) -> int:
    """Cached: copy is drawn from a few thousand words, read again in every concept."""
    w = word.lower().rstrip("e")
    return max(1, len(_VOWELS.findall(w)))


def style_score(texts: Sequence[str]) -> float:
    """Mean of four [0, 1] sub-scores; ad copy should read at grade 8 or below in short, direct sentences."""
    sentences = [s.strip() for t in texts for s in _SENTENCE.findall(t) if _WORD.search(s)]
    words = [w for s in sentences for w in _WORD.findall(s)]
    if not sentences or not words:
        return 0.0
    per_sentence = len(words) / len(sentences)
    syllables = sum(_syllables(w) for w in words) / len(words)
    grade = 0.39 * per_sentence + 11.8 * syllables - 15.59            # Flesch-Kincaid
    reading = 1.0 - _band(grade, 8.0, 14.0)
    length = 1.0 - _band(per_sentence, 14.0, 30.0)
    second = min(1.0, sum(bool(_SECOND_PERSON.search(t)) for t in texts) / max(1, len(texts)) / 0.25)
    exclaim = sum(t.count("!") for t in texts) / len(sentences)
    caps = sum(1 for w in words if len(w) > 2 and w.isupper()) / len(words)
    calm = 1.0 - min(1.0, exclaim / 0.5 + caps / 0.3)
    return float((reading + length + second + calm) / 4)


def headline_texts(concept: Concept) -> list[str]:
    """The copy a viewer reads or hears first; captions are left out (all-caps by design)."""
    draft = concept.draft
    if draft is None:
        return []
    # Meta primary texts and TikTok ad texts open with the hook and add body sentences the descriptions
    # and headlines already carry; leaving them out halves the embedding work for the same picture.
    out = [h.text for h in draft.hooks]
    for copy in draft.copy_variants:
        if isinstance(copy, MetaCopy):
            out.append(copy.headline)
        elif isinstance(copy, GoogleRSACopy):
            out += copy.descriptions
    return list(dict.fromkeys(t for t in out if t.strip()))


class BrandProfile:
    """The brand's reference embeddings, computed once per run."""

    def __init__(self, brand: BrandObject, embedder: Embedder) -> None:
        self.embedder = embedder
        voice = [brand.tagline, brand.positioning, *brand.key_phrases, *brand.cta_vocabulary,
                 *(f"{p.name}. {p.description}" for p in brand.pillars)]
        voice += [x for s in brand.segments for x in (*s.language_patterns, *s.desires, *s.pain_points)]
        self.voice_texts = [t for t in dict.fromkeys(voice) if t.strip()] or [brand.name]
        self.pillar_names = [p.name for p in brand.pillars]
        pillars = [f"{p.name}. {p.description}" for p in brand.pillars] or [brand.positioning or brand.name]
        # the voice "don't" list is left out: its sentences ("talk about treating conditions") sit close to
        # legitimate recovery copy and made every on-brand concept look near an avoid term
        avoid = [t for t in dict.fromkeys(brand.avoid) if t.strip()]
        vectors = embedder.embed([*self.voice_texts, *pillars, *avoid])
        n, m = len(self.voice_texts), len(pillars)
        self.voice: Matrix = vectors[:n]
        self.pillars: Matrix = vectors[n:n + m]
        self.avoid: Matrix = vectors[n + m:]
        self.avoid_terms = TermMatcher(brand.avoid)

    def score(self, texts: Sequence[str], vectors: Matrix) -> FitScore:
        """Fit of one concept from its headline texts and their embeddings."""
        if not texts:
            return FitScore(0.0, 0.0, 0.0, 0.0, 0.0)
        centroid = vectors.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        # each text against its three nearest brand references: copy need not echo every line of the brand
        k = min(3, len(self.voice))
        near = np.sort(vectors @ self.voice.T, axis=1)[:, -k:].mean(axis=1)
        voice = _band(float(near.mean()), *VOICE_BAND)
        pillar_sims = self.pillars @ centroid
        best = int(np.argmax(pillar_sims))
        pillars = _band(float(pillar_sims[best]), *PILLAR_BAND)
        if any(self.avoid_terms.find(t) for t in texts):
            avoid = 0.0
        elif len(self.avoid):
            avoid = 1.0 - _band(float((vectors @ self.avoid.T).max()), *AVOID_BAND)
        else:
            avoid = 1.0
        style = style_score(texts)
        total = ((WEIGHTS["voice"] * voice + WEIGHTS["pillars"] * pillars + WEIGHTS["style"] * style)
                 * (AVOID_FLOOR + (1 - AVOID_FLOOR) * avoid))
        name = self.pillar_names[best] if best < len(self.pillar_names) else ""
        return FitScore(round(total, 4), round(voice, 4), round(pillars, 4), round(avoid, 4), round(style, 4), name)


def fit_texts(profile: BrandProfile, batches: Sequence[Sequence[str]]) -> list[FitScore]:
    """Fit of many concepts (each a list of texts) with one batched embedding call."""
    flat = [t for texts in batches for t in texts]
    vectors = profile.embedder.embed(flat)
    out, at = [], 0
    for texts in batches:
        out.append(profile.score(texts, vectors[at:at + len(texts)]))
        at += len(texts)
    return out
