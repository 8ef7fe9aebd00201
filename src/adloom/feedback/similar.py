"""Patterns retrieved by similarity (the MiniLM sentence embeddings): a brand with little evidence of its own
starts from what worked for brands like it, and only when the user allows it (``cross_brand``).

A brand is described by its name, vertical, positioning, tagline and segment labels; a donor brand's learned
angle weights come over shrunk toward neutral by the cosine similarity of the two descriptions (a donor
at similarity 0.5 lends half its lift, at half its evidence), and a donor below ``min_similarity`` lends
nothing. The borrowed patterns name their donor and similarity, so the angle rationale shows where a
weight came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.governance.embeddings import Embedder
from adloom.store import patterns as pattern_store
from adloom.store.tables import BrandVersionRow
from adloom.types import BrandObject, Pattern

__all__ = ["borrowed_for", "borrowed_patterns", "brand_text", "similar_patterns"]

MIN_SIMILARITY = 0.3


def brand_text(brand: BrandObject | Mapping[str, Any]) -> str:
    data = brand.model_dump() if isinstance(brand, BrandObject) else brand
    segments = ", ".join(str(s.get("label", "")) for s in data.get("segments", []) if isinstance(s, Mapping))
    parts = [data.get("name", ""), str(data.get("vertical", "")).replace("_", " "), data.get("positioning", ""),
             data.get("tagline", ""), f"for {segments}" if segments else ""]
    return ". ".join(str(p) for p in parts if p)


def borrowed_patterns(brand: BrandObject, donors: Mapping[str, tuple[str, Sequence[Pattern]]], embedder: Embedder,
                      *, min_similarity: float = MIN_SIMILARITY) -> list[Pattern]:
    """Donors' learned angle patterns, as patterns of ``brand``, shrunk by similarity."""
    slugs = [s for s in sorted(donors) if s != brand.slug and donors[s][1]]
    if not slugs:
        return []
    vectors = embedder.embed([brand_text(brand), *(donors[s][0] for s in slugs)])
    similarity = (vectors[1:] @ vectors[0]).astype(float)
    out = []
    for slug, sim in zip(slugs, similarity, strict=True):
        if sim < min_similarity:
            continue
        for p in donors[slug][1]:
            if p.dimension != "angle" or p.source != "performance" or p.brand_slug != slug:
                continue
            out.append(p.model_copy(update={
                "id": f"borrowed.{brand.slug}.{slug}.{p.key}"[:160], "brand_slug": brand.slug,
                "weight": round(1.0 + float(sim) * (p.weight - 1.0), 4),
                "observations": max(1, round(p.observations * float(sim))),
                "note": f"borrowed from {slug} (similarity {sim:.2f}): {p.note}"}))
    return out


def borrowed_for(session: Session, brand: BrandObject, embedder: Embedder) -> list[Pattern]:
    """Every other brand's learned angle patterns, with that brand's latest stored description, borrowed."""
    learned: dict[str, list[Pattern]] = {}
    for p in pattern_store.load_patterns(session):
        if p.brand_slug and p.brand_slug != brand.slug and p.dimension == "angle" and p.source == "performance":
            learned.setdefault(p.brand_slug, []).append(p)
    donors: dict[str, tuple[str, Sequence[Pattern]]] = {}
    for slug, patterns in learned.items():
        row = session.scalars(select(BrandVersionRow).where(BrandVersionRow.brand_slug == slug)
                              .order_by(BrandVersionRow.created_at.desc()).limit(1)).first()
        if row is not None:
            donors[slug] = (brand_text(row.payload), patterns)
    return borrowed_patterns(brand, donors, embedder)


def similar_patterns(query: str, patterns: Sequence[Pattern], embedder: Embedder,
                     k: int = 10) -> list[tuple[Pattern, float]]:
    """The ``k`` patterns whose description (dimension, key, note) reads most like ``query``."""
    if not patterns:
        return []
    texts = [f"{p.dimension} {p.key or p.angle_type}: {p.note}" for p in patterns]
    vectors = embedder.embed([query, *texts])
    scores = np.asarray(vectors[1:] @ vectors[0], dtype=float)
    order = np.argsort(-scores, kind="stable")[:k]
    return [(patterns[i], float(scores[i])) for i in order]
