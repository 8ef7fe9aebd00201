"""A broken house pack, met by the real ``adloom`` processes: ``run`` and ``check`` stop (exit 2, file:line)
unless a last good version is in force, which the run then says and records in its summary."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).with_name("adloom")
HOUSE = """\
id: house
version: "1"
rules:
  - id: house.routine
    description: the house never says routine
    category: brand
    severity: block
    terms: [routine, routines]
    fix_hint: Say "session" instead.
    source: house style guide
    checked: 2026-11-01
"""
BROKEN = HOUSE.replace("terms: [routine, routines]", "regexes: ['routine(s']")     # line 8: a bad regex


@pytest.fixture
def project(tmp_path: Path, db_url: str) -> Path:
    shutil.copytree(EXAMPLE_BRAND, tmp_path / "restwave", ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    (tmp_path / "packs").mkdir()
    (tmp_path / "db_url").write_text(db_url)
    return tmp_path


def adloom(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADLOOM_DATABASE_URL": (project / "db_url").read_text(), "COLUMNS": "200"}
    return subprocess.run([str(ADLOOM), *args], cwd=project, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def run(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return adloom(project, "run", "restwave", "--no-render", "--angles", "2", "--hooks", "2", "--out", "out",
                  "--project", ".", *extra)


def test_broken_pack_with_no_history_stops_run_and_check(project: Path) -> None:
    (project / "packs" / "house.yaml").write_text(BROKEN)
    done = run(project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: packs/house.yaml:8: rules.0.regexes: invalid regex 'routine(s'")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert not (project / "out").exists()              # nothing half-written
    done = adloom(project, "check", "a calm routine", "--project", ".")
    assert done.returncode == 2 and "packs/house.yaml:8:" in done.stderr and "Traceback" not in done.stderr
    (project / "packs" / "house.yaml").write_text("id: house\nversion: 1\nrules: [\n")     # not YAML
    done = adloom(project, "check", "a calm routine", "--project", ".")
    assert done.returncode == 2 and done.stderr.startswith("error: packs/house.yaml:4: YAML syntax"), done.stderr


def test_broken_pack_keeps_last_good_version_and_says_so(project: Path) -> None:
    (project / "packs" / "house.yaml").write_text(HOUSE)
    first = run(project)
    assert first.returncode == 0, first.stdout + first.stderr
    (project / "packs" / "house.yaml").write_text(BROKEN)
    second = run(project, "--force")
    assert second.returncode == 0, second.stdout + second.stderr
    said = " ".join(second.stdout.split())
    assert "warning: packs/house.yaml:8: rules.0.regexes: invalid regex" in said
    assert "(pack refused; in force: last good version house@1)" in said
    # recorded for the report: the run's stored summary and its report carry the warning
    summaries = sorted((project / "out" / "restwave").glob("*/concepts.jsonl"))
    assert len(summaries) == 2
    report = summaries[-1].parent / "report.html"
    assert "pack refused; in force: last good version house@1" in report.read_text()
    # the last good version still governs: no exported ad says "routine"
    for bulk in summaries[-1].parent.glob("exports/*.csv"):
        with bulk.open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                assert not any("routine" in (v or "").lower() for v in row.values()), (bulk.name, row)
    checked = adloom(project, "check", "a calm routine", "--project", ".", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert "pack refused; in force: last good version house@1" in " ".join(checked.stderr.split())
    assert [f["rule_id"] for f in json.loads(checked.stdout)["results"][0]["findings"]] == ["house.routine"]
