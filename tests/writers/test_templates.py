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
