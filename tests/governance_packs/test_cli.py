"""``adloom check`` and ``adloom policy`` as a user meets them (mounted on a local app until the lead wires main)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from adloom.cli import check, policy

app = typer.Typer(pretty_exceptions_enable=False)
app.command("check")(check.check)
app.add_typer(policy.app, name="policy")
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_check_text_json() -> None:
    code, out = invoke("check", "Lose 10 lbs in a week! Doctors hate it", "--platform", "meta", "--country", "DE",
                       "--age-min", "16", "--vertical", "weight_loss", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    [result] = data["results"]
    assert result["route"] == "reject" and result["field"] == "meta.primary_text"
    # a 16+ audience for weight loss fails the contextual age gate as well as the wording rules
    assert [(f["rule_id"], f["span"]) for f in result["findings"] if f["pack"] != "semantic"] == [
        ("policy.age_gate", None), ("weightloss.impossible", [0, 21]), ("clickbait", [23, 35])]
    # the semantic layer adds its own reading, and only ever at review
    semantic = [f for f in result["findings"] if f["pack"] == "semantic"]
    assert "semantic.weightloss.impossible" in {f["rule_id"] for f in semantic}
    assert {f["severity"] for f in semantic} == {"review"} and data["semantic"].startswith("semantic@")


def test_check_text_highlights_without_reading_markup() -> None:
    code, out = invoke("check", "[bold]best[/bold] deal", "--fail-on", "review")
    assert code == 1
    assert "[bold]best[/bold] deal" in out and "superlative" in out and "-> review" in out


def test_check_errors_are_one_line() -> None:
    code, out = invoke("check", "")
    assert code == 2 and out.strip() == "error: the text to check is empty"
    code, out = invoke("check")
    assert code == 2 and out.count("\n") == 1


def test_check_csv_column_and_meta_bulk(tmp_path: Path) -> None:
    plain = tmp_path / "ads.csv"
    plain.write_text("id,ad_text\n1,A calm pillow\n2,The best pillow\n3,\n")
    code, out = invoke("check", "--file", str(plain), "--format", "json")
    assert code == 0, out
    assert [(r["source"], r["route"]) for r in json.loads(out)["results"]] == [("row 2", "approve"),
                                                                               ("row 3", "review")]
    bulk = tmp_path / "bulk.tsv"
    bulk.write_text("Ad Name\tTitle\tBody\tCountries\tAge Min\nad1\tMade in USA\tDoctors hate this\tUS\t18\n",
                    encoding="utf-16")
    code, out = invoke("check", "--file", str(bulk), "--format", "json")
    results = json.loads(out)["results"]
    assert [(r["source"], r["field"], r["route"]) for r in results] == [
        ("row 2 Body", "meta.primary_text", "review"), ("row 2 Title", "meta.headline", "review")]


def test_check_file_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"text\ncaf\xe9\n")
    code, out = invoke("check", "--file", str(bad))
    assert code == 2 and "not UTF-8 (byte 8)" in out
    many = tmp_path / "many.csv"
    many.write_text("a,b\nx,y\n")
    code, out = invoke("check", "--file", str(many))
    assert code == 2 and "pass --column (columns: a, b)" in out


def test_policy_test_defaults_and_broken_pack(tmp_path: Path) -> None:
    code, out = invoke("policy", "test", "--min-coverage", "100")
    assert code == 0, out
    assert "coverage: 100.0%" in out
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "general.yaml").write_text("id: general\nversion: 2\nrules:\n  - id: x\n    bad: 1\n")
    code, out = invoke("policy", "test", str(tmp_path))
    assert code != 0 and "general.yaml:4: rules.0.description: Field required" in out and out.count("\n") == 1


def test_policy_eval(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("text,categories\nThis cures cancer,health.cure\nA calm pillow,\n")
    code, out = invoke("policy", "eval", str(path), "--format", "json", "--no-semantic")
    assert code == 0, out
    data = json.loads(out)
    assert data["categories"] == [{"category": "health.cure", "tp": 1, "fp": 0, "fn": 0, "precision": 1.0,
                                   "recall": 1.0, "false_negative_rate": 0.0}]
    assert data["routes"] == {"approve->approve": 1, "reject->reject": 1}
    assert data["summary"]["must_block"] == 1 and data["summary"]["clean_flagged"] == 0


def test_policy_eval_unknown_category_names_line_and_valid_ids(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("text,categories\nA calm pillow,\nThis cures cancer,health;miracle\n")
    code, out = invoke("policy", "eval", str(path), "--no-semantic")
    assert code == 2
    assert f"{path}:3: unknown category 'health'" in out and "valid ids: health.cure, health.clinical" in out
    assert "Traceback" not in out
