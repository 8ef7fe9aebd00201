"""Printing an evaluation: target figures, per-category scores, the route confusion matrix; progress while it runs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from rich.markup import escape
from rich.progress import track
from rich.table import Table

from adloom.cli.common import console, err_console
from adloom.governance.evaluate import ROUTES, Evaluation
from adloom.governance.semantic import SemanticLayer, SemanticScore

__all__ = ["pct", "print_evaluation", "progress_iter", "semantic_scores"]

T = TypeVar("T")
# the targets, shown beside each figure (ratio, better when "high" or "low")
TARGETS = {"recall": (0.85, "high"), "must_block_missed_rate": (0.05, "low"), "flag_precision": (0.80, "high"),
           "clean_flagged_rate": (0.15, "low"), "clean_blocked_rate": (0.02, "low")}
COUNTS = {"recall": ("flagged_violating", "violating"), "flag_precision": ("flagged_violating", "flagged"),
          "clean_flagged_rate": ("clean_flagged", "clean"), "clean_blocked_rate": ("clean_blocked", "clean")}


def pct(value: object) -> str:
    return "-" if not isinstance(value, float) else f"{100 * value:.1f}%"


def progress_iter(items: Sequence[T], label: str) -> Iterator[T]:
    """A Rich bar on a terminal; every 500 items a plain line when stderr is piped (silent for short inputs)."""
    if err_console.is_terminal:
        yield from track(items, description=label, console=err_console, transient=True)
        return
    for n, item in enumerate(items, start=1):
        if len(items) >= 500 and (n % 500 == 0 or n == len(items)):
            err_console.print(f"{label}: {n}/{len(items)}", highlight=False)
        yield item


def semantic_scores(layer: SemanticLayer, texts: Sequence[str], chunk: int = 512) -> dict[str, list[SemanticScore]]:
    """The layer's scores for every distinct text, in batches (one model call per batch, not per text)."""
    distinct = list(dict.fromkeys(texts))
    out: dict[str, list[SemanticScore]] = {}
    batches = [distinct[i:i + chunk] for i in range(0, len(distinct), chunk)]
    for batch in progress_iter(batches, "semantic layer"):
        out.update(zip(batch, layer.score_many(batch), strict=True))
    return out


def print_evaluation(result: Evaluation, *, title: str) -> None:
    summary = result.summary.as_dict()
    figures = Table("figure", "value", "counts", "target", title=title)
    for name, (target, better) in TARGETS.items():
        value = summary[name]
        if name == "must_block_missed_rate":
            counts = f"{result.summary.must_block - result.summary.must_block_blocked} of {result.summary.must_block}"
        else:
            num, den = COUNTS[name]
            counts = f"{summary[num]} of {summary[den]}"
        met = isinstance(value, float) and (value >= target if better == "high" else value <= target)
        figures.add_row(name.replace("_", " "), pct(value), counts,
                        f"{'≥' if better == 'high' else '≤'} {100 * target:.0f}% " + ("[green]met[/]" if met else
                                                                                     "[red]not met[/]"))
    console.print(figures)
    table = Table("category", "tp", "fp", "fn", "precision", "recall", "FNR", title="per category")
    for s in result.scores.values():
        table.add_row(escape(s.category), str(s.tp), str(s.fp), str(s.fn), pct(s.precision), pct(s.recall),
                      pct(s.false_negative_rate))
    console.print(table)
    matrix = Table("expected \\ got", *ROUTES, title="routes")
    for expected in ROUTES:
        matrix.add_row(expected, *(str(result.confusion.get((expected, got), 0)) for got in ROUTES))
    console.print(matrix)
