"""Checkpoints: the head of the chain as it was, kept outside the database, signed, and witnessed.

A hash chain proves that no stored event was edited in place; it cannot prove that the tail was not cut off,
or that someone who owns the database did not rebuild the whole chain. A checkpoint records (store id, last
seq, head hash). Kept where the database owner cannot reach it, it turns both into a visible break:

    anchor   PROJECT/.adloom/anchors/<store_id>.json   the latest checkpoint, written after each run
    key      ADLOOM_AUDIT_KEY (an Ed25519 private key file outside the store): checkpoints are signed,
             so an anchor or witness line cannot be forged by editing a file
    witness  ADLOOM_AUDIT_WITNESS: a file the signed checkpoints are appended to (one JSON line each), or an
             http(s) URL they are POSTed to; somewhere the operator controls and the database owner does not

Anchors are keyed by the store's identity (``store_meta.store_id``), so one database is never judged by
another's anchor. The store remembers the seq of its last anchor: once one was written, a missing anchor
file is a failure, not a silently skipped check.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ValidationError
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from adloom import jcs
from adloom.audit.chain import now_ts
from adloom.audit.log import read_head
from adloom.errors import ConfigError, InputError
from adloom.store.tables import StoreMetaRow
from adloom.store.upsert import insert_new

ANCHOR_SEQ = "anchor_seq"       # store_meta key: the seq the last anchor recorded ("an anchor exists")
WITNESS_SEQ = "witness_seq"     # ... and the last one handed to a witness


class Checkpoint(BaseModel):
    store_id: str
    events: int
    last_seq: int
    head_hash: str
    written_at: str
    key_id: str | None = None       # first 16 hex of SHA-256 of the raw public key
    signature: str | None = None    # Ed25519 over the RFC 8785 JSON of every other field, base64

    def signed_bytes(self) -> bytes:
        return jcs.dumps(self.model_dump(exclude={"signature"}))


# ---------------------------------------------------------------- identity


def store_identity(session: Session) -> str:
    row = session.get(StoreMetaRow, "store_id")
    if row is None:     # a store made before migration 0006 stored it: give it an identity now
        insert_new(session, StoreMetaRow, [{"key": "store_id", "value": os.urandom(16).hex()}])
        row = session.get(StoreMetaRow, "store_id")
        assert row is not None
    return row.value


def recorded_anchor_seq(session: Session, key: str = ANCHOR_SEQ) -> int | None:
    row = session.get(StoreMetaRow, key)
    return int(row.value) if row is not None else None


def anchor_path(anchor_dir: Path, store_id: str) -> Path:
    return anchor_dir / f"{store_id}.json"


# ---------------------------------------------------------------- keys


def generate_key(path: Path) -> str:
    """Write a new Ed25519 private key (PEM, mode 0600); refuse to overwrite. Returns its key id."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{path} already exists; not overwriting a signing key") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key_id(key.public_key())


def load_key(path: Path, *, store_dir: Path | None = None) -> Ed25519PrivateKey:
    """The signing key named in settings; it must live outside the store (``store_dir``), or whoever can
    change the database can also sign a rebuilt chain."""
    if store_dir is not None and path.resolve().is_relative_to(store_dir.resolve()):
        raise ConfigError(f"the audit key {path} lies inside the store folder {store_dir}: keep it where the "
                          "database owner cannot read it", field="ADLOOM_AUDIT_KEY")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise ConfigError(f"cannot read the audit key {path}: {exc.strerror or exc}",
                          field="ADLOOM_AUDIT_KEY") from None
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{path} is not a PEM private key: {exc}", field="ADLOOM_AUDIT_KEY") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 key (make one with `adloom audit keygen`)",
                          field="ADLOOM_AUDIT_KEY")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> Checkpoint:
    unsigned = checkpoint.model_copy(update={"key_id": key_id(key.public_key()), "signature": None})
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode("ascii")
    return unsigned.model_copy(update={"signature": signature})


def signature_problem(checkpoint: Checkpoint, public: Ed25519PublicKey) -> str | None:
    """None when ``checkpoint`` carries a valid signature by ``public``; else what is wrong."""
    if checkpoint.signature is None:
        return "is not signed, but a signing key is configured"
    if checkpoint.key_id != key_id(public):
        return f"is signed by key {checkpoint.key_id}, not by the configured key {key_id(public)}"
    try:
        public.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return "has a signature that does not match its contents (forged or edited)"
    return None


# ---------------------------------------------------------------- writing


class Checkpointer:
    """Writes a checkpoint after a run: the anchor file, signed when a key is given, and the witness."""

    def __init__(self, anchor_dir: Path, *, key: Ed25519PrivateKey | None = None,
                 witness: str | None = None, anchor_file: Path | None = None) -> None:
        self.anchor_dir = anchor_dir
        self.anchor_file = anchor_file      # an explicit file instead of ANCHOR_DIR/<store_id>.json
        self.key = key
        self.witness = witness

    def write(self, factory: sessionmaker[Session]) -> Checkpoint:
        with factory() as session, session.begin():
            store_id = store_identity(session)
            last_seq, head = read_head(session)
            checkpoint = Checkpoint(store_id=store_id, events=last_seq, last_seq=last_seq, head_hash=head,
                                    written_at=now_ts())
            if self.key is not None:
                checkpoint = sign(checkpoint, self.key)
            _write_atomically(self.anchor_file or anchor_path(self.anchor_dir, store_id),
                              checkpoint.model_dump_json(indent=2) + "\n")
            _remember(session, ANCHOR_SEQ, last_seq)
        if self.witness:
            witness_append(self.witness, checkpoint)
            with factory() as session, session.begin():
                _remember(session, WITNESS_SEQ, last_seq)
        return checkpoint


def _remember(session: Session, key: str, seq: int) -> None:
    """Insert or update in one statement each: two runs ending at once on a new store both found no row and
    both inserted one (a unique violation that failed the second run; tests/store/test_concurrent_start)."""
    if not insert_new(session, StoreMetaRow, [{"key": key, "value": str(seq)}]):
        session.execute(update(StoreMetaRow).where(StoreMetaRow.key == key).values(value=str(seq)))


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def witness_append(witness: str, checkpoint: Checkpoint) -> None:
    """Hand the checkpoint to the witness: a line appended to a file, or a POST to a URL."""
    line = checkpoint.model_dump_json()
    if witness.startswith(("http://", "https://")):
        import httpx  # ~0.05 s of imports, for a URL witness only (every `adloom run` imports this module)

        try:
            response = httpx.post(witness, content=line, headers={"content-type": "application/json"},
                                  timeout=10.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ConfigError(f"the audit witness {witness} did not take the checkpoint at seq "
                              f"{checkpoint.last_seq}: {exc}", field="ADLOOM_AUDIT_WITNESS") from None
        return
    path = Path(witness)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


# ---------------------------------------------------------------- reading


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        return Checkpoint.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise InputError(f"anchor file {path} does not exist") from exc
    except (OSError, ValueError, ValidationError) as exc:
        raise InputError(f"anchor file {path} is not a valid audit anchor: {_first_line(exc)}") from exc


def witnessed(path: Path, store_id: str) -> Iterator[tuple[int, Checkpoint]]:
    """(line number, checkpoint) of every line of a witness file that belongs to ``store_id``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the audit witness {path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
            checkpoint = Checkpoint.model_validate(data)
        except (ValueError, ValidationError) as exc:
            raise InputError(f"{path}:{number}: not a checkpoint line: {_first_line(exc)}") from None
        if checkpoint.store_id == store_id:
            yield number, checkpoint


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


__all__ = ["Checkpoint", "Checkpointer", "anchor_path", "generate_key", "key_id", "load_key", "read_checkpoint",
           "recorded_anchor_seq", "sign", "signature_problem", "store_identity", "witness_append", "witnessed"]
