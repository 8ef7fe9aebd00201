"""`adloom feedback import`: one export file -> stored performance records, learned patterns, two audit events.

The whole file is read and checked before anything is written, and then written in one transaction, so
bad input leaves the store as it was. A file imported before (same SHA-256) is a no-op. Rows join to the
brand's stored concepts by the ad name (``adloom.naming``): a row whose name does not parse, or names no
stored concept, is listed with its line and left out, never guessed; an ad of another brand is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, kinds
from adloom.errors import InputError
from adloom.feedback.evidence import analyse
from adloom.feedback.importers.base import Importer, RawRecord, Skip, available, detect, get_importer, known_headers
from adloom.feedback.learn import store_patterns
from adloom.feedback.options import FeedbackOptions
from adloom.feedback.tabular import read_table
from adloom.naming import AdName, parse_ad_name
from adloom.store import performance as perf_store
from adloom.store.db import transaction
from adloom.types import sha256_file

__all__ = ["ImportResult", "import_file"]


@dataclass
class ImportResult:
    import_id: str
    file: str
    platform: str
    brand: str
    already: bool = False             # this exact file was imported before: nothing changed
    rows: int = 0
    records: int = 0
    replaced: int = 0                 # stored records of the same ad and range replaced by this file's
    labels: int = 0
    currency: str | None = None
    skipped: list[Skip] = field(default_factory=list)
    first_day: str = ""
    last_day: str = ""
    patterns: dict[str, Any] = field(default_factory=dict)


def _importers() -> list[Importer]:
    return [ep.load()() for ep in available().values()]


def _choose(table_names: set[str], platform: str | None, importers: list[Importer], file: str,
            header_line: int, detected: Importer | None) -> Importer:
    if platform is None:
        if detected is None:
            raise InputError("cannot tell which platform exported this file; pass --platform meta|tiktok|google",
                             file=file, line=header_line)
        return detected
    chosen = get_importer(platform)
    if detected is not None and detected.platform != chosen.platform:
        own = len(chosen.signature & table_names)
        theirs = detected.signature & table_names
        if len(theirs) > own:
            raise InputError(f"this looks like a {detected.platform} export (columns "
                             f"{', '.join(sorted(theirs)[:3])}), not {chosen.platform}", file=file, line=header_line)
    return chosen


def import_file(factory: sessionmaker[Session], path: Path, *, platform: str | None = None, brand: str | None = None,
                options: FeedbackOptions | None = None, audit: AuditLog | None = None, actor: str = "cli",
                progress: Callable[[int], None] | None = None) -> ImportResult:
    options = options or FeedbackOptions()
    file = str(path)
    if not path.is_file():
        raise InputError("file not found", file=file)
    digest = sha256_file(path)
    with factory() as session:
        done = perf_store.get_import(session, digest)
    if done is not None:
        return ImportResult(digest, file, done.platform, done.brand_slug, already=True, rows=done.rows,
                            records=done.records)
    importers = _importers()
    table = read_table(path, known_headers(importers))
    detected = detect(table, importers)
    importer = _choose(set(table.names), platform, importers, file, table.header_line, detected)
    result = ImportResult(digest, file, importer.platform, brand or "")
    with factory() as session:
        raw = _collect(importer, table, result, progress)
        records, labels = _join(session, raw, result, file)
        stored = perf_store.brand_currencies(session, result.brand)
    currencies = {r["currency"] for r in records if r["currency"]}
    if len(currencies) > 1:
        raise InputError(f"the file mixes currencies ({', '.join(sorted(currencies))})", file=file)
    result.currency = next(iter(currencies), None)
    if result.currency and stored and result.currency not in stored:
        raise InputError(f"the file reports {result.currency} but {result.brand}'s stored performance is in "
                         f"{', '.join(sorted(stored))}; convert it first, spend in two currencies cannot be summed",
                         file=file)
    if not records and not labels:
        listed = next((s for s in result.skipped if s.listed), None)
        why = f"; line {listed.line}: {listed.reason}" if listed else ""
        raise InputError(f"no row joins a stored adloom concept of brand '{result.brand}'{why}", file=file)
    for record in records:
        record["import_id"] = digest
    result.records = len(records)
    result.labels = len(labels)
    if records:
        result.first_day = min(r["date_start"] for r in records)
        result.last_day = max(r["date_end"] for r in records)
    audit = audit or AuditLog(factory)
    with transaction(factory) as session:
        perf_store.add_import(session, digest=digest, brand=result.brand, platform=importer.platform,
                              file_name=path.name, currency=result.currency, rows=result.rows,
                              records=len(records), skipped=[_skip_json(s) for s in result.skipped if s.listed])
        result.replaced = perf_store.replace_records(session, records)
        perf_store.replace_labels(session, [{**item, "import_id": digest} for item in labels])
        # what this file stored is in hand: read back only the rest (reading 100,000 rows again cost more
        # than writing them), in the store's order
        stored_rest = perf_store.load_records(session, except_import=digest)
        everything = sorted([*stored_rest, *records], key=_by_ad_and_start)
        evidence = analyse(everything, result.brand,
                           perf_store.concept_payloads(session, {r["concept_id"] for r in records}
                                                       | _stored_concepts(session, result.brand)), options)
        result.patterns = store_patterns(session, evidence)
        ads = sorted({(r["ad_name"], r["concept_id"]) for r in records} | {(x["ad_name"], x["concept_id"])
                                                                          for x in labels})
        audit.append_many_in(session, [
            NewEvent(kinds.PERFORMANCE_IMPORTED, digest, actor, {
                "file": path.name, "sha256": digest, "platform": importer.platform, "brand": result.brand,
                "rows": result.rows, "records": len(records), "replaced": result.replaced, "labels": len(labels),
                "currency": result.currency, "from": result.first_day, "to": result.last_day,
                "skipped": len([s for s in result.skipped if s.listed]),
                "ads": [{"ad_name": name, "concept_id": cid} for name, cid in ads]}),
            NewEvent(kinds.PATTERNS_UPDATED, "patterns", actor, {**result.patterns, "import": digest}),
        ])
    return result


def _by_ad_and_start(record: dict[str, Any]) -> tuple[str, str]:
    return record["ad_name"], record["date_start"]


def _stored_concepts(session: Session, brand: str) -> set[str]:
    return {cid for items in perf_store.concept_index(session, brand).values() for cid, _, _ in items}


def _skip_json(skip: Skip) -> dict[str, Any]:
    return {"line": skip.line, "ad_name": skip.ad_name, "reason": skip.reason}


def _collect(importer: Importer, table: Any, result: ImportResult,
             progress: Callable[[int], None] | None) -> list[RawRecord]:
    raw: list[RawRecord] = []
    for item in importer.records(table):
        result.rows += 1
        if progress is not None and result.rows % 5000 == 0:
            progress(5000)
        if isinstance(item, Skip):
            result.skipped.append(item)
        else:
            raw.append(item)
    return raw


def _joined(name: AdName | None, index: dict[str, list[tuple[str, str, str]]],
            platform: str) -> tuple[AdName, str] | str:
    """The ad's name and stored concept id, or why the row is left out."""
    if name is None:
        return "the ad name does not follow the adloom naming convention"
    if name.platform and name.platform != platform:
        return f"a {name.platform} ad in a {platform} export"
    found = [c for c in index.get(name.concept, []) if c[1] == name.angle and c[2] == name.segment]
    if len(found) != 1:
        why = "no stored concept" if not found else f"{len(found)} stored concepts"
        return f"{why} with id {name.concept}, angle {name.angle} and segment {name.segment}"
    return name, found[0][0]


def _join(session: Session, raw: list[RawRecord], result: ImportResult,
          file: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records keyed by ad and range (rows of one key within the file are summed: breakdown rows such as
    placement or age split an ad's day), and Google asset labels, each joined to its stored concept."""
    index: dict[str, list[tuple[str, str, str]]] | None = None
    keyed: dict[tuple[str, str, str], dict[str, Any]] = {}
    labels: dict[tuple[str, str], dict[str, Any]] = {}
    # an export repeats each ad on every day's row: each name is parsed and joined once
    joined: dict[str, tuple[AdName, str] | str] = {}
    for rec in raw:
        hit = joined.get(rec.ad_name)
        if hit is None:
            try:
                name = parse_ad_name(rec.ad_name)
            except InputError:
                name = None
            if name is not None:
                if not result.brand:
                    result.brand = name.brand
                if name.brand != result.brand:
                    raise InputError(f"ad '{rec.ad_name}' belongs to brand '{name.brand}', not '{result.brand}'",
                                     file=file, line=rec.line, field="ad name")
                if index is None:
                    index = perf_store.concept_index(session, result.brand)
            hit = joined[rec.ad_name] = _joined(name, index or {}, result.platform)
        if isinstance(hit, str):
            result.skipped.append(Skip(rec.line, rec.ad_name, hit))
            continue
        name, concept_id = hit
        if rec.asset is not None:
            text, kind, label = rec.asset
            labels[(rec.ad_name, text)] = {"brand_slug": result.brand, "ad_name": rec.ad_name, "asset": text[:300],
                                           "asset_type": kind[:40], "concept_id": concept_id, "label": label}
            continue
        key = (rec.ad_name, rec.date_start, rec.date_end)
        row = keyed.get(key)
        if row is None:
            keyed[key] = {"brand_slug": result.brand, "platform": result.platform, "ad_name": rec.ad_name,
                          "date_start": rec.date_start, "date_end": rec.date_end, "concept_id": concept_id,
                          "angle": name.angle, "segment": name.segment, "hook": name.hook,
                          "impressions": rec.impressions, "reach": rec.reach, "frequency": rec.frequency,
                          "spend": rec.spend, "clicks": rec.clicks, "video_3s": rec.video_3s,
                          "thruplays": rec.thruplays, "purchases": rec.purchases, "revenue": rec.revenue,
                          "currency": rec.currency}
            continue
        for f in ("impressions", "spend", "clicks", "video_3s", "thruplays", "purchases", "revenue"):
            row[f] += getattr(rec, f)
        row["reach"] = (row["reach"] or 0) + (rec.reach or 0) or None
        row["frequency"] = row["impressions"] / row["reach"] if row["reach"] else row["frequency"]
    return list(keyed.values()), list(labels.values())
