"""Precision, recall and false-negative rate per category against a labelled file."""

from __future__ import annotations

from pathlib import Path

import pytest

from adloom.errors import InputError
from adloom.governance.evaluate import evaluate_file
from adloom.governance.packs import load_packs


def test_scores_per_category(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("text,categories\n"
                    "This cures cancer,health\n"               # tp health
                    "Best pillow,superlative\n"                # tp superlative
                    "Heals you from within,health\n"           # fn health
                    "Our best friend,\n"                       # fp superlative
                    "Lose 10 lbs in a week,weight_loss;health\n"   # tp weight_loss, fn health
                    "A calm pillow,none\n")
    result = evaluate_file(path, load_packs())
    assert result.rows == 6
    health, superlative = result.scores["health"], result.scores["superlative"]
    assert (health.tp, health.fp, health.fn) == (1, 0, 2)
    assert health.recall == pytest.approx(1 / 3) and health.false_negative_rate == pytest.approx(2 / 3)
    assert (superlative.tp, superlative.fp, superlative.fn) == (1, 1, 0)
    assert superlative.precision == 0.5
    assert result.scores["weight_loss"].tp == 1


def test_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("copy\nhello\n")
    with pytest.raises(InputError, match="categories, text"):
        evaluate_file(path, load_packs())
