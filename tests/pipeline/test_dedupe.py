from adloom.governance.structure import HOOKS_PER_CONCEPT
from adloom.pipeline.dedupe import deduped, is_rewording, judged_again, suppress_near_duplicates, verdict_events
from adloom.types import Angle, Concept, ConceptDraft, Hook, MetaCopy, Script, Shot, UGCBrief, Verdict


def _concept(cid: str, texts: list[str]) -> Concept:
    hooks = [Hook(id=f"h{i}", text=t, first_visual="v", on_screen_caption="c", rationale="r")
             for i, t in enumerate(texts, 1)]
    brief = UGCBrief(persona="p", setting="s", shot_list=[Shot(description="d", seconds=3)], talking_points=[],
                     hook_options=[], do=[], dont=[], deliverables=[])
    draft = ConceptDraft(framework="PAS", hooks=hooks, brief=brief,
                         scripts=[Script(duration=15, hook_id="h1", beats=[])],
                         copy_variants=[MetaCopy(hook_id=h.id, primary_text=h.text, headline="x", description="y",
                                                 cta="LEARN_MORE") for h in hooks])
    return Concept(id=cid, brand_slug="b", brand_version="v", angle=Angle(id="curiosity", name="Curiosity"),
                   segment_id="s", writer_id="fake", draft=draft)


def test_rewording_measure() -> None:
    assert is_rewording("Still waking up sore?", "still waking up sore")
    assert is_rewording("Tired of waking up sore? Watch this.", "Waking up sore and tired? Watch this.")
    assert not is_rewording("Still waking up sore?", "Your desk is not the problem")
    # the same pain under a different frame is a different concept
    assert not is_rewording("Doing nothing about the stiff neck?", "The truth about the stiff neck")
    assert not is_rewording("Let's talk about skipping stretches all week, honestly",
                            "Skipping stretches all week, again? Let's change that.")


def test_later_duplicates_and_their_copy_are_dropped_first_wins() -> None:
    a = _concept("a" * 32, ["Still waking up sore?", "Recovery in ten minutes", "Your legs deserve better",
                            "Meet the quiet one"])
    b = _concept("b" * 32, ["Tired of the morning stiffness?", "Still waking up sore?", "Recovery in ten minutes",
                            "A new Sunday ritual", "Stop guessing your recovery"])
    out, dropped = suppress_near_duplicates([a, b], keep_min=3)
    assert dropped == 2
    assert out[0] == a
    kept = [h.text for h in out[1].draft.hooks]  # type: ignore[union-attr]
    assert kept == ["Tired of the morning stiffness?", "A new Sunday ritual", "Stop guessing your recovery"]
    assert {c.hook_id for c in out[1].draft.copy_variants} == {"h1", "h4", "h5"}  # type: ignore[union-attr]


def test_script_hooks_are_protected_and_minimum_kept() -> None:
    a = _concept("a" * 32, ["one two three", "four five six", "seven eight nine"])
    b = _concept("b" * 32, ["one two three", "four five six", "seven eight nine"])
    out, dropped = suppress_near_duplicates([a, b], keep_min=3)
    assert dropped == 0      # h1 protected by the script, and 3 is the floor
    assert len(out[1].draft.hooks) == 3  # type: ignore[union-attr]


def test_by_default_a_concept_keeps_the_hook_count_governance_asks_for() -> None:
    texts = ["Still waking up sore?", "Recovery in ten minutes", "Your legs deserve better", "Meet the quiet one",
             "A new Sunday ritual", "Stop guessing your recovery", "Tired of the morning stiffness?"]
    a = _concept("a" * 32, texts)
    five = _concept("b" * 32, ["Fresh opener one", *texts[1:5]])            # 4 duplicates, 5 hooks
    seven = _concept("c" * 32, ["Fresh opener two", "Another fresh one", *texts[1:6]])   # 5 duplicates, 7 hooks
    out, dropped = suppress_near_duplicates([a, five, seven])
    assert out[1] is five                                                   # at the minimum: untouched
    assert len(out[2].draft.hooks) == HOOKS_PER_CONCEPT == 5 and dropped == 2  # type: ignore[union-attr]


async def test_what_dedupe_changed_is_judged_again_and_follows_the_verdict() -> None:
    a = _concept("a" * 32, ["Still waking up sore?", "Recovery in ten minutes"])
    b = _concept("b" * 32, ["Brand new opener", "Recovery in ten minutes", "Third one here"])
    out, _ = suppress_near_duplicates([a, b], keep_min=2)
    judged: list[str] = []

    async def check(concept: Concept) -> Verdict:
        judged.append(concept.id)
        assert [h.id for h in concept.draft.hooks] == ["h1", "h3"]  # type: ignore[union-attr]  # as it ships
        return Verdict(concept_id=concept.id, attempt=concept.attempt, route="review")

    final, verdicts = await judged_again(out, {a.id: a, b.id: b}, check)
    assert judged == [b.id] and final[0] is a                 # the unchanged one is not judged again
    assert final[1].status == "review" and verdicts[b.id].route == "review"
    [event] = verdict_events(verdicts.values())
    assert (event.kind, event.subject, event.payload["after"]) == ("verdict.recorded", b.id, "dedupe")  # type: ignore[index]


async def test_a_hook_concepts_still_share_after_suppression_is_a_finding_on_each() -> None:
    """Both concepts' script hook is the same line, so suppression must keep it; the run says so on both."""
    a = _concept("a" * 32, ["Say hello to Restwave, everyone", "Still waking up sore?", "Meet the quiet one"])
    b = _concept("b" * 32, ["Say hello to Restwave, everyone", "Tired of stiff mornings?", "A new Sunday ritual"])
    c = _concept("c" * 32, ["Nothing shared here", "Another own hook", "A third own hook"])

    async def check(concept: Concept) -> Verdict:
        return Verdict(concept_id=concept.id, attempt=concept.attempt, route="approve")

    kept = await deduped([a, b, c], check)
    assert kept.suppressed == 0 and set(kept.rejudged) == {a.id, b.id}     # c shares nothing: not judged again
    for cid in (a.id, b.id):
        [finding] = kept.rejudged[cid].findings
        assert (finding.rule_id, finding.field, finding.severity) == ("boilerplate.shared_hook", "hooks[h1].text",
                                                                      "warn")
        assert kept.rejudged[cid].route == "approve"       # weak, not unsafe: the route stands
