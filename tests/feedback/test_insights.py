"""`adloom insights`: leaderboards with intervals, charts that open as SVG, JSON per angle; fatigue."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.cli.insights import insights as insights_cmd
from adloom.feedback.evidence import fatigue
from adloom.feedback.imports import import_file
from adloom.feedback.synthetic import write_meta_csv
from tests.feedback.factories import daily, seed_concepts


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("insights")(insights_cmd)

    @app.callback()
    def _root() -> None:
        pass
    return app


def test_insights_json_and_charts(store: sessionmaker[Session], db_url: str, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    names = seed_concepts(store)
    import_file(store, write_meta_csv(tmp_path / "m.csv", daily(names, {"contrarian": 0.03, "*": 0.01}, days=5)))
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    out = CliRunner().invoke(_app(), ["insights", "--format", "json", "--project", str(tmp_path)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    angles = {a["key"]: a for a in data["angles"]}
    assert set(angles) == {"pain-first", "social-proof", "contrarian"}
    top = data["angles"][0]
    assert top["key"] == "contrarian"
    assert top["interval"][0] > data["baseline"]["mean"] > angles["pain-first"]["interval"][1]
    assert top["interval"][0] < top["posterior_mean"] < top["interval"][1]
    assert top["evidence"]["impressions"] == 6 * 5 * 2000 and top["ads"] == 6
    assert {s["key"] for s in data["segments"]} == {"runners", "office"}
    assert data["hook_structures"] and all("posterior_mean" in h for h in data["hook_structures"])

    text = CliRunner().invoke(_app(), ["insights", "--project", str(tmp_path), "--charts", str(tmp_path / "c")],
                              terminal_width=200)
    assert text.exit_code == 0, text.output
    assert "contrarian" in text.output and "90% interval" in text.output
    svg = tmp_path / "c" / "insights-acme-angle.svg"
    root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}circle")) == 3 and len(root.findall(f"{ns}line")) >= 3 + 1
    titles = [c.find(f"{ns}title").text or "" for c in root.findall(f"{ns}circle")]
    assert titles[0].startswith("contrarian")


def test_insights_without_performance_is_a_clear_error(db_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    out = CliRunner().invoke(_app(), ["insights", "--project", str(tmp_path)])
    assert out.exit_code != 0 and "no performance imported yet" in out.stderr


def _day(name: str, d: int, impressions: int, clicks: int, frequency: float) -> dict[str, object]:
    day = (date(2026, 11, 1) + timedelta(days=d)).isoformat()
    return {"ad_name": name, "date_start": day, "date_end": day, "impressions": impressions, "clicks": clicks,
            "frequency": frequency, "reach": None}


def test_fatigue_needs_ctr_down_and_frequency_up() -> None:
    tired = [_day("tired", d, 5000, 100 - 8 * d, 1.2 + 0.3 * d) for d in range(10)]
    steady = [_day("steady", d, 5000, 100, 1.2 + 0.3 * d) for d in range(10)]
    saturating = [_day("flat-frequency", d, 5000, 100 - 8 * d, 1.5) for d in range(10)]
    short = [_day("short", d, 5000, 100 - 30 * d, 1.0 + d) for d in range(3)]
    found = fatigue(tired + steady + saturating + short)
    assert [f["ad_name"] for f in found] == ["tired"]
    assert found[0]["ctr_last"] < 0.8 * found[0]["ctr_first"]
    assert found[0]["frequency_last"] > found[0]["frequency_first"]
