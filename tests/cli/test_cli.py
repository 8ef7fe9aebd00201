"""The command line as a user meets it: exit codes, one-line errors, files written."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adloom.cli.main import app
from adloom.naming import parse_ad_name
from tests.conftest import EXAMPLE_BRAND

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    shutil.copytree(EXAMPLE_BRAND, tmp_path / "restwave", ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    return tmp_path


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_run_then_list_show_and_export(project: Path) -> None:
    code, out = invoke("run", str(project / "restwave"), "--no-render", "--out", str(project / "out"),
                       "--project", str(project))
    assert code == 0, out
    assert "report:" in out
    code, out = invoke("concepts", "list", "--project", str(project))
    assert code == 0 and "pain" in out
    report = next((project / "out" / "restwave").glob("*/concepts.jsonl"))
    first_id = json.loads(report.read_text().splitlines()[0])["id"]
    code, out = invoke("concepts", "show", first_id[:10], "--project", str(project), "--json")
    assert code == 0 and json.loads(out)["concept"]["id"] == first_id
    code, out = invoke("export", "--project", str(project), "--out", str(project / "again"))
    assert code == 0 and (project / "again" / "report.html").exists()
    # the export writes the same report as the run: the allocation section included
    assert "Why each angle got its share" in (project / "again" / "report.html").read_text(encoding="utf-8")
    # the run left an anchor and a chain that verifies; lineage answers for an exported ad name
    assert len(list((project / ".adloom" / "anchors").glob("*.json"))) == 1     # keyed by the store's id
    code, out = invoke("audit", "verify", "--project", str(project))
    assert code == 0 and "OK" in out, out
    meta_csv = next((project / "out" / "restwave").glob("*/exports/meta_bulk.csv"))
    with meta_csv.open(encoding="utf-8-sig") as fh:
        ad = next(csv.DictReader(fh))["Ad Name"]
    code, out = invoke("policy", "metrics", "--project", str(project), "--format", "json")
    assert code == 0 and len(json.loads(out)) >= 1 and "regenerate_rate" in json.loads(out)[0], out
    code, out = invoke("audit", "lineage", ad, "--project", str(project))
    assert code == 0, out
    assert f"lineage of concept {parse_ad_name(ad).concept}" in out and "verdict" in out.lower()


def test_missing_folder_is_one_line_and_exit_2(project: Path) -> None:
    code, out = invoke("run", str(project / "nope"), "--project", str(project))
    assert code == 2
    assert out.strip().count("\n") == 0 and "nope" in out and "Traceback" not in out


def test_empty_folder_fails_clearly(project: Path) -> None:
    (project / "empty").mkdir()
    code, out = invoke("run", str(project / "empty"), "--project", str(project))
    assert code == 2 and "empty" in out


def test_bad_campaign_yaml_names_file_and_line(project: Path) -> None:
    (project / "restwave" / "campaign.yaml").write_text("countries: [US\nage_min: 18\n")
    code, out = invoke("run", str(project / "restwave"), "--project", str(project))
    assert code == 2 and "campaign.yaml:" in out


def test_unknown_platform_and_writer(project: Path) -> None:
    code, out = invoke("run", str(project / "restwave"), "--platforms", "meta,snap", "--project", str(project))
    assert code == 2 and "snap" in out
    code, out = invoke("run", str(project / "restwave"), "--writer", "formul", "--project", str(project))
    assert code == 2 and "did you mean 'formula'" in out
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "openai", None)     # as on a machine without the extra
        code, out = invoke("run", str(project / "restwave"), "--writer", "openai:gpt-4o-mini", "--project",
                           str(project))
    assert code == 2 and 'pip install "adloom[openai]"' in out, out


def test_init_scaffolds_a_runnable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    code, out = invoke("init", str(tmp_path / "mine"))
    assert code == 0, out
    assert (tmp_path / "mine" / "onboarding.yaml").exists()
    assert (tmp_path / "mine" / "personas" / "example-persona.yaml").exists()
    code, out = invoke("init", str(tmp_path / "mine"))
    assert code == 2 and "not empty" in out
    # the untouched scaffold would write ads for "Your Brand": its placeholders are an input error
    code, out = invoke("run", str(tmp_path / "mine"), "--no-render", "--out", str(tmp_path / "out"),
                       "--project", str(tmp_path))
    assert code == 2 and "onboarding.yaml" in out and "placeholder 'Your Brand'" in out, out
    assert "Traceback" not in out


def test_schema_lists_and_prints(tmp_path: Path) -> None:
    code, out = invoke("schema")
    assert code == 0 and "BrandObject" in out and "Verdict" in out
    code, out = invoke("schema", "Concept")
    assert code == 0 and json.loads(out)["title"] == "Concept"
    code, out = invoke("schema", "--out", str(tmp_path / "s"))
    assert code == 0 and len(list((tmp_path / "s").glob("*.schema.json"))) >= 12
    code, out = invoke("schema", "Nope")
    assert code == 2


def test_recheck_shows_which_stored_concepts_a_new_pack_reroutes(project: Path) -> None:
    code, out = invoke("run", str(project / "restwave"), "--no-render", "--out", str(project / "out"),
                       "--project", str(project))
    assert code == 0, out
    code, out = invoke("concepts", "recheck", "--project", str(project))
    assert code == 0 and "0 of 15 concepts would be routed differently" in out, out
    (project / "packs").mkdir()
    (project / "packs" / "house.yaml").write_text(
        'id: house\nversion: "1"\ndescription: a rule added after the run\nrules:\n'
        '  - id: house.no_your\n    description: the word your is now off limits\n    category: general\n'
        '    severity: block\n    terms: [your]\n    fix_hint: Say the.\n    source: house style\n'
        '    checked: 2026-11-22\n', encoding="utf-8")
    code, out = invoke("concepts", "recheck", "--project", str(project), "--jobs", "2")
    assert code == 0, out
    changed = int(out.split(" of 15 concepts would be routed differently")[0].split()[-1])
    assert changed > 0 and "house.no_your" in out, out
