"""A realistic brand for the writers: three segments, approved and unapproved claims, an avoid list."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adloom.types import (
    Angle,
    BrandObject,
    Claim,
    Constraints,
    Evidence,
    Finding,
    Offer,
    Pillar,
    Product,
    Provenance,
    Segment,
    Voice,
)
from adloom.writers.base import ConceptTask
from adloom.writers.formula.templates import ANGLE_IDS

APPROVED = [
    Claim(id="c-battery", statement="Restwave Pulse runs up to 6 hours on one charge.", kind="numeric",
          evidence="Battery test BT-2026-04", approved=True),
    Claim(id="c-quiet", statement="Quieter than a normal conversation at 45 dB.", kind="comparative",
          evidence="Acoustic lab report AL-17", approved=True),
]
UNAPPROVED = [
    Claim(id="c-best", statement="The best massage gun in the world.", kind="superlative"),
    Claim(id="c-cure", statement="Cures back pain in 7 days.", kind="health"),
]
AVOID = ["cure", "miracle", "pain-free forever", "guaranteed", "injury"]
DISCLOSURE = "Individual results vary."

SEGMENTS = [
    Segment(id="weekend-warriors", label="Weekend warriors",
            description="Amateur runners and cyclists, 28-45, who train hard on weekends.",
            pain_points=["waking up sore", "tight hamstrings", "skipping Monday runs"],
            desires=["training again tomorrow", "a new personal best", "longer weekend rides"],
            objections=["massage guns are all the same", "too pricey", "Kneadr is cheaper"],
            language_patterns=["my legs feel like concrete", "I ran 20 miles and paid for it",
                               "my calves are toast 🦵"],
            age_min=28, age_max=45),
    Segment(id="desk-workers", label="Desk workers",
            description="Office and remote workers with neck and shoulder stiffness.",
            pain_points=["stiff shoulders by noon", "a tight neck after meetings", "injury worries"],
            desires=["a looser neck", "evenings without stiffness"],
            objections=["I have no time", "it looks complicated"],
            language_patterns=["my shoulders live up by my ears"],
            age_min=25, age_max=55),
    Segment(id="new-parents", label="New parents",
            description="Parents of babies and toddlers carrying little ones all day.",
            pain_points=["an aching lower back", "carrying a toddler all day", "no time for yourself"],
            desires=["ten quiet minutes", "feeling like yourself again"],
            objections=["I'll never use it"],
            language_patterns=["my back is done by lunchtime"]),
]

# The brand's own answers to doubts, as mined from an FAQ page; new parents' "I'll never use it" has none.
_FAQ = Provenance(file="website/faq.html", section="Questions")
ANSWERS = [
    Evidence(kind="objection", text="massage guns are all the same", source=_FAQ,
             answer="Most are loud and come with no plan. Pulse comes with a guided routine for the day you had."),
    Evidence(kind="objection", text="I have no time", source=_FAQ,
             answer="Every routine is short and the app tells you when to move on."),
    Evidence(kind="objection", text="Is it really quiet?", source=_FAQ,
             answer="Yes. Quieter than a normal conversation at 45 dB."),
]


def make_brand() -> BrandObject:
    return BrandObject(
        name="Restwave", slug="restwave", vertical="fitness_recovery",
        positioning="Quiet percussion recovery for people who train hard and live busy lives.",
        tagline="Recover like you mean it.",
        voice=Voice(descriptors=["warm", "plain-spoken"],
                    do=["speak like a coach", "use the customer's words"],
                    dont=["promise medical outcomes", "shame anyone's body"]),
        segments=SEGMENTS,
        pillars=[Pillar(name="Quiet power"), Pillar(name="Everyday recovery")],
        avoid=AVOID, competitors=["Kneadr"], claims=[*APPROVED, *UNAPPROVED],
        products=[Product(name="Restwave Pulse", price="$199",
                          benefits=["loosens tight muscles after training", "fits into a gym bag",
                                    "the fastest relief around"],
                          features=["five attachment heads", "whisper-quiet motor", "USB-C charging"])],
        offers=[Offer(name="30-night trial", terms="Return within 30 nights.")],
        cta_vocabulary=["Start your 30-night trial", "See how it works", "Shop Restwave Pulse"],
        required_disclosures=[DISCLOSURE],
        evidence=ANSWERS,
    )


def make_angle(angle_id: str) -> Angle:
    return Angle(id=angle_id, name=angle_id.replace("-", " ").title())


TaskFactory = Callable[..., ConceptTask]


@pytest.fixture
def brand() -> BrandObject:
    return make_brand()


@pytest.fixture
def make_task(brand: BrandObject) -> TaskFactory:
    def factory(angle_id: str = "pain-first", segment_id: str = "weekend-warriors", *, attempt: int = 1,
                seed: str | None = None, findings: list[Finding] | None = None,
                **overrides: object) -> ConceptTask:
        constraints = Constraints(forbidden_terms=list(brand.avoid), approved_claims=brand.approved_claims(),
                                  required_disclosures=list(brand.required_disclosures),
                                  previous_findings=findings or [])
        if overrides:
            constraints = constraints.model_copy(update=overrides)
        return ConceptTask(brand=brand, angle=make_angle(angle_id), segment=brand.segment(segment_id),
                           constraints=constraints, seed=seed or f"seed-{angle_id}-{segment_id}",
                           attempt=attempt)
    return factory


ALL_PAIRS = [(a, s.id) for a in ANGLE_IDS for s in SEGMENTS]
