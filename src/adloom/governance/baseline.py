"""The held-out baseline: figures recorded from one evaluation, and the gate that fails when a change makes
them worse (``adloom policy eval FILE --baseline evals/governance/baseline.json``; CI runs it on the held-out
split through ``tests/governance/test_heldout_baseline.py``).

Gated: the route figures the issue's targets are stated in (recall and precision of flags must not drop; the
must-block miss rate and the clean flagged / blocked rates must not rise), and each category's precision and
recall. ``tolerance`` (recorded in the file) is smaller than one text in any figure of the held-out split, so
one text more missed or wrongly flagged fails the gate; it only absorbs rounding.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from adloom.errors import InputError

__all__ = ["HIGHER", "LOWER", "baseline_record", "load_baseline", "regressions"]

HIGHER = ("recall", "flag_precision")
LOWER = ("must_block_missed_rate", "clean_flagged_rate", "clean_blocked_rate")
DEFAULT_TOLERANCE = 0.001


def baseline_record(evaluation: dict[str, Any], *, source: str, semantic: str | None, packs: str,
                    tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """What a baseline file holds, from ``Evaluation.as_dict()``."""
    summary = evaluation["summary"]
    return {"file": source, "recorded": date.today().isoformat(), "packs": packs, "semantic": semantic,
            "rows": evaluation["rows"], "tolerance": tolerance,
            "summary": {k: summary[k] for k in (*HIGHER, *LOWER)},
            "categories": {c["category"]: {"precision": c["precision"], "recall": c["recall"]}
                           for c in evaluation["categories"]}}


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read baseline: {exc.strerror}", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"baseline is not JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("summary"), dict) \
            or not isinstance(data.get("categories"), dict):
        raise InputError("baseline needs 'summary' and 'categories' (write it with --record-baseline)",
                         file=str(path))
    return data


def _worse(now: Any, then: Any, *, higher: bool, tolerance: float) -> bool:
    if not isinstance(then, int | float):
        return False            # nothing recorded (no texts of that kind): nothing to hold
    if not isinstance(now, int | float):
        return True
    return now < then - tolerance if higher else now > then + tolerance


def regressions(evaluation: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """One line per figure that is worse than the baseline allows; empty when the gate passes."""
    tolerance = float(baseline.get("tolerance", DEFAULT_TOLERANCE))
    out: list[str] = []
    summary = evaluation["summary"]
    for name in (*HIGHER, *LOWER):
        then, now = baseline["summary"].get(name), summary.get(name)
        if _worse(now, then, higher=name in HIGHER, tolerance=tolerance):
            out.append(f"{name}: {_fmt(now)}, baseline {_fmt(then)}")
    categories = {c["category"]: c for c in evaluation["categories"]}
    for category, recorded in sorted(baseline["categories"].items()):
        current = categories.get(category, {})
        for name in ("precision", "recall"):
            if _worse(current.get(name), recorded.get(name), higher=True, tolerance=tolerance):
                out.append(f"{category} {name}: {_fmt(current.get(name))}, baseline {_fmt(recorded.get(name))}")
    return out


def _fmt(value: Any) -> str:
    return f"{100 * value:.1f}%" if isinstance(value, int | float) else "none"
