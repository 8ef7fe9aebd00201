"""Boilerplate: hooks that would fit any brand, and hooks several concepts share."""

from __future__ import annotations

from adloom.governance import boilerplate
from adloom.types import Angle, BrandObject, Campaign, Concept, ConceptDraft, Hook, Product, Segment, UGCBrief

BRAND = BrandObject(name="Restwave", slug="restwave", products=[Product(name="Restwave Pulse")],
                    segments=[Segment(id="runners", label="Runners", pain_points=["waking up sore"],
                                      desires=["training again tomorrow"])])
BRIEF = UGCBrief(persona="p", setting="s", shot_list=[], talking_points=[], hook_options=[], do=[], dont=[],
                 deliverables=[])


def concept(cid: str, *hooks: str) -> Concept:
    draft = ConceptDraft(framework="AIDA", scripts=[], brief=BRIEF,
                         hooks=[Hook(id=f"h{i}", text=t, first_visual="v", on_screen_caption="c", rationale="r")
                                for i, t in enumerate(hooks, 1)])
    return Concept(id=cid, brand_slug="restwave", brand_version="v", angle=Angle(id="a", name="A"),
                   segment_id="runners", writer_id="formula", draft=draft)


def test_a_hook_that_names_only_the_product_is_flagged_and_one_built_on_a_pain_is_not() -> None:
    findings = boilerplate.check(concept("c1", "Say hello to Restwave Pulse, everyone",
                                         "Tired of waking up sore? Watch this."), BRAND, Campaign())
    assert [f.excerpt for f in findings] == ["Say hello to Restwave Pulse, everyone"]
    assert findings[0].rule_id == "boilerplate.generic_hook" and findings[0].severity == "warn"


def test_a_brand_with_no_material_flags_nothing() -> None:
    bare = BrandObject(name="Acme", slug="acme")
    assert boilerplate.check(concept("c1", "Say hello to Acme, everyone"), bare, Campaign()) == []


def test_a_hook_shared_by_two_concepts_is_flagged_in_both() -> None:
    shared = boilerplate.shared_hooks([concept("c1", "Your routine, rethought", "Tired of waking up sore?"),
                                       concept("c2", "your routine, rethought!", "Training again tomorrow?")])
    assert set(shared) == {"c1", "c2"}
    assert all(f.rule_id == "boilerplate.shared_hook" for fs in shared.values() for f in fs)
