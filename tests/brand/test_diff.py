from adloom.brand.assemble import brand_object
from adloom.brand.diff import diff_brands, format_diff
from tests.brand.factories import DESK, FORM, RUNNERS, page


def _brand():  # type: ignore[no-untyped-def]
    return brand_object([FORM, RUNNERS, DESK, page("82% of members sleep better after two weeks.")],
                        slug="restwave")


def test_identical_and_reordered_brands_have_no_changes() -> None:
    brand = _brand()
    swapped = brand.model_copy(update={"segments": brand.segments[::-1]})
    assert diff_brands(brand, brand) == [] and diff_brands(brand, swapped) == []
    assert format_diff([]) == "no changes"


def test_field_level_changes_read_by_identity() -> None:
    old = _brand()
    candidate = old.claims[1]
    runners = old.segment("weekend-warriors")
    new = old.model_copy(update={
        "tagline": "Recover smarter.",
        "avoid": ["cure", "heal"],
        "claims": [old.claims[0], candidate.model_copy(update={"approved": True})],
        "segments": [runners.model_copy(update={"pain_points": [*runners.pain_points, "tight calves"]})],
    })
    lines = format_diff(diff_brands(old, new)).splitlines()
    assert lines == [
        '~ tagline: "Recover like you mean it." -> "Recover smarter."',
        '+ segments[weekend-warriors].pain_points: "tight calves"',
        '- segments[desk-bound]: "Desk-bound professionals"',
        '- avoid: "miracle"',
        '+ avoid: "heal"',
        f"~ claims[{candidate.id}].approved: false -> true",
    ]
