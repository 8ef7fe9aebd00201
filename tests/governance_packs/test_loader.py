"""Pack files: one error naming file, line and problem; refused packs keep the last good version in force."""

from __future__ import annotations

from pathlib import Path

import pytest

from adloom.errors import PackError, PolicyViolation
from adloom.governance.packs import default_packs, load_pack_text, load_packs
from tests.governance.factories import brand
from tests.governance_packs.conftest import pack_text


def _error(text: str) -> PolicyViolation:
    with pytest.raises(PolicyViolation) as info:
        load_pack_text(text, "packs/x.yaml")
    return info.value


@pytest.mark.parametrize(("old", "new", "line", "problem"), [
    ("terms: [mega sale]", "regexes: ['mega (sale']", 8, "invalid regex"),
    ("terms: [mega sale]", "regexes: ['a*']", 8, "matches the empty string"),
    ("severity: review", "severity: fatal", 7, "severity"),
    ("fix_hint: Drop it.", "fix_hint: Drop it.\n    colour: red", 10, "unknown field 'colour'"),
    ("    checked: 2026-11-01\n", "", 4, "needs 'checked'"),
    ("terms: [mega sale]", "terms: [mega sale]\n    terms: [x]", 9, "duplicate key 'terms'"),
    ("terms: [mega sale]", "terms: [mega sale", 9, "YAML syntax"),
    ("category: urgency_scarcity", "category: urgency_scarcity\n    scope: {platforms: [myspace]}", 7,
     "unknown platform 'myspace'"),
])
def test_malformed_pack_names_line_and_problem(old: str, new: str, line: int, problem: str) -> None:
    err = _error(pack_text().replace(old, new))
    assert err.file == "packs/x.yaml"
    assert problem in err.message
    assert err.line == line, str(err)


def test_duplicate_rule_id_points_at_the_second() -> None:
    text = pack_text() + pack_text().split("rules:\n")[1]
    err = _error(text)
    assert "duplicate rule id 'custom.sale'" in err.message
    assert err.line == 12
    assert str(err).startswith("packs/x.yaml:12: ")


def test_default_packs_are_valid_and_every_rule_has_source_and_date() -> None:
    packs = default_packs()
    assert {p.id for p in packs} == {"general", "meta", "tiktok", "google"}
    for pack in packs:
        for rule in pack.rules:
            assert rule.source and rule.checked and rule.fix_hint, rule.id


def test_user_pack_adds_and_overrides_by_id(project: Path) -> None:
    (project / "packs" / "custom.yaml").write_text(pack_text())
    (project / "packs" / "meta.yaml").write_text(pack_text().replace("id: custom", "id: meta")
                                                 .replace("custom.sale", "meta.sale"))
    packs = load_packs(project)
    ids = [r.id for _p, r in packs.rules]
    assert "custom.sale" in ids and "meta.sale" in ids
    assert "meta.age_attribute" not in ids                 # the default meta pack was replaced whole
    assert packs.version != load_packs().version


def test_broken_user_pack_keeps_last_good_version(project: Path) -> None:
    path = project / "packs" / "custom.yaml"
    path.write_text(pack_text("review"))
    assert load_packs(project).scan("mega sale")[0].severity == "review"
    path.write_text(pack_text("fatal"))
    packs = load_packs(project)
    assert packs.scan("mega sale")[0].severity == "review"     # last good version still in force
    [problem] = packs.problems
    assert problem.error.line == 7 and "last good version custom@1" in str(problem)
    with pytest.raises(PolicyViolation):
        load_packs(project, strict=True)


def test_broken_pack_without_history_stops_with_file_and_line(project: Path) -> None:
    """Dropping a house pack silently would approve the words it forbids: no last good version, no load."""
    (project / "packs" / "general.yaml").write_text("id: general\nversion: 2\nrules: [oops]\n")
    with pytest.raises(PackError) as info:
        load_packs(project)
    assert info.value.exit_code == 2 and info.value.line == 3
    assert str(info.value).startswith(f"{project / 'packs' / 'general.yaml'}:3: ")
    assert "no earlier good version" in str(info.value)


@pytest.mark.parametrize("broken", [
    "id: custom\nversion: '2'\nrules:\n  - id: custom.sale\n    regexes: ['sale(']\n",   # bad regex, missing fields
    "\tnot: [yaml\n",                                                                     # not YAML, no id line
    "- just\n- a list\n",                                                                 # YAML, not a pack
])
def test_last_good_version_is_found_by_pack_id(project: Path, broken: str) -> None:
    (project / "packs" / "house-rules.yaml").write_text(pack_text("block"))
    load_packs(project)
    assert (project / ".adloom" / "packs-last-good" / "custom.yaml").is_file()     # kept by pack id
    (project / "packs" / "house-rules.yaml").write_text(broken)
    packs = load_packs(project)
    assert [h.severity for h in packs.scan("mega sale")] == ["block"]
    [problem] = packs.problems
    assert "in force: last good version custom@1" in problem.message
    warning = problem.warning()
    assert warning.file.endswith("house-rules.yaml") and "pack refused" in warning.message


def test_rule_id_clash_across_packs_is_refused(project: Path) -> None:
    (project / "packs" / "custom.yaml").write_text(pack_text().replace("custom.sale", "superlative"))
    with pytest.raises(PolicyViolation, match="rule id 'superlative' is defined in packs 'general' and"):
        load_packs(project)


def test_brand_pack_from_avoid_list_and_competitors() -> None:
    b = brand()
    packs = load_packs(brand=b)
    hits = packs.scan("No miracle here, unlike SleepCo")
    assert [(h.rule_id, h.text, h.severity) for h in hits] == [
        ("brand.avoid", "miracle", "block"),
        ("named_competitor", "unlike SleepCo", "review"),       # the general pack's comparative + a name
        ("brand.competitor", "SleepCo", "block")]
    assert hits[0].pack.startswith("brand@")
    b2 = b.model_copy(update={"avoid": [*b.avoid, "nap"]})
    assert load_packs(brand=b2).version != packs.version


def test_version_is_stable_for_unchanged_packs() -> None:
    assert load_packs().version == load_packs().version
