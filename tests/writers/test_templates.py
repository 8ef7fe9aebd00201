"""The hook template library as data: size, coverage per angle, and templates that cannot break the rules."""

from __future__ import annotations

from collections import Counter

from adloom.textutil import word_count
from adloom.writers.formula.guard import Guard
from adloom.writers.formula.hooks import slots_of
from adloom.writers.formula.templates import (
    ANGLE_IDS,
    GENERIC,
    HOOK_TEMPLATES,
    templates_for,
)

KNOWN_SLOTS = {"pain", "problem", "desire", "objection", "question", "quote", "segment", "product", "benefit",
               "offer"}
SEGMENT_SLOTS = {"pain", "problem", "desire", "objection", "question", "quote", "segment"}
NO_CLAIMS = Guard(forbidden=None, claim_statements=())


def test_library_size_and_coverage() -> None:
    assert len(HOOK_TEMPLATES) >= 60
    per_angle = Counter(t.angle for t in HOOK_TEMPLATES)
    assert set(per_angle) == {*ANGLE_IDS, GENERIC}
    assert all(per_angle[a] >= 6 for a in ANGLE_IDS), per_angle
    assert len({t.id for t in HOOK_TEMPLATES}) == len(HOOK_TEMPLATES)


def test_templates_use_known_slots_and_leave_room_for_segment_words() -> None:
    for t in HOOK_TEMPLATES:
        slots = set(slots_of(t.text))
        assert slots and slots <= KNOWN_SLOTS, t.id
        if t.angle != GENERIC:
            assert slots & SEGMENT_SLOTS, f"{t.id} would read the same for every segment"
        fixed = word_count(t.text.format(**{s: "" for s in slots}))
        assert 2 <= fixed <= 5, t.id
        assert 2 <= word_count(t.caption) <= 5, t.id
        assert t.visual and t.trigger


def test_templates_make_no_claims_of_their_own() -> None:
    for t in HOOK_TEMPLATES:
        for text in (t.text, t.caption, t.visual):
            filled = text.format(**{s: "x" for s in slots_of(text)})
            assert NO_CLAIMS.ok(filled), (t.id, text)


def test_offer_templates_are_urgency_only_and_unknown_angles_get_generic() -> None:
    assert {t.angle for t in HOOK_TEMPLATES if "offer" in slots_of(t.text)} == {"urgency"}
    assert {t.angle for t in templates_for("no-such-angle")} == {GENERIC}


def test_template_ids_come_from_their_text_not_their_place_in_a_list() -> None:
    from adloom.writers.formula.composed import LEADS, REGISTER_CODES, TAILS, digest

    expected = {(angle, register, f"{lead} {tail}"): f"{angle}-c{digest(lead, 6)}{REGISTER_CODES[register]}"
                f"{digest(tail, 4)}" for angle, leads in LEADS.items() for lead, *_ in leads
                for register, tails in TAILS.items() for tail in tails}
    for t in HOOK_TEMPLATES:
        if t.register:
            assert t.id == expected[(t.angle, t.register, t.text)] and t.id.startswith(t.family), t.id
        else:
            assert t.id == t.family == f"{t.angle}-{digest(t.text, 6)}", t.id


def test_two_brands_draw_different_shares_of_the_library_and_each_always_the_same() -> None:
    from adloom.writers.formula.hooks import template_order

    def share(brand: str) -> set[str]:
        own, _ = template_order("pain-first", "seed", 1, 5, registers=("plain-spoken", "warm"), brand=brand)
        return {t.id for t in own}

    first, second = share("acme|acme one|warm"), share("bolt|bolt app|warm")
    assert first == share("acme|acme one|warm")
    assert len(first & second) <= len(first) / 2, "unrelated brands share most of their hook structures"
