from __future__ import annotations

from adloom.feedback.allocation import _hooks, plan
from adloom.types import Angle, Constraints, Pattern, Segment

ANGLES = [Angle(id=a, name=a) for a in ("pain-first", "contrarian", "curiosity")]
SEGMENTS = [Segment(id=s, label=s) for s in ("runners", "office")]


def _evidence(brand: str = "acme") -> list[Pattern]:
    def arm(angle: str, segment: str, clicks: float, impressions: float) -> Pattern:
        return Pattern(id=f"perf.{brand}.arm.{angle}|{segment}", angle_type=angle, source="performance",
                       brand_slug=brand, dimension="arm", key=f"{angle}|{segment}", alpha=2 + clicks,
                       beta=198 + impressions - clicks, impressions=int(impressions), observations=5)
    return [Pattern(id=f"perf.{brand}.baseline.ctr", angle_type="*", source="performance", brand_slug=brand,
                    dimension="baseline", key="ctr", alpha=2, beta=198),
            arm("pain-first", "runners", 100, 10_000), arm("pain-first", "office", 95, 10_000),
            arm("contrarian", "runners", 300, 10_000), arm("contrarian", "office", 110, 10_000),
            Pattern(id=f"perf.{brand}.hook_structure.contrarian-03", angle_type="*", source="performance",
                    brand_slug=brand, dimension="hook_structure", key="contrarian-03", weight=2.5, mean=0.03,
                    alpha=300, beta=9700)]


def test_without_evidence_the_split_is_even_and_constraints_are_untouched() -> None:
    p = plan("acme", ANGLES, SEGMENTS, [], exploration=0.2, hooks_per_concept=5)
    assert not p.informed and {a.hooks for a in p.arms} == {5}
    c = Constraints()
    assert p.tune(ANGLES[0], SEGMENTS[0], c) is c
    assert p.summary()["method"] == "even"


def test_evidence_moves_the_budget_and_every_arm_keeps_exploring() -> None:
    p = plan("acme", ANGLES, SEGMENTS, _evidence(), exploration=0.2, hooks_per_concept=5)
    by = {(a.angle, a.segment): a for a in p.arms}
    best = by[("contrarian", "runners")]
    assert best.share == max(a.share for a in p.arms) and best.share > 0.6
    assert all(a.share >= 0.2 / 6 - 1e-9 for a in p.arms)
    assert sum(a.hooks for a in p.arms) == 30 and all(1 <= a.hooks <= 8 for a in p.arms)
    assert best.hooks == 8
    # untested curiosity arms borrow the baseline, never a made-up figure
    assert by[("curiosity", "office")].source == "baseline" and by[("curiosity", "office")].evidence == 0
    assert p.templates == ["contrarian-03"]
    tuned = p.tune(ANGLES[1], SEGMENTS[0], Constraints())
    assert tuned.hooks_per_concept == 8 and tuned.preferred_hook_templates == ["contrarian-03"]
    summary = p.summary()
    assert summary["angles"][0]["angle"] == "contrarian"
    assert "chance its arms hold the best ctr" in summary["angles"][0]["reason"]
    assert "no ads of this angle measured yet" in {a["angle"]: a for a in summary["angles"]}["curiosity"]["reason"]


def test_the_same_evidence_gives_the_same_plan_and_another_brand_is_not_read() -> None:
    one = plan("acme", ANGLES, SEGMENTS, _evidence(), exploration=0.2, hooks_per_concept=5).summary()
    two = plan("acme", ANGLES, SEGMENTS, _evidence(), exploration=0.2, hooks_per_concept=5).summary()
    assert one == two
    other = plan("globex", ANGLES, SEGMENTS, _evidence("acme"), exploration=0.2, hooks_per_concept=5)
    assert not other.informed


def test_hook_counts_respect_bounds_and_total() -> None:
    import numpy as np
    assert _hooks(np.array([0.9, 0.05, 0.05]), 15, 1, 8) == [8, 4, 3]
    assert sum(_hooks(np.array([0.5, 0.3, 0.2, 0.0]), 20, 1, 8)) == 20
    assert _hooks(np.array([1.0, 0.0]), 30, 1, 8) == [8, 8]         # more than the bounds allow: capped


def test_the_formula_writer_puts_winning_templates_first() -> None:
    from adloom.writers.formula.hooks import template_order
    plain, _ = template_order("contrarian", "seed", 1, 5)
    wanted = [plain[-1].id, plain[-2].id]
    led, _ = template_order("contrarian", "seed", 1, 5, preferred=wanted)
    assert [t.id for t in led[:2]] == wanted
    assert [t.id for t in led[2:]] == [t.id for t in plain if t.id not in wanted]
