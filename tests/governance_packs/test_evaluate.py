"""Precision, recall and false-negative rate per category, routes and target figures against a labelled file."""

from __future__ import annotations

from pathlib import Path

import pytest

from adloom.errors import InputError
from adloom.governance.evaluate import evaluate_file, label_of, without_length_limits
from adloom.governance.packs import load_packs
from adloom.governance.textcheck import check_text


def _checker():  # type: ignore[no-untyped-def]
    packs = load_packs()
    return lambda row: without_length_limits(check_text(row.text, platform=row.platform, vertical=row.vertical,
                                                        packs=packs))


def test_scores_per_category_and_routes(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("text,categories\n"
                    "This cures cancer,health.cure\n"               # tp health.cure, must block, blocked
                    "Best pillow,superlative\n"                      # tp superlative
                    "Heals you from within,health.cure\n"            # fn health.cure: must block, approved
                    "The best pillow for sleepers,\n"                # fp superlative: clean flagged
                    "Lose 10 lbs in a week,weightloss.impossible;health.cure\n"   # tp + fn
                    "A calm pillow,none\n")
    result = evaluate_file(path, _checker())
    assert result.rows == 6
    cure, superlative = result.scores["health.cure"], result.scores["superlative"]
    assert (cure.tp, cure.fp, cure.fn) == (1, 0, 2)
    assert cure.recall == pytest.approx(1 / 3) and cure.false_negative_rate == pytest.approx(2 / 3)
    assert (superlative.tp, superlative.fp, superlative.fn) == (1, 1, 0)
    assert superlative.precision == 0.5
    s = result.summary
    assert (s.violating, s.flagged_violating, s.must_block, s.must_block_blocked) == (4, 3, 3, 2)
    assert (s.clean, s.clean_flagged, s.clean_blocked) == (2, 1, 0)
    assert result.confusion[("reject", "approve")] == 1


def test_label_of_rule_ids() -> None:
    assert label_of("health.cure.detox") == "health.cure"
    assert label_of("semantic.clickbait") == "clickbait"
    assert label_of("google.miracle_product", "health") == "health.cure"
    assert label_of("limits.over_hard") is None


def test_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("copy\nhello\n")
    with pytest.raises(InputError, match="categories, text"):
        evaluate_file(path, _checker())


def test_unknown_route(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("text,categories,route\nhello,,maybe\n")
    with pytest.raises(InputError, match="unknown route 'maybe'") as info:
        evaluate_file(path, _checker())
    assert info.value.line == 2
