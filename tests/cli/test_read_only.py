"""Commands that only read: no store is created for them, ``--brand`` picks a brand's latest run, and right
after a run, judging its concepts again finds nothing new (governance judged what shipped)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adloom.cli.main import app
from tests.conftest import EXAMPLE_BRAND

runner = CliRunner()


@pytest.mark.parametrize("args", [["concepts", "list"], ["concepts", "show", "abcdef12"], ["concepts", "recheck"],
                                  ["export"], ["audit", "verify"], ["audit", "lineage", "abcdef12"],
                                  ["audit", "export", "--out", "audit-out"]])
def test_a_read_only_command_refuses_to_create_a_store(args: list[str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADLOOM_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and line.startswith("error: no adloom store at ")
    assert str(tmp_path / ".adloom" / "adloom.db") in line
    assert list(tmp_path.iterdir()) == []          # nothing half-made left behind


def test_recheck_right_after_a_run_finds_nothing_new_and_brand_picks_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    shutil.copytree(EXAMPLE_BRAND, tmp_path / "restwave", ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    project = ["--project", str(tmp_path)]
    # more hooks than governance asks for, so near-duplicate suppression has room to cut and re-judge
    ran = runner.invoke(app, ["run", str(tmp_path / "restwave"), "--no-render", "--hooks", "7",
                              "--out", str(tmp_path / "out"), *project])
    assert ran.exit_code == 0, ran.output
    again = runner.invoke(app, ["concepts", "recheck", "--brand", "restwave", *project])
    assert again.exit_code == 0, again.output
    assert "new findings by rule" not in again.output
    assert re.search(r"\b0 of (\d+) concepts would be routed differently", again.output), again.output
    listed = runner.invoke(app, ["concepts", "list", "--brand", "restwave", *project])
    assert listed.exit_code == 0 and "pain" in listed.output
    other = runner.invoke(app, ["concepts", "list", "--brand", "nope", *project])
    assert other.exit_code == 2
    line = other.output.strip()
    assert "\n" not in line and "no finished run of brand 'nope'" in line and "brands with runs: restwave" in line
