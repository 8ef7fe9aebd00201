"""Policy tests: the shipped cases pass with full coverage (CI runs this), failures and gaps are reported."""

from __future__ import annotations

from pathlib import Path

from adloom.governance.packs import load_packs
from adloom.governance.policytest import case_files, load_cases, run_cases
from tests.governance_packs.conftest import pack_text


def test_default_packs_pass_their_cases_with_full_coverage() -> None:
    packs = load_packs()
    report = run_cases(packs, load_cases(case_files(None, packs)))
    assert not report.failed, [(r.case.where, r.failures) for r in report.failed]
    assert report.uncovered == [] and report.coverage == 100.0
    assert len(report.results) >= 2 * len(report.rules)


def test_project_cases_failures_and_uncovered_rules(project: Path) -> None:
    (project / "packs" / "custom.yaml").write_text(pack_text())
    (project / "packs" / "custom2.yaml").write_text(pack_text().replace("custom", "other").replace("mega", "giga"))
    cases = project / "packs" / "cases"
    cases.mkdir()
    (cases / "custom.yaml").write_text(
        "pack: custom\ncases:\n"
        "  - name: hit\n    text: mega sale today\n    hits: [custom.sale]\n    route: review\n"
        "  - name: wrong on purpose\n    text: mega sale\n    hits: []\n    route: approve\n")
    packs = load_packs(project)
    report = run_cases(packs, load_cases(case_files(project, packs)))
    [failed] = report.failed
    assert failed.case.spec.name == "wrong on purpose"
    assert failed.case.where.endswith("custom.yaml:7")
    assert failed.failures == ("hits ['custom.sale'], expected []", "route review, expected approve")
    assert report.uncovered == ["other.sale"]


def test_overridden_pack_drops_its_default_cases(project: Path) -> None:
    (project / "packs" / "general.yaml").write_text(pack_text().replace("id: custom", "id: general"))
    packs = load_packs(project)
    names = [p.name for p in case_files(project, packs)]
    assert "general.yaml" not in names and "meta.yaml" in names
