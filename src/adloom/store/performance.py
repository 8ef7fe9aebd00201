"""Performance-record queries. Plain functions on a caller-owned session: they never commit.

Records are keyed by (brand, platform, ad name, start, end): a later file's figures for the same key
replace the stored ones, so importing overlapping exports never counts a day twice at the same key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from adloom.store.tables import ConceptRow, PerformanceImportRow, PerformanceLabelRow, PerformanceRecordRow

__all__ = ["RECORD_FIELDS", "add_import", "brand_currencies", "concept_index", "concept_payloads", "get_import",
           "load_labels", "load_records", "replace_labels", "replace_records"]

RECORD_FIELDS = ("brand_slug", "platform", "ad_name", "date_start", "date_end", "concept_id", "angle", "segment",
                 "hook", "impressions", "reach", "frequency", "spend", "clicks", "video_3s", "thruplays",
                 "purchases", "revenue", "currency", "import_id")
_KEY_BATCH = 400


def get_import(session: Session, digest: str) -> PerformanceImportRow | None:
    return session.get(PerformanceImportRow, digest)


def add_import(session: Session, *, digest: str, brand: str, platform: str, file_name: str, currency: str | None,
               rows: int, records: int, skipped: list[dict[str, Any]]) -> None:
    session.add(PerformanceImportRow(id=digest, brand_slug=brand, platform=platform, file_name=file_name,
                                     currency=currency, rows=rows, records=records,
                                     imported_at=datetime.now(UTC), skipped=skipped))
    session.flush()


def brand_currencies(session: Session, brand: str) -> set[str]:
    rows = session.scalars(select(PerformanceImportRow.currency).where(PerformanceImportRow.brand_slug == brand)
                           .distinct())
    return {c for c in rows if c}


def concept_index(session: Session, brand: str) -> dict[str, list[tuple[str, str, str]]]:
    """concept id prefix (8 hex) -> [(concept id, angle id, segment id)] of the brand's stored concepts."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for cid, angle, segment in session.execute(select(ConceptRow.id, ConceptRow.angle_id, ConceptRow.segment_id)
                                               .where(ConceptRow.brand_slug == brand)):
        out.setdefault(cid[:8], []).append((cid, angle, segment))
    return out


def concept_payloads(session: Session, concept_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = sorted(set(concept_ids))
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _KEY_BATCH):
        for cid, payload in session.execute(select(ConceptRow.id, ConceptRow.payload)
                                            .where(ConceptRow.id.in_(ids[i:i + _KEY_BATCH]))):
            out[cid] = payload
    return out


def replace_records(session: Session, records: Sequence[dict[str, Any]]) -> int:
    """Store ``records`` (dicts of RECORD_FIELDS); stored rows with the same key are replaced. Returns how
    many stored rows were replaced."""
    if not records:
        return 0
    brand, platform = records[0]["brand_slug"], records[0]["platform"]
    keys = [(r["ad_name"], r["date_start"], r["date_end"]) for r in records]
    replaced = 0
    key_cols = tuple_(PerformanceRecordRow.ad_name, PerformanceRecordRow.date_start, PerformanceRecordRow.date_end)
    stored = {tuple(k) for k in session.execute(
        select(PerformanceRecordRow.ad_name, PerformanceRecordRow.date_start, PerformanceRecordRow.date_end)
        .where(PerformanceRecordRow.brand_slug == brand, PerformanceRecordRow.platform == platform))}
    clash = [k for k in keys if k in stored]
    for i in range(0, len(clash), _KEY_BATCH):
        result = session.execute(delete(PerformanceRecordRow).where(
            PerformanceRecordRow.brand_slug == brand, PerformanceRecordRow.platform == platform,
            key_cols.in_(clash[i:i + _KEY_BATCH])))
        replaced += int(getattr(result, "rowcount", 0) or 0)
    # straight to the driver's executemany: compiling parameters per row in SQLAlchemy cost more than the
    # database's own work for a 100,000-row export
    conn = session.connection()
    row_of = itemgetter(*RECORD_FIELDS)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(f"INSERT INTO performance_records ({', '.join(RECORD_FIELDS)}) "
                         f"VALUES ({', '.join([mark] * len(RECORD_FIELDS))})",
                         [row_of(r) for r in records])
    return replaced


def load_records(session: Session, brand: str | None = None, *,
                 except_import: str | None = None) -> list[dict[str, Any]]:
    """Stored records as dicts (every brand when ``brand`` is None), ordered by ad and start date;
    ``except_import`` leaves out the records one import stored (its caller holds them already)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conditions, params = [], []
    if brand is not None:
        conditions.append(f"brand_slug = {mark}")
        params.append(brand)
    if except_import is not None:
        conditions.append(f"import_id <> {mark}")
        params.append(except_import)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    # the driver's own rows: SQLAlchemy's Row objects cost more than the query for 100,000 records
    rows = conn.exec_driver_sql(f"SELECT {', '.join(RECORD_FIELDS)} FROM performance_records{where} "
                                "ORDER BY ad_name, date_start", tuple(params)).fetchall()
    return [dict(zip(RECORD_FIELDS, row, strict=True)) for row in rows]


def replace_labels(session: Session, labels: Sequence[dict[str, Any]]) -> None:
    for item in labels:
        session.merge(PerformanceLabelRow(**item))
    session.flush()


def load_labels(session: Session, brand: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(PerformanceLabelRow).where(PerformanceLabelRow.brand_slug == brand)
                           .order_by(PerformanceLabelRow.ad_name, PerformanceLabelRow.asset))
    return [{"ad_name": r.ad_name, "asset": r.asset, "asset_type": r.asset_type, "concept_id": r.concept_id,
             "label": r.label} for r in rows]
