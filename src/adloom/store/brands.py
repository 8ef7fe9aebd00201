"""Stored brand versions: every version a run or an approval used, with its parent and source documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.store.tables import BrandVersionRow
from adloom.store.upsert import insert_new
from adloom.types import BrandObject

__all__ = ["BrandVersionInfo", "get_version", "latest_version", "list_versions", "record_version"]


@dataclass(frozen=True)
class BrandVersionInfo:
    version: str
    brand_slug: str
    created_at: datetime
    parent: str | None
    document_ids: list[str]


def record_version(session: Session, brand: BrandObject, document_ids: list[str],
                   parent: str | None = None) -> bool:
    """Store ``brand`` under its version; False if that version is already stored (idempotent).

    Without an explicit ``parent`` the newest stored version of the same brand becomes the parent.
    """
    version = brand.version()
    if session.get(BrandVersionRow, version) is not None:
        return False
    if parent is None:
        latest = latest_version(session, brand.slug)
        parent = latest.version if latest else None
    # another process may store the same version between the check above and this insert
    return insert_new(session, BrandVersionRow, [{
        "version": version, "brand_slug": brand.slug, "created_at": datetime.now(UTC), "parent": parent,
        "document_ids": list(document_ids), "payload": brand.model_dump(mode="json")}]) == 1


def get_version(session: Session, version: str) -> BrandObject | None:
    row = session.get(BrandVersionRow, version)
    return BrandObject.model_validate(row.payload) if row is not None else None


def list_versions(session: Session, slug: str) -> list[BrandVersionInfo]:
    """Oldest first."""
    rows = session.scalars(select(BrandVersionRow).where(BrandVersionRow.brand_slug == slug)
                           .order_by(BrandVersionRow.created_at, BrandVersionRow.version))
    return [BrandVersionInfo(r.version, r.brand_slug, r.created_at, r.parent, list(r.document_ids))
            for r in rows]


def latest_version(session: Session, slug: str) -> BrandVersionInfo | None:
    versions = list_versions(session, slug)
    return versions[-1] if versions else None
