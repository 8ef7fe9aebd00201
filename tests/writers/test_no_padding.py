"""The formula writer builds from what was mined: no framework labels, objections answered, no structure
reused by the next segment of the same angle."""

from __future__ import annotations

import re

import pytest

from adloom.types import MetaCopy, TikTokCopy
from adloom.writers.formula.structures import structure_of, used_structures
from adloom.writers.formula.templates import ANGLE_IDS
from adloom.writers.formula.writer import write_concept
from tests.writers.conftest import SEGMENTS, TaskFactory

LABEL = re.compile(r"(?:^|[.!?]\s+)(?:Before|After|The bridge|Problem|Agitate|Solution|Attention|Interest|Desire"
                   r"|Action|Features?|Advantages?|Benefits?)\s*:", re.IGNORECASE)


@pytest.mark.parametrize("angle_id", ANGLE_IDS)
def test_no_framework_label_in_any_copy(make_task: TaskFactory, angle_id: str) -> None:
    for segment in SEGMENTS:
        try:
            draft = write_concept(make_task(angle_id, segment.id))
        except Exception:       # an angle the segment has no material for is not written (tested elsewhere)
            continue
        for copy in draft.copy_variants:
            texts = [copy.primary_text, copy.headline] if isinstance(copy, MetaCopy) else \
                [copy.ad_text] if isinstance(copy, TikTokCopy) else [*copy.headlines, *copy.descriptions]
            for text in texts:
                assert not LABEL.search(text), text


def test_every_objection_hook_is_followed_by_the_brands_answer(make_task: TaskFactory) -> None:
    draft = write_concept(make_task("objection", "weekend-warriors"))
    answers = ("Pulse comes with a guided routine", "Quieter than a normal conversation at 45 dB",
               "Every routine is short")
    metas = {c.hook_id: c for c in draft.copy_variants if isinstance(c, MetaCopy)}
    assert draft.hooks
    for hook in draft.hooks:
        after = metas[hook.id].primary_text[len(hook.text):]
        assert any(a in after for a in answers), (hook.text, after)


def test_the_next_segment_of_an_angle_leads_with_structures_not_yet_heard(make_task: TaskFactory) -> None:
    first = write_concept(make_task("pain-first", "weekend-warriors"))
    heard = [h.text for h in first.hooks]
    second = write_concept(make_task("pain-first", "desk-workers", avoid_hooks=heard))
    assert second.hooks[0].template_id not in used_structures(heard)
    own = {h.template_id for h in second.hooks if h.template_id.startswith("pain-first")}
    assert not used_structures(heard) & own, "the angle's own templates are not repeated while unheard ones fit"
    assert all(structure_of(h.text) == h.template_id for h in first.hooks)


def test_a_phrase_is_never_spoken_twice_in_one_concept(make_task: TaskFactory) -> None:
    for segment in SEGMENTS:
        draft = write_concept(make_task("pain-first", segment.id))
        phrases = [*segment.pain_points, *segment.language_patterns]
        for phrase in phrases:
            assert sum(phrase.lower().rstrip(" 🦵") in h.text.lower() for h in draft.hooks) <= 1, phrase
