"""Measure governance against a labelled file: per-category precision, recall and false-negative rate, and routes.

The file is CSV with a ``text`` column and a ``categories`` column: ``;``-separated ids of the policy
categories the text truly violates (``LABELS``, the ids of shared/reference/policies.md), empty or ``none``
for clean copy. Optional columns: ``platform``, ``country``, ``vertical`` (the context the text is checked in)
and ``route`` (the route it should get; derived from the labels when absent). Each text goes through
``check_text`` exactly as ``adloom check`` runs it, so the figures are the product's, not the packs' alone.

A finding counts for a label when its rule id is the label or starts with it (``health.cure.condition`` counts
for ``health.cure``; ``semantic.clickbait`` for ``clickbait``), else by its rule category. Warnings count for
nothing: they do not change a route.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from adloom.errors import InputError
from adloom.governance.gate import route
from adloom.governance.textcheck import TextCheck
from adloom.mathutil import ratio
from adloom.types import Finding, Route

__all__ = ["ALWAYS_BLOCK", "LABELS", "ROUTES", "CategoryScore", "Evaluation", "LabelledRow", "RouteSummary",
           "evaluate_file", "evaluate_rows", "expected_route", "label_of", "read_labelled", "without_length_limits"]

MAX_ROWS = 1_000_000
# The policy categories of shared/reference/policies.md, by their suggested ids
LABELS: tuple[str, ...] = (
    "health.cure", "health.clinical", "weightloss.impossible", "weightloss.before_after", "personal_attributes",
    "body_image", "superlative", "guarantee", "made_in_usa", "clickbait", "urgency_scarcity", "named_competitor",
    "political", "financial_promise", "brand.avoid")
ALWAYS_BLOCK = frozenset({"health.cure", "weightloss.impossible", "financial_promise", "brand.avoid"})
# "block on Google" / "block on TikTok" / "block for weight-loss and cosmetic verticals" (policies.md)
_BLOCK_ON_PLATFORM = {"clickbait": {"google"}, "political": {"tiktok"}, "named_competitor": {"tiktok"}}
_BLOCK_IN_VERTICAL = {"weightloss.before_after": {"weight_loss", "cosmetic", "cosmetic_procedures"}}
# rule categories of the packs that name a label less precisely than their rule ids
_CATEGORY_LABEL = {"health": "health.cure", "weight_loss": "weightloss.impossible"}
ROUTES: tuple[Route, ...] = ("approve", "review", "reject")


def label_of(rule_id: str, category: str = "") -> str | None:
    rule_id = rule_id.removeprefix("semantic.").removeprefix("verify.")
    for label in sorted(LABELS, key=len, reverse=True):
        if rule_id == label or rule_id.startswith(label + "."):
            return label
    if category in LABELS:
        return category
    return _CATEGORY_LABEL.get(category)


def expected_route(labels: Iterable[str], platform: str | None, vertical: str | None) -> Route:
    labels = set(labels)
    if not labels:
        return "approve"
    if labels & ALWAYS_BLOCK or any(platform in _BLOCK_ON_PLATFORM.get(x, ()) for x in labels) or any(
            vertical in _BLOCK_IN_VERTICAL.get(x, ()) for x in labels):
        return "reject"
    return "review"


@dataclass(frozen=True)
class LabelledRow:
    line: int
    text: str
    labels: frozenset[str]
    route: Route
    platform: str | None = None
    country: str | None = None
    vertical: str | None = None


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
class RouteSummary:
    """The route-level figures the targets are stated in."""

    violating: int = 0           # texts with at least one label
    flagged_violating: int = 0   # of those, routed to review or reject
    must_block: int = 0
    must_block_blocked: int = 0
    flagged: int = 0
    clean: int = 0
    clean_flagged: int = 0
    clean_blocked: int = 0

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__,
                "recall": ratio(self.flagged_violating, self.violating),
                "must_block_missed_rate": ratio(self.must_block - self.must_block_blocked, self.must_block),
                "flag_precision": ratio(self.flagged_violating, self.flagged),
                "clean_flagged_rate": ratio(self.clean_flagged, self.clean),
                "clean_blocked_rate": ratio(self.clean_blocked, self.clean)}


@dataclass
class Evaluation:
    rows: int = 0
    scores: dict[str, CategoryScore] = field(default_factory=dict)
    confusion: dict[tuple[Route, Route], int] = field(default_factory=dict)   # (expected, predicted) -> n
    summary: RouteSummary = field(default_factory=RouteSummary)
    misses: list[tuple[LabelledRow, Route, set[str]]] = field(default_factory=list)

    def score(self, category: str) -> CategoryScore:
        return self.scores.setdefault(category, CategoryScore(category))

    def add(self, row: LabelledRow, findings: list[Finding], route: Route) -> None:
        predicted = {label for f in findings if f.severity != "warn"
                     and (label := label_of(f.rule_id)) is not None}
        for category in row.labels | predicted:
            score = self.score(category)
            if category in row.labels and category in predicted:
                score.tp += 1
            elif category in predicted:
                score.fp += 1
            else:
                score.fn += 1
        self.confusion[(row.route, route)] = self.confusion.get((row.route, route), 0) + 1
        s, flagged = self.summary, route != "approve"
        s.flagged += flagged
        if row.labels:
            s.violating += 1
            s.flagged_violating += flagged
        else:
            s.clean += 1
            s.clean_flagged += flagged
            s.clean_blocked += route == "reject"
        if row.route == "reject":
            s.must_block += 1
            s.must_block_blocked += route == "reject"
        if row.route != route or row.labels != predicted:
            self.misses.append((row, route, predicted))
        self.rows += 1

    def as_dict(self) -> dict[str, object]:
        return {"rows": self.rows, "summary": self.summary.as_dict(),
                "categories": [s.as_dict() for s in sorted(self.scores.values(), key=lambda s: s.category)],
                "routes": {f"{e}->{p}": n for (e, p), n in sorted(self.confusion.items())}}


# (row) -> (findings, route): ``check_text`` with the packs and layers in force, bound by the caller
Checker = Callable[[LabelledRow], tuple[list[Finding], Route]]


def without_length_limits(result: TextCheck) -> tuple[list[Finding], Route]:
    """Findings and route with field-length limits left out: a labelled text is not written for one field, so
    "too long for a Google description" says nothing about its policy category. A policy denial still rejects."""
    findings = [f for f in result.findings if not f.rule_id.startswith("limits.")]
    if any(f.field == "policy.deny" for f in findings):
        return findings, "reject"
    return findings, route(findings, attempt=1, max_attempts=1)


def evaluate_rows(rows: Iterable[LabelledRow], checker: Checker) -> Evaluation:
    result = Evaluation()
    for row in rows:
        findings, route = checker(row)
        result.add(row, findings, route)
    result.scores = dict(sorted(result.scores.items()))
    return result


def _labels(value: str | None, path: Path, line: int) -> frozenset[str]:
    labels = {c.strip() for c in (value or "").split(";") if c.strip() and c.strip().lower() != "none"}
    unknown = sorted(labels - set(LABELS))
    if unknown:
        raise InputError(f"unknown category '{unknown[0]}'; valid ids: {', '.join(LABELS)}", file=str(path),
                         line=line)
    return frozenset(labels)


def read_labelled(path: Path) -> list[LabelledRow]:
    """Rows of a labelled CSV; a bad category or route names its line and the valid values."""
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
    rows: list[LabelledRow] = []
    for raw in reader:
        line = reader.line_num
        if len(rows) >= MAX_ROWS:
            raise InputError(f"labelled file has more than {MAX_ROWS:,} rows", file=str(path))
        text_value = raw.get("text") or ""
        if not text_value.strip():
            raise InputError("empty text", file=str(path), line=line)
        labels = _labels(raw.get("categories"), path, line)
        platform, vertical = raw.get("platform") or None, raw.get("vertical") or None
        route = (raw.get("route") or "").strip() or expected_route(labels, platform, vertical)
        if route not in ROUTES:
            raise InputError(f"unknown route '{route}'; valid: {', '.join(ROUTES)}", file=str(path), line=line)
        rows.append(LabelledRow(line, text_value, labels, route, platform,
                                raw.get("country") or None, vertical))
    return rows


def evaluate_file(path: Path, checker: Checker) -> Evaluation:
    return evaluate_rows(read_labelled(path), checker)
