"""The CI gate: the held-out split, checked exactly as `adloom policy eval` checks it, against the recorded
baseline (evals/governance/baseline.json). A change that loses recall or precision there fails here.

Re-record only on purpose, after looking at what changed and why (evals/governance/README.md):
    adloom policy eval evals/governance/heldout.csv --record-baseline evals/governance/baseline.json
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from adloom.cli import policy
from adloom.governance.baseline import load_baseline, regressions

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "evals" / "governance" / "heldout.csv"
BASELINE = ROOT / "evals" / "governance" / "baseline.json"

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(policy.app, name="policy")


def test_heldout_split_is_not_worse_than_its_baseline() -> None:
    result = CliRunner().invoke(app, ["policy", "eval", str(HELDOUT), "--baseline", str(BASELINE),
                                      "--format", "json"])
    data = json.loads(result.stdout)
    assert data["semantic"] is not None, "the semantic layer did not load: the baseline was recorded with it"
    assert data["regressions"] == [], result.stderr
    assert result.exit_code == 0
    assert data["rows"] == load_baseline(BASELINE)["rows"]


def test_the_gate_names_each_figure_that_got_worse() -> None:
    recorded = load_baseline(BASELINE)
    figures = {"summary": dict(recorded["summary"]),
               "categories": [{"category": c, **v} for c, v in recorded["categories"].items()]}
    assert regressions(figures, recorded) == []
    worse = copy.deepcopy(figures)
    worse["summary"]["recall"] -= 1 / 307               # one violating text more let through
    worse["summary"]["clean_blocked_rate"] += 1 / 418   # one clean text more blocked
    worse["categories"][0]["precision"] = 0.5
    lines = regressions(worse, recorded)
    assert [line.split(":")[0] for line in lines] == [
        "recall", "clean_blocked_rate", f"{worse['categories'][0]['category']} precision"]
