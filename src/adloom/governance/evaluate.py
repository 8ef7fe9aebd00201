"""Measure the packs against a labelled file: precision, recall and false-negative rate per category.

The file is CSV with a ``text`` column and a ``categories`` column (``;``-separated rule categories the text
truly violates; empty for clean copy); optional ``platform``, ``country`` and ``vertical`` columns give the
context. A text counts as predicted for a category when any in-scope hit has that category.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from adloom.errors import InputError
from adloom.governance.packs import PackSet

__all__ = ["CategoryScore", "Evaluation", "evaluate_file", "evaluate_rows"]

MAX_ROWS = 1_000_000


@dataclass
class CategoryScore:
    category: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def false_negative_rate(self) -> float | None:
        return self.fn / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict[str, object]:
        return {"category": self.category, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall,
                "false_negative_rate": self.false_negative_rate}


@dataclass
class Evaluation:
    rows: int = 0
    scores: dict[str, CategoryScore] = field(default_factory=dict)

    def score(self, category: str) -> CategoryScore:
        return self.scores.setdefault(category, CategoryScore(category))


def _categories(value: str | None) -> set[str]:
    return {c.strip() for c in (value or "").split(";") if c.strip() and c.strip().lower() != "none"}


def evaluate_rows(rows: list[dict[str, str]], packs: PackSet) -> Evaluation:
    result = Evaluation()
    for row in rows:
        text = row.get("text") or ""
        truth = _categories(row.get("categories"))
        hits = packs.scan(text, platform=row.get("platform") or None, country=row.get("country") or None,
                          vertical=row.get("vertical") or None)
        predicted = {h.category for h in hits}
        for category in truth | predicted:
            score = result.score(category)
            if category in truth and category in predicted:
                score.tp += 1
            elif category in predicted:
                score.fp += 1
            else:
                score.fn += 1
        result.rows += 1
    result.scores = dict(sorted(result.scores.items()))
    return result


def evaluate_file(path: Path, packs: PackSet) -> Evaluation:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read labelled file: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"labelled file is not UTF-8 (byte {exc.start})", file=str(path)) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"text", "categories"} - set(reader.fieldnames or [])
    if missing:
        raise InputError(f"labelled file needs the column(s) {', '.join(sorted(missing))}", file=str(path),
                         line=1)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise InputError(f"labelled file has more than {MAX_ROWS:,} rows", file=str(path))
    return evaluate_rows(rows, packs)
