"""concepts.jsonl and the atomic writes every export goes through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adloom.exports.atomic import atomic_open, write_text_atomic
from adloom.exports.csv_file import write_csv
from adloom.pipeline.export import exports
from adloom.types import BrandObject, Campaign, Concept, RunSummary, Verdict


def test_export_returns_every_path_and_leaves_no_temp_files(
        tmp_path: Path, concepts: list[Concept], verdicts: dict[str, list[Verdict]], brand: BrandObject,
        campaign: Campaign, summary: RunSummary) -> None:
    paths = exports(concepts, verdicts, brand, campaign, summary, tmp_path)
    assert paths == {
        "concepts": tmp_path / "concepts.jsonl", "report": tmp_path / "report.html",
        "meta": tmp_path / "exports" / "meta_bulk.csv", "google": tmp_path / "exports" / "google_rsa.csv",
        "tiktok": tmp_path / "exports" / "tiktok_ads.csv",
    }
    on_disk = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert on_disk == set(paths.values())


def test_interrupted_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half a ")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_interrupted_csv_leaves_nothing(tmp_path: Path) -> None:
    def rows():  # type: ignore[no-untyped-def]
        yield {"a": "1"}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_csv(tmp_path / "x.csv", ["a"], rows())
    assert list(tmp_path.iterdir()) == []


def test_unknown_column_is_a_bug_not_a_silent_drop(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_csv(tmp_path / "x.csv", ["a"], [{"a": "1", "b": "2"}])
    assert list(tmp_path.iterdir()) == []


def test_write_text_atomic_replaces(tmp_path: Path) -> None:
    target = write_text_atomic(tmp_path / "r.html", "one")
    write_text_atomic(target, "two")
    assert target.read_text() == "two"


def test_concepts_jsonl_has_every_concept_with_its_final_verdict(
        tmp_path: Path, concepts: list[Concept], verdicts: dict[str, list[Verdict]], brand: BrandObject,
        campaign: Campaign, summary: RunSummary) -> None:
    path = exports(concepts, verdicts, brand, campaign, summary, tmp_path)["concepts"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(concepts)
    for line, concept in zip(lines, concepts, strict=True):
        record = json.loads(line)
        verdict = record.pop("verdict")
        assert Concept.model_validate(record) == concept
        assert Verdict.model_validate(verdict) == verdicts[concept.id][-1]
    assert json.loads(lines[0])["verdict"]["attempt"] == 2     # the regenerated attempt, not the first
    assert json.loads(lines[2])["verdict"]["route"] == "reject"


def test_concept_without_verdict_gets_null(tmp_path: Path, concepts: list[Concept], brand: BrandObject,
                                           campaign: Campaign, summary: RunSummary) -> None:
    path = exports(concepts[:1], {}, brand, campaign, summary, tmp_path)["concepts"]
    assert json.loads(path.read_text())["verdict"] is None


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_exports_get_the_mode_the_users_umask_gives(tmp_path: Path, umask: int) -> None:
    """Every file goes through ``atomic_open``: its temp file starts 0600, the result must not stay so. A
    real process with its own umask, since the umask is per process."""
    import subprocess
    import sys
    code = ("import os, sys; from pathlib import Path; from adloom.exports.atomic import write_text_atomic; "
            "from adloom.exports.csv_file import write_csv; "
            f"os.umask({umask}); d = Path(sys.argv[1]); write_text_atomic(d / 'r.html', 'x'); "
            "write_csv(d / 'a.csv', ['a'], [{'a': '1'}])")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)
    for name in ("r.html", "a.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name
