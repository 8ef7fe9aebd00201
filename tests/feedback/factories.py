"""Small factories: stored concepts to join exports to, and export rows built from known rates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from adloom.feedback.synthetic import Delivery, deliver
from adloom.naming import ad_name
from adloom.store.db import transaction
from adloom.store.tables import ConceptRow

ANGLES = ("pain-first", "social-proof", "contrarian")
SEGMENTS = ("runners", "office")


def concept_id(angle: str, segment: str, brand: str = "acme") -> str:
    import hashlib
    return hashlib.sha256(f"{brand}:{angle}:{segment}".encode()).hexdigest()[:32]


def seed_concepts(store: sessionmaker[Session], brand: str = "acme", angles: tuple[str, ...] = ANGLES,
                  segments: tuple[str, ...] = SEGMENTS, hooks: int = 3) -> list[str]:
    """One stored concept per angle x segment, each with ``hooks`` hooks; returns every Meta ad name."""
    names = []
    with transaction(store) as session:
        for angle in angles:
            for segment in segments:
                cid = concept_id(angle, segment, brand)
                draft: dict[str, Any] = {"hooks": [
                    {"id": f"h{i}", "text": f"Tired of waiting? Try {angle} number {i}",
                     "template_id": f"{angle}-{i:02d}"} for i in range(1, hooks + 1)]}
                session.add(ConceptRow(id=cid, brand_slug=brand, brand_version="v1", angle_id=angle,
                                       segment_id=segment, writer_id="formula", status="approved", attempts=1,
                                       created_at=datetime.now(UTC),
                                       payload={"id": cid, "angle": {"id": angle, "emotional_triggers": ["relief"]},
                                                "segment_id": segment, "draft": draft}))
                names += [ad_name(brand, angle, segment, f"h{i}", cid, "meta") for i in range(1, hooks + 1)]
    return names


def daily(names: list[str], ctr_of: dict[str, float], *, days: int = 7, impressions: int = 2000,
          seed: int = 1, start: date = date(2026, 11, 1)) -> list[Delivery]:
    """Per-day rows for each ad; an ad's CTR is the one of the first key of ``ctr_of`` found in its name."""
    rng = np.random.default_rng(seed)
    rows = []
    for name in names:
        ctr = next((v for k, v in ctr_of.items() if f"_{k}_" in name), ctr_of.get("*", 0.01))
        for day in range(days):
            rows.append(deliver(name, impressions, ctr, rng, start=date.fromordinal(start.toordinal() + day)))
    return rows
