from __future__ import annotations

from datetime import date
from typing import get_args

import pytest
from sqlalchemy.orm import Session, sessionmaker

from adloom.feedback.patterns import load_priors
from adloom.pipeline.angles import angles, load_catalogue
from adloom.store.db import transaction
from adloom.store.patterns import ensure_priors, load_patterns, upsert_pattern
from adloom.types import Angle, AwarenessLevel, BrandObject, Offer, Pattern
from tests.governance.factories import brand

ANGLE_IDS = {
    "pain-first",
    "social-proof",
    "curiosity",
    "aspirational",
    "contrarian",
    "authority",
    "comparison",
    "identity",
    "urgency",
    "objection",
}
FRAMEWORKS = {"AIDA", "PAS", "BAB", "FAB", "4U"}


def _by_id(ranked: list[Angle]) -> dict[str, Angle]:
    return {a.id: a for a in ranked}


def test_catalogue_holds_exactly_the_ten_angles() -> None:
    catalogue = load_catalogue()
    ids = [s.id for s in catalogue]
    assert len(ids) == len(set(ids)) == 10 and set(ids) == ANGLE_IDS
    for spec in catalogue:
        assert spec.name and spec.description and spec.emotional_triggers
        assert spec.awareness_level in get_args(AwarenessLevel)
        assert spec.frameworks and set(spec.frameworks) <= FRAMEWORKS


def test_priors_cover_every_angle_once() -> None:
    priors = load_priors()
    assert sorted(p.angle_type for p in priors) == sorted(ANGLE_IDS)
    assert all(p.source == "prior" and p.observations == 0 and "prior" in p.note for p in priors)


def test_a_brand_meeting_every_requirement_ranks_by_prior_weight_then_id() -> None:
    ranked = angles(brand(), load_priors())
    # pain-first 1.25, social-proof 1.2, objection 1.1, then comparison and contrarian tie at 1.05
    assert [a.id for a in ranked] == ["pain-first", "social-proof", "objection", "comparison", "contrarian"]
    assert ranked[0].score == 1.25 and "all requirements met" in ranked[0].rationale
    assert "prior.pain-first (prior, n=0)" in ranked[0].rationale


def test_ties_are_broken_by_id_and_n_limits() -> None:
    ranked = angles(brand(), [], n=10)
    assert [a.id for a in ranked] == sorted(ANGLE_IDS)
    assert all(a.score == 1.0 and "no pattern" in a.rationale for a in ranked)
    assert len(angles(brand(), [], n=3)) == 3


@pytest.mark.parametrize(
    ("offers", "today", "demoted"),
    [
        ([], None, True),
        ([Offer(name="Spring sale", terms="10% off")], None, True),  # no end date
        ([Offer(name="Spring sale", ends="when stocks last")], None, True),  # not a real date
        ([Offer(name="Spring sale", ends="2026-05-01")], None, False),
        ([Offer(name="Spring sale", ends="2026-05-01")], date(2026, 6, 1), True),  # expired
        ([Offer(name="Spring sale", ends="2026-05-01T23:59")], date(2026, 5, 1), False),
    ],
)
def test_urgency_needs_an_offer_with_a_real_end_date(
    offers: list[Offer], today: date | None, demoted: bool
) -> None:
    b = brand()
    b.offers = offers
    urgency = _by_id(angles(b, load_priors(), n=10, today=today))["urgency"]
    assert urgency.score == pytest.approx(0.085 if demoted else 0.85)
    assert ("no offer with a real end date" in urgency.rationale) is demoted


def test_unmet_requirements_demote_with_their_reason() -> None:
    b: BrandObject = brand()
    for claim in b.claims:
        claim.approved = False
    b.segments[0].pain_points = []
    ranked = _by_id(angles(b, load_priors(), n=10))
    assert ranked["social-proof"].score == pytest.approx(1.2 * 0.2)
    assert "no approved testimonial or numeric claim" in ranked["social-proof"].rationale
    assert ranked["authority"].score == pytest.approx(1.0 * 0.2)
    assert ranked["pain-first"].score == pytest.approx(1.25 * 0.4)
    assert "pain-first" not in [a.id for a in angles(b, load_priors())]


def test_performance_patterns_outweigh_priors_and_specific_ones_are_ignored() -> None:
    learned = Pattern(
        id="perf.pain-first", angle_type="pain-first", weight=0.5, observations=99, source="performance"
    )
    specific = Pattern(id="perf.curiosity.runners", angle_type="curiosity", segment_id="runners", weight=9.0)
    ranked = _by_id(angles(brand(), [*load_priors(), learned, specific], n=10))
    assert ranked["pain-first"].score == pytest.approx((1.25 * 1 + 0.5 * 99) / 100, abs=1e-4)
    assert ranked["curiosity"].score == 1.0


def _ranking(factory: sessionmaker[Session]) -> list[str]:
    with transaction(factory) as session:
        return [a.id for a in angles(brand(), load_patterns(session))]


def test_ranking_reads_weights_from_the_store(store: sessionmaker[Session]) -> None:
    with transaction(store) as session:
        ensure_priors(session)
    before = _ranking(store)
    assert before[0] == "pain-first" and "curiosity" not in before
    with transaction(store) as session:
        upsert_pattern(
            session,
            Pattern(
                id="prior.curiosity",
                angle_type="curiosity",
                weight=2.0,
                observations=40,
                source="performance",
            ),
        )
    after = _ranking(store)
    assert after[0] == "curiosity" and after[1:] == before[:4]
