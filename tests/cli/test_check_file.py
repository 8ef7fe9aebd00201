"""``adloom check --file`` on the three platforms' own files, and an unknown ``--vertical``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from adloom.cli.main import app
from adloom.exports.google import GOOGLE_COLUMNS
from adloom.exports.tiktok import TIKTOK_COLUMNS

runner = CliRunner()


def check_json(path: Path, *extra: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["results"]  # type: ignore[no-any-return]


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=header, restval="")
        out.writeheader()
        out.writerows(rows)
    return path


def test_google_ads_editor_file_checks_every_headline_and_description_as_google(tmp_path: Path) -> None:
    too_long = "A headline far longer than thirty characters"
    path = write(tmp_path / "rsa.csv", list(GOOGLE_COLUMNS), [{
        "Campaign": "c", "Ad group": "g", "Ad type": "Responsive search ad", "Headline 1": "Calm shoulders",
        "Headline 2": too_long, "Headline 15": "Last one", "Description 1": "Ten minutes a day.",
        "Description 4": "Free returns.", "Labels": "adl_x"}])
    results = check_json(path)
    assert [(r["source"], r["field"]) for r in results] == [
        ("row 2 Headline 1", "google.headline"), ("row 2 Headline 2", "google.headline"),
        ("row 2 Headline 15", "google.headline"), ("row 2 Description 1", "google.description"),
        ("row 2 Description 4", "google.description")]
    long_row = results[1]
    assert any("limit" in f["rule_id"] or "length" in f["rule_id"] for f in long_row["findings"]), long_row  # type: ignore[union-attr]


def test_tiktok_file_and_a_plain_headline_column(tmp_path: Path) -> None:
    tiktok = write(tmp_path / "tiktok.csv", list(TIKTOK_COLUMNS), [
        {"Ad name": "a", "Ad text": "Loosen up after a long day"}, {"Ad name": "b", "Ad text": ""}])
    assert [(r["source"], r["field"]) for r in check_json(tiktok)] == [("row 2 Ad text", "tiktok.ad_text")]
    # the case a new user hit: a sheet with a lowercase "headline" column and an id
    plain = write(tmp_path / "sheet.csv", ["id", "headline"], [{"id": "1", "headline": "The best pillow ever"}])
    [result] = check_json(plain)
    assert result["source"] == "row 2" and result["route"] == "review"
    # named as Google copy, the same column is held to Google's headline limit
    [as_google] = check_json(plain, "--platform", "google", "--column", "headline")
    assert as_google["field"] == "google.headline"


def test_ads_manager_export_columns_are_meta_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "ads_manager.csv", ["Ad Set Name", "Ad name", "Primary text", "Headline", "Description"],
                 [{"Ad Set Name": "s", "Ad name": "a", "Primary text": "Ten minutes on the mat.",
                   "Headline": "Calm shoulders", "Description": "Ships free"}])
    assert [(r["source"], r["field"]) for r in check_json(path)] == [
        ("row 2 Primary text", "meta.primary_text"), ("row 2 Headline", "meta.headline"),
        ("row 2 Description", "meta.description")]


def test_no_text_column_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", ["id", "spend"], [{"id": "1", "spend": "3"}])
    result = runner.invoke(app, ["check", "--file", str(path)])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "pass --column (columns: id, spend)" in result.output


def test_unknown_vertical_is_an_error_listing_the_known_ones() -> None:
    result = runner.invoke(app, ["check", "Lose weight fast", "--vertical", "weightloss"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "unknown vertical 'weightloss'" in line
    assert "weight_loss" in line and "general" in line and "alcohol" in line
    ok = runner.invoke(app, ["check", "Lose weight fast", "--vertical", "weight_loss"])
    assert ok.exit_code == 0, ok.output


def test_unknown_vertical_in_campaign_yaml_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "campaign.yaml").write_text("countries: [US]\nvertical: fitnes\n")
    result = runner.invoke(app, ["run", str(folder), "--project", str(tmp_path), "--no-render"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "campaign.yaml" in line and "unknown vertical 'fitnes'" in line
    assert "weight_loss" in line
    assert not (tmp_path / ".adloom" / "adloom.db").exists()     # refused before anything was stored
