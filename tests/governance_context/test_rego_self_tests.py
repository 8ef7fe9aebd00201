"""Loading a bundle runs its own Rego tests and table cases and refuses it when one fails; bytes that are not
UTF-8 are a one-line error naming the file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adloom.governance.rego import PolicyBundleError, PolicyRegistry, default_bundle, load_bundle


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(default_bundle().root, target)
    return target


def _refused(root: Path) -> PolicyBundleError:
    with pytest.raises(PolicyBundleError) as info:
        load_bundle(root)
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)
    return info.value


def test_shipped_bundle_loads_with_its_tests_and_cases(bundle_dir: Path) -> None:
    assert load_bundle(bundle_dir).version == default_bundle().version


def test_renamed_package_is_refused_by_its_own_tests(bundle_dir: Path) -> None:
    path = bundle_dir / "age_gates.rego"
    path.write_text(path.read_text().replace("package adloom.policies.age_gates", "package adloom.policies.agegates"))
    err = _refused(bundle_dir)
    assert err.file is not None and err.file.endswith("tests/age_gates_test.rego")
    assert err.line is not None and err.message.startswith("Rego test test_")
    registry = PolicyRegistry(default_bundle())
    with pytest.raises(PolicyBundleError):
        registry.reload(bundle_dir)
    assert registry.active is default_bundle()          # the good bundle stays in force


def test_mutually_recursive_rules_are_refused(bundle_dir: Path) -> None:
    # reached only for Indonesia, which the load-time smoke input does not name but a Rego test does
    (bundle_dir / "loop.rego").write_text(
        "package adloom.policies.loop\n\nimport rego.v1\n\n"
        "stricter if looser\n"
        "looser if stricter\n\n"
        'deny contains {"id": "loop", "msg": "x", "fix": "x"} if {\n'
        '\t"ID" in input.campaign.countries\n\tstricter\n}\n')
    (bundle_dir / "tests" / "loop_test.rego").write_text(
        "package adloom.policies.loop_test\n\nimport data.adloom.policies.loop\nimport rego.v1\n\n"
        "test_indonesia_has_no_loop_deny if {\n"
        '\tcount(loop.deny) == 0 with input as {"campaign": {"countries": ["ID"]}}\n}\n')
    err = _refused(bundle_dir)
    assert err.file is not None and err.file.endswith("loop_test.rego") and err.line == 6


def test_failing_table_case_is_refused_with_file_and_line(bundle_dir: Path) -> None:
    (bundle_dir / "cases" / "zz_wrong.yaml").write_text(
        "# a case the policies do not meet\n"
        "- name: expects a deny that does not come\n"
        "  input: {categories: [], claims: [], concept: {texts: []},\n"
        "          campaign: {platforms: [meta], countries: [US], age_min: 30, age_max: 65, vertical: null,"
        " permissions: []}}\n"
        "  expect: {deny: [age_gate]}\n")
    err = _refused(bundle_dir)
    assert err.file is not None and err.file.endswith("zz_wrong.yaml") and err.line == 2
    assert "expects a deny that does not come" in err.message


@pytest.mark.parametrize("relative", ["geography.rego", "tests/geography_test.rego", "data.json",
                                      "cases/age_and_geography.yaml"])
def test_invalid_utf8_is_one_line_naming_file_and_line(bundle_dir: Path, relative: str) -> None:
    path = bundle_dir / relative
    raw = path.read_bytes().split(b"\n")
    raw[2] = raw[2] + b" \xff\xfe caf\xe9"
    path.write_bytes(b"\n".join(raw))
    err = _refused(bundle_dir)
    assert err.file == str(path) and err.line == 3 and "not valid UTF-8" in err.message
