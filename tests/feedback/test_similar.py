"""Cross-brand borrowing with the real MiniLM model: a similar brand lends its learned weights, shrunk."""

from __future__ import annotations

from adloom.feedback.similar import borrowed_patterns, brand_text, similar_patterns
from adloom.governance.embeddings import default_embedder
from adloom.types import BrandObject, Pattern, Segment


def _learned(slug: str, angle: str, weight: float) -> Pattern:
    return Pattern(id=f"perf.{slug}.angle.{angle}", angle_type=angle, weight=weight, observations=20,
                   source="performance", brand_slug=slug, dimension="angle", key=angle,
                   note=f"{angle} beat the brand baseline")


def test_a_similar_brand_lends_more_than_an_unrelated_one() -> None:
    new = BrandObject(name="Calmrest", slug="calmrest", vertical="fitness_recovery",
                      positioning="A percussion massage gun that eases sore muscles after training",
                      segments=[Segment(id="runners", label="amateur runners")])
    donors = {
        "restwave": ("Restwave. fitness recovery. Massage gun for muscle soreness and recovery after workouts. "
                     "for weekend warriors, masters athletes", [_learned("restwave", "contrarian", 2.0)]),
        "ledgerly": ("Ledgerly. finance. Bookkeeping software for accountants and small business invoices. "
                     "for bookkeepers", [_learned("ledgerly", "urgency", 3.0)]),
    }
    borrowed = borrowed_patterns(new, donors, default_embedder(), min_similarity=0.0)
    by_donor = {p.id.split(".")[2]: p for p in borrowed}
    assert set(by_donor) == {"restwave", "ledgerly"}
    near, far = by_donor["restwave"], by_donor["ledgerly"]
    assert all(p.brand_slug == "calmrest" and p.dimension == "angle" for p in borrowed)
    assert 1.0 < near.weight < 2.0 and near.observations < 20 and "borrowed from restwave" in near.note
    lent = lambda p, full: (p.weight - 1.0) / (full - 1.0)   # noqa: E731 - share of the donor's lift
    assert lent(near, 2.0) > lent(far, 3.0) + 0.2
    # at the default threshold the unrelated brand lends nothing
    strict = borrowed_patterns(new, donors, default_embedder())
    assert [p.id.split(".")[2] for p in strict] == ["restwave"]
    assert "massage gun" in brand_text(new).lower()


def test_patterns_are_retrievable_by_a_description() -> None:
    patterns = [_learned("a", "contrarian", 2.0), _learned("a", "social-proof", 1.5), _learned("a", "urgency", 1.2)]
    patterns[1] = patterns[1].model_copy(update={"note": "customer testimonials and reviews from real users"})
    (top, score), *_ = similar_patterns("ads quoting happy customers' reviews", patterns, default_embedder(), k=3)
    assert top.key == "social-proof" and score > 0.3
