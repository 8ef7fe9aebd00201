from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adloom.governance.packs import load_packs
from adloom.governance.rego import PolicyBundleError, PolicyRegistry, default_bundle, load_bundle, run_cases
from adloom.governance.textcheck import check_text


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(default_bundle().root, target)
    return target


def test_rego_unit_tests_pass() -> None:
    results = default_bundle().run_tests()
    assert len(results) >= 20
    assert [name for name, ok in results.items() if not ok] == []


def test_table_cases_pass() -> None:
    results = run_cases(default_bundle())
    assert len(results) >= 8
    assert [(r.name, r.actual) for r in results if not r.passed] == []


def test_a_failing_case_is_reported(bundle_dir: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "wrong.yaml").write_text(
        "- name: expects a deny that does not come\n"
        "  input: {categories: [], claims: [], concept: {texts: []},\n"
        "          campaign: {platforms: [meta], countries: [US], age_min: 30, age_max: 65, vertical: null,"
        " permissions: []}}\n"
        "  expect: {deny: [age_gate]}\n")
    [result] = run_cases(load_bundle(bundle_dir), cases)
    assert not result.passed and result.actual["deny"] == []


def test_version_is_content_hash(bundle_dir: Path) -> None:
    first = load_bundle(bundle_dir).version
    assert load_bundle(bundle_dir).version == first
    (bundle_dir / "cases" / "extra.yaml").write_text("[]\n")     # cases do not change decisions
    assert load_bundle(bundle_dir).version == first
    path = bundle_dir / "geography.rego"
    path.write_text(path.read_text() + "\n# edited\n")
    assert load_bundle(bundle_dir).version != first


def test_rego_syntax_error_names_file_and_line(bundle_dir: Path) -> None:
    (bundle_dir / "broken.rego").write_text("package adloom.policies.broken\n\nimport rego.v1\n\n"
                                            "deny contains msg if {\n  input.x == \n}\n")
    with pytest.raises(PolicyBundleError) as err:
        load_bundle(bundle_dir)
    assert err.value.file is not None and err.value.file.endswith("broken.rego")
    assert err.value.line == 7 and "expecting expression" in err.value.message


def test_data_type_error_names_file_line_and_problem(bundle_dir: Path) -> None:
    data = bundle_dir / "data.json"
    lines = data.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if '"country": "CA"' in line)
    lines[at] = lines[at].replace('"min_age": 19', '"min_age": "19"')
    data.write_text("\n".join(lines) + "\n")
    with pytest.raises(PolicyBundleError) as err:
        load_bundle(bundle_dir)
    assert err.value.file == str(data) and err.value.line == at + 1
    assert "min_age" in err.value.message and "integer" in err.value.message


def test_unknown_function_is_refused_at_load(bundle_dir: Path) -> None:
    (bundle_dir / "typo.rego").write_text("package adloom.policies.typo\n\nimport rego.v1\n\n"
                                          "deny contains {\"id\": \"x\"} if data.adloom.lib.nope(1)\n")
    with pytest.raises(PolicyBundleError):
        load_bundle(bundle_dir)


def test_refused_bundle_keeps_the_last_good_one(bundle_dir: Path) -> None:
    registry = PolicyRegistry(load_bundle(bundle_dir))
    good = registry.active.version
    (bundle_dir / "age_gates.rego").write_text("package adloom.policies.age_gates\ndeny contains if {\n")
    with pytest.raises(PolicyBundleError):
        registry.reload(bundle_dir)
    assert registry.active.version == good and registry.last_error is not None


def test_categories_from_vertical_and_copy() -> None:
    b = default_bundle()
    assert b.categories(["Recover like you mean it"], "fitness_recovery") == []
    assert b.categories(["A cold beer after the game"], "fitness_recovery") == ["alcohol"]
    assert b.categories([], "weight_loss") == ["weight_loss"]


def test_a_vote_for_a_flavour_is_not_political() -> None:
    b = default_bundle()
    assert b.categories(["Vote for your favourite flavour"], None) == []
    assert b.categories(["Vote for Jo on Tuesday"], None) == ["political"]
    # several texts at once go through the joined matcher: the exception must hold there too
    assert b.categories(["Vote for your favorite flavour", "Cast your vote for your favourite scent"], None) == []
    assert b.categories(["Vote for your favourite flavour", "Polls close at eight: vote Jo"], None) == ["political"]


def test_flavour_poll_runs_on_tiktok_and_a_candidate_does_not() -> None:
    packs = load_packs(None)
    assert check_text("Vote for your favourite flavour", platform="tiktok", packs=packs).route == "approve"
    blocked = check_text("Vote for Jo, your candidate for mayor", platform="tiktok", packs=packs)
    assert blocked.route == "reject"
    assert "policy.political.platform_ban" in {f.rule_id for f in blocked.findings}
