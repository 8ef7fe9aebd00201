"""Export of the log as JSONL plus a manifest, verifiable offline with the same chain check.

    DIR/events.jsonl    one event per line, in seq order, every stored column
    DIR/manifest.json   counts, first/last seq, the hash the first event links to, head hash, file SHA-256
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit.chain import GENESIS, now_ts, ts_of
from adloom.audit.verify import EVENT_COLUMNS, EVENTS, Break, Row, VerifyReport, check_chain, first_line
from adloom.errors import InputError

FORMAT = "adloom-audit-export/1"
EVENTS_FILE = "events.jsonl"
MANIFEST_FILE = "manifest.json"
_FIELDS = ("seq", "ts", "kind", "subject", "actor", "payload", "payload_hash", "prev_hash", "hash")


class ExportManifest(BaseModel):
    format: str = FORMAT
    exported_at: str
    since: str | None = None
    events: int
    first_seq: int | None
    last_seq: int | None
    first_prev_hash: str            # the hash the first exported event links to (GENESIS from seq 1)
    head_hash: str
    kinds: dict[str, int]
    file: str = EVENTS_FILE
    sha256: str
    bytes: int


def since_ts(value: date | datetime) -> str:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return ts_of(moment)


def export(factory: sessionmaker[Session], out_dir: Path, *, since: date | datetime | None = None,
           chunk: int = 20_000) -> ExportManifest:
    """Write every event from ``since`` (a contiguous tail of the chain) to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cutoff = since_ts(since) if since is not None else None
    digest, size, kinds = hashlib.sha256(), 0, Counter[str]()
    first_seq = last_seq = None
    first_prev = head = GENESIS
    with factory() as session:
        start = 1
        if cutoff is not None:
            start = session.execute(text("SELECT MIN(seq) FROM audit_events WHERE ts >= :c"),
                                    {"c": cutoff}).scalar() or 0
        conn = session.connection().execution_options(stream_results=True, yield_per=chunk)
        query = select(*EVENT_COLUMNS).where(EVENTS.c.seq >= start).order_by(EVENTS.c.seq)
        rows = conn.execute(query) if start else None
        with (out_dir / EVENTS_FILE).open("wb") as fh:
            for row in rows or ():
                record = dict(zip(_FIELDS, row, strict=True))
                line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
                fh.write(line)
                digest.update(line)
                size += len(line)
                kinds[record["kind"]] += 1
                if first_seq is None:
                    first_seq, first_prev = record["seq"], record["prev_hash"]
                last_seq, head = record["seq"], record["hash"]
    manifest = ExportManifest(exported_at=now_ts(), since=cutoff, events=sum(kinds.values()),
                              first_seq=first_seq, last_seq=last_seq, first_prev_hash=first_prev,
                              head_hash=head, kinds=dict(kinds), sha256=digest.hexdigest(), bytes=size)
    (out_dir / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(out_dir: Path) -> ExportManifest:
    path = out_dir / MANIFEST_FILE
    try:
        manifest = ExportManifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist: not an adloom audit export") from exc
    except (OSError, ValueError, ValidationError) as exc:
        raise InputError(f"{path} is not a valid audit export manifest: {first_line(exc)}") from exc
    if manifest.format != FORMAT:
        raise InputError(f"{path}: unsupported export format {manifest.format!r} (expected {FORMAT})")
    return manifest


class _Corrupt(Exception):
    def __init__(self, line: int, why: str) -> None:
        super().__init__(line, why)
        self.line, self.why = line, why


def _read_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                record: dict[str, Any] = json.loads(raw)
                row = tuple(record[name] for name in _FIELDS)
            except (ValueError, TypeError, KeyError) as exc:
                ending = "" if raw.endswith(b"\n") else " (file ends mid-line: truncated)"
                raise _Corrupt(number, f"not a valid event: {first_line(exc)}{ending}") from exc
            if not (isinstance(row[0], int) and all(isinstance(v, str) for v in row[1:5] + row[6:])
                    and (row[5] is None or isinstance(row[5], dict))):
                raise _Corrupt(number, "an event field has the wrong type")
            yield row


def verify_export(out_dir: Path) -> VerifyReport:
    """Check an export offline: every line parses, the chain holds, and it matches its manifest."""
    manifest = read_manifest(out_dir)
    path = out_dir / manifest.file
    if not path.is_file():
        raise InputError(f"{path} is missing: the export is incomplete")
    index: dict[str, int] = {}

    def find_seq(digest: str) -> int | None:       # built only when a break needs diagnosing
        if not index:
            for raw in path.open("rb"):
                try:
                    record = json.loads(raw)
                    index[record["hash"]] = record["seq"]
                except (ValueError, TypeError, KeyError):
                    continue
        return index.get(digest)

    try:
        report = check_chain(_read_rows(path), find_seq, first_seq=manifest.first_seq or 1,
                             first_prev=manifest.first_prev_hash)
    except _Corrupt as exc:
        return VerifyReport(ok=False, broken=Break(seq=None, kind=None, problem="corrupt",
                                                   detail=f"{path.name} line {exc.line}: {exc.why}"))
    broken = report.broken or _against_manifest(report, manifest, path)
    return report.model_copy(update={"ok": broken is None, "broken": broken})


def _against_manifest(report: VerifyReport, manifest: ExportManifest, path: Path) -> Break | None:
    if report.events < manifest.events:
        return Break(seq=(report.last_seq + 1) if report.last_seq else manifest.first_seq, kind=None,
                     problem="truncated",
                     detail=f"the manifest lists {manifest.events} events up to seq {manifest.last_seq}, "
                            f"{path.name} holds {report.events}")
    if report.events > manifest.events or report.head_hash != manifest.head_hash:
        return Break(seq=report.last_seq, kind=None, problem="inserted" if report.events > manifest.events
                     else "rewritten",
                     detail=f"{path.name} ends at seq {report.last_seq} with head {report.head_hash[:16]}, "
                            f"the manifest says seq {manifest.last_seq} with {manifest.head_hash[:16]}")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    if digest.hexdigest() != manifest.sha256:
        return Break(seq=None, kind=None, problem="modified",
                     detail=f"{path.name} differs from the SHA-256 in the manifest, though every event "
                            "still verifies (formatting or whitespace edited)")
    return None
