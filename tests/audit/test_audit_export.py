"""Export writes JSONL + manifest; the offline check catches corruption, truncation and edits."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, export, prune_payloads, verify_export
from adloom.errors import InputError

from .conftest import filler, tamper


@pytest.fixture
def exported(log: AuditLog, store: sessionmaker[Session], tmp_path: Path) -> Path:
    filler(log, 20)
    out = tmp_path / "export"
    manifest = export(store, out)
    assert (manifest.events, manifest.first_seq, manifest.last_seq) == (20, 1, 20)
    return out


def _lines(out: Path) -> list[str]:
    return (out / "events.jsonl").read_text().splitlines(keepends=True)


def _write(out: Path, lines: list[str]) -> None:
    (out / "events.jsonl").write_text("".join(lines))


def test_export_verifies_offline(exported: Path) -> None:
    report = verify_export(exported)
    assert report.ok and report.events == 20, report.summary()
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["kinds"] == {"run.started": 20} and len(manifest["sha256"]) == 64


def test_export_since_a_date_starts_mid_chain_and_still_verifies(log: AuditLog, store: sessionmaker[Session],
                                                                  tmp_path: Path) -> None:
    filler(log, 5)
    tamper(store, "UPDATE audit_events SET ts = '2020-01-01T00:00:00.000000Z' WHERE seq <= 3")   # backdate
    # backdating breaks those events' hashes, but the export after them must verify on its own
    manifest = export(store, tmp_path / "e", since=date(2021, 1, 1))
    assert (manifest.events, manifest.first_seq) == (2, 4)
    assert verify_export(tmp_path / "e").ok
    assert export(store, tmp_path / "none", since=date(2999, 1, 1)).events == 0
    assert verify_export(tmp_path / "none").ok


def test_edited_event_in_export_is_named(exported: Path) -> None:
    lines = _lines(exported)
    lines[6] = lines[6].replace('"i":6', '"i":66')
    _write(exported, lines)
    report = verify_export(exported)
    assert report.broken is not None and (report.broken.seq, report.broken.problem) == (7, "modified")


def test_export_cut_mid_line_is_reported_as_truncated(exported: Path) -> None:
    data = (exported / "events.jsonl").read_bytes()
    (exported / "events.jsonl").write_bytes(data[: len(data) // 2])
    report = verify_export(exported)
    assert report.broken is not None and report.broken.problem == "corrupt"
    assert "truncated" in report.summary() and "line" in report.summary()


def test_export_missing_its_last_lines_is_truncated(exported: Path) -> None:
    _write(exported, _lines(exported)[:15])
    report = verify_export(exported)
    assert report.broken is not None and (report.broken.seq, report.broken.problem) == (16, "truncated")


def test_removed_and_swapped_lines_are_named(exported: Path) -> None:
    lines = _lines(exported)
    _write(exported, lines[:4] + lines[5:])
    assert verify_export(exported).broken.problem == "deleted"  # type: ignore[union-attr]
    lines[4], lines[5] = lines[5], lines[4]
    _write(exported, lines)
    assert verify_export(exported).broken.problem == "reordered"  # type: ignore[union-attr]


def test_whitespace_edit_is_caught_by_the_file_hash(exported: Path) -> None:
    lines = _lines(exported)
    lines[3] = lines[3].replace(",", ", ", 1)
    _write(exported, lines)
    report = verify_export(exported)
    assert report.broken is not None and "SHA-256" in report.broken.detail


def test_broken_manifest_and_missing_files_are_clear_errors(exported: Path) -> None:
    (exported / "manifest.json").write_text("{not json")
    with pytest.raises(InputError, match="manifest"):
        verify_export(exported)
    with pytest.raises(InputError, match="not an adloom audit export"):
        verify_export(exported / "nowhere")


def test_pruned_payloads_export_and_verify(log: AuditLog, store: sessionmaker[Session], tmp_path: Path) -> None:
    filler(log, 4)
    prune_payloads(store, 0)
    export(store, tmp_path / "e")
    report = verify_export(tmp_path / "e")
    assert report.ok and report.pruned == 4
