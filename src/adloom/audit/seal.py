"""Content seals: what a stored concept says, and what a rendered file holds, recorded in the audit chain and
checked before either is reused or exported.

Issue 16 found the concept table outside the chain: editing a stored concept's text in the database got it
exported as approved by ``adloom export`` and reused by ``run --force`` while ``audit verify`` said OK.
Now every write of a concept's payload appends a ``concept.sealed`` event (subject: the concept id) with
the SHA-256 of its draft (the copy that ships), in the same transaction; reads for reuse and export
compare the stored draft with the latest seal and refuse a mismatch (``ContentMismatch``, one line).
Rendered files are checked against the SHA-256 their ``asset.rendered`` event recorded.

Only the draft is sealed: a status change (approve, reject) is a review decision with its own event. A
concept stored before seals existed has none and is read unverified; retention never prunes a seal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import kinds
from adloom.audit.chain import canonical
from adloom.audit.log import AuditLog, NewEvent
from adloom.errors import ContentMismatch

__all__ = ["asset_hashes", "check_asset_files", "check_concept_payloads", "check_run_assets", "draft_digest",
           "seal_concept", "unsealed_edits"]

# append_many_in needs only the session it is given; seals carry hashes only, so nothing to redact
_SEALS = AuditLog(sessionmaker(), redact=None)


def draft_digest(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a concept payload's draft (``null`` for a failed concept)."""
    return hashlib.sha256(canonical({"draft": payload.get("draft")})).hexdigest()


def seal_concept(session: Session, concept_id: str, payload: Mapping[str, Any]) -> None:
    """Record the draft's hash in the chain, in the caller's transaction (it commits with the row)."""
    _SEALS.append_many_in(session, [NewEvent(kinds.CONCEPT_SEALED, concept_id, "system", {
        "draft_sha256": draft_digest(payload), "attempt": payload.get("attempt"),
        "status": payload.get("status")})])


def _latest(session: Session, kind: str, subjects: Sequence[str]) -> Iterable[tuple[str, dict[str, Any]]]:
    """(subject, payload) of each ``kind`` event for these subjects, oldest first."""
    query = text("SELECT subject, payload FROM audit_events WHERE kind = :kind AND subject IN :subjects "
                 "ORDER BY seq").bindparams(bindparam("subjects", expanding=True))
    for start in range(0, len(subjects), 500):
        for subject, payload in session.execute(query, {"kind": kind, "subjects": list(subjects[start:start + 500])}):
            data = json.loads(payload) if isinstance(payload, str | bytes) else payload
            if isinstance(data, dict):
                yield str(subject), data


def check_concept_payloads(session: Session, payloads: Sequence[Mapping[str, Any]]) -> None:
    """Refuse, naming the first, any stored concept whose draft differs from its latest seal."""
    if not payloads:
        return
    sealed: dict[str, str] = {}
    for subject, data in _latest(session, kinds.CONCEPT_SEALED, [str(p["id"]) for p in payloads]):
        sealed[subject] = str(data.get("draft_sha256"))
    bad = [p for p in payloads if str(p["id"]) in sealed and draft_digest(p) != sealed[str(p["id"])]]
    if bad:
        first = str(bad[0]["id"])
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise ContentMismatch(
            f"stored concept {first}{more} differs from the text the audit chain sealed for it (draft SHA-256 "
            f"{draft_digest(bad[0])[:12]}…, sealed {sealed[first][:12]}…): the database was edited outside "
            "adloom; refusing to reuse or export it")


def asset_hashes(session: Session, concept_ids: Sequence[str]) -> dict[str, set[str]]:
    """asset id -> every SHA-256 an ``asset.rendered`` event recorded for it (subject: the concept id); a
    file rendered again in another run folder may differ byte for byte and still be one of adloom's."""
    out: dict[str, set[str]] = {}
    for _, data in _latest(session, kinds.ASSET_RENDERED, list(dict.fromkeys(concept_ids))):
        if data.get("asset_id") and data.get("sha256"):
            out.setdefault(str(data["asset_id"]), set()).add(str(data["sha256"]))
    return out


def check_asset_files(recorded: Mapping[str, set[str]], assets: Iterable[tuple[str, Path]]) -> None:
    """Each (asset id, file) whose hash the chain recorded must still be such a file, byte for byte."""
    for asset_id, path in assets:
        expected = recorded.get(asset_id)
        if not expected:
            continue
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise ContentMismatch(f"rendered file is unreadable ({exc.strerror or exc}); refusing to export "
                                  "it: render again with `adloom run`", file=str(path)) from None
        if digest not in expected:
            raise ContentMismatch(f"rendered file differs from what the audit chain recorded for it (SHA-256 "
                                  f"{digest[:12]}…: changed or truncated); refusing to export it: render again "
                                  "with `adloom run`", file=str(path))


def check_run_assets(session: Session, assets: Iterable[Any], run_dir: Path) -> None:
    """A run's rendered files (``Asset``: id, concept_id, path relative to the run folder) against the chain."""
    listed = list(assets)
    recorded = asset_hashes(session, [a.concept_id for a in listed])
    check_asset_files(recorded, [(a.id, run_dir / a.path) for a in listed])


def unsealed_edits(session: Session) -> list[str]:
    """Ids of every stored concept whose draft differs from its latest seal (for ``audit verify``)."""
    rows = session.execute(text("SELECT id, payload FROM concepts")).all()
    payloads = {str(cid): (json.loads(p) if isinstance(p, str | bytes) else p) for cid, p in rows}
    sealed: dict[str, str] = {}
    for subject, data in _latest(session, kinds.CONCEPT_SEALED, list(payloads)):
        sealed[subject] = str(data.get("draft_sha256"))
    return [cid for cid, p in payloads.items() if cid in sealed and draft_digest(p) != sealed[cid]]
