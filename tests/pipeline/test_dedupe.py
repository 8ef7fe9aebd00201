from adloom.pipeline.dedupe import is_rewording, suppress_near_duplicates
from adloom.types import Angle, Concept, ConceptDraft, Hook, MetaCopy, Script, Shot, UGCBrief


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
    out, dropped = suppress_near_duplicates([a, b])
    assert dropped == 2
    assert out[0] == a
    kept = [h.text for h in out[1].draft.hooks]  # type: ignore[union-attr]
    assert kept == ["Tired of the morning stiffness?", "A new Sunday ritual", "Stop guessing your recovery"]
    assert {c.hook_id for c in out[1].draft.copy_variants} == {"h1", "h4", "h5"}  # type: ignore[union-attr]


def test_script_hooks_are_protected_and_minimum_kept() -> None:
    a = _concept("a" * 32, ["one two three", "four five six", "seven eight nine"])
    b = _concept("b" * 32, ["one two three", "four five six", "seven eight nine"])
    out, dropped = suppress_near_duplicates([a, b])
    assert dropped == 0      # h1 protected by the script, and 3 is the floor
    assert len(out[1].draft.hooks) == 3  # type: ignore[union-attr]
