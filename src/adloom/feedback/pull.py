"""`adloom feedback pull`: a publisher's insights, written as the platform's own export file and imported.

The rows go through the importer a downloaded export goes through (``feedback.imports.import_file``), so a
pulled figure lands exactly where the same figure typed into Ads Manager's export would: same column
mapping (TikTok's 2-second views as the hook-rate play, its 6-second views as the hold), same join by ad
name, same audit events. The file stays in the project (``.adloom/pulls/``) as the record of what was read;
pulling the same figures again is the re-import of an identical file, which changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.deploy.base import InsightRow, Publisher
from adloom.errors import InputError
from adloom.platforms import Platform
from adloom.store.tables import AuditEventRow

__all__ = ["COLUMNS", "export_text", "last_deployed_account", "pull_file"]

DEPLOY_STARTED = "deploy.started"        # audit kind deploy.record writes (payload platform, account, ...)

# header -> how the row's value is written; the headers are the ones each platform's importer reads
Column = tuple[str, Callable[[InsightRow], object]]
COLUMNS: dict[Platform, tuple[Column, ...]] = {
    "meta": (
        ("Reporting starts", lambda r: r.date_start.isoformat()),
        ("Reporting ends", lambda r: r.date_end.isoformat()),
        ("Campaign name", lambda r: r.campaign_name), ("Ad Set Name", lambda r: r.ad_group_name),
        ("Ad name", lambda r: r.ad_name), ("Amount spent", lambda r: f"{r.spend:.2f}"),
        ("Impressions", lambda r: r.impressions), ("Reach", lambda r: r.reach or ""),
        ("Link clicks", lambda r: r.clicks), ("3-second video plays", lambda r: r.video_3s),
        ("ThruPlays", lambda r: r.thruplays), ("Purchases", lambda r: _g(r.purchases)),
        ("Purchases conversion value", lambda r: f"{r.revenue:.2f}"), ("Currency", lambda r: r.currency or ""),
    ),
    "tiktok": (
        ("Start date", lambda r: r.date_start.isoformat()), ("End date", lambda r: r.date_end.isoformat()),
        ("Campaign name", lambda r: r.campaign_name), ("Ad group name", lambda r: r.ad_group_name),
        ("Ad ID", lambda r: r.ad_id), ("Ad name", lambda r: r.ad_name), ("Cost", lambda r: f"{r.spend:.2f}"),
        ("Impressions", lambda r: r.impressions), ("Reach", lambda r: r.reach or ""),
        ("Clicks (destination)", lambda r: r.clicks), ("2-second video views", lambda r: r.video_3s),
        ("6-second video views", lambda r: r.video_15s), ("Video views at 100%", lambda r: r.thruplays),
        ("Complete payment", lambda r: _g(r.purchases)), ("Complete payment value", lambda r: f"{r.revenue:.2f}"),
        ("Currency", lambda r: r.currency or ""),
    ),
    "google": (
        ("Day", lambda r: r.date_start.isoformat()), ("Campaign", lambda r: r.campaign_name),
        ("Ad group", lambda r: r.ad_group_name), ("Labels", lambda r: r.ad_name),
        ("Cost", lambda r: f"{r.spend:.2f}"), ("Impr.", lambda r: r.impressions), ("Clicks", lambda r: r.clicks),
        ("Conversions", lambda r: _g(r.purchases)), ("Conv. value", lambda r: f"{r.revenue:.2f}"),
        ("Currency code", lambda r: r.currency or ""),
    ),
}


def _g(value: float) -> str:
    return f"{value:g}"


def export_text(platform: Platform, rows: Sequence[InsightRow]) -> str:
    """The rows as the platform's export CSV, in a stable order (so equal figures make an identical file)."""
    if platform == "google" and any(r.date_start != r.date_end for r in rows):
        raise InputError("Google insights must come per day (the Day column)", field="date")
    columns = COLUMNS[platform]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header for header, _ in columns])
    for row in sorted(rows, key=lambda r: (r.ad_name, r.date_start, r.date_end)):
        writer.writerow([value(row) for _, value in columns])
    return out.getvalue()


async def pull_file(publisher: Publisher, account: str, since: date, until: date, folder: Path) -> tuple[Path, int]:
    """Read every insight row since..until and write them as an export file in ``folder``; (path, rows)."""
    if until < since:
        raise InputError(f"--until {until} is before --since {since}", field="--since")
    rows = await publisher.insights(account, since, until)
    if not rows:
        raise InputError(f"{publisher.platform} reported no adloom ad (adl_…) for account {account} between {since} "
                         f"and {until}", field="--since")
    text = export_text(publisher.platform, rows)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    safe_account = "".join(c if c.isalnum() else "-" for c in account)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{publisher.platform}-{safe_account}-{since}-{until}-{digest}.csv"
    path.write_text(text, encoding="utf-8")
    return path, len(rows)


def last_deployed_account(session: Session, platform: str) -> str | None:
    """The ad account of this project's latest deploy to ``platform``, from the audit log; None if never."""
    rows = session.execute(select(AuditEventRow.payload).where(AuditEventRow.kind == DEPLOY_STARTED)
                           .order_by(AuditEventRow.seq.desc()))
    for (raw,) in rows:
        payload = json.loads(raw) if isinstance(raw, str | bytes) else raw
        if not isinstance(payload, dict) or payload.get("platform") != platform:
            continue
        account = str(payload.get("account") or "")
        # an id the audit redactor masked (a dashed Google id reads like a phone number) cannot be used
        if account and "[" not in account:
            return account
    return None
