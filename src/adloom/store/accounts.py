"""Desk accounts: users with argon2 password hashes, server-side web sessions, hashed bearer tokens.

Session and API tokens are 256-bit random strings handed to the client once; the store keeps only their
SHA-256 (a fast hash is right for high-entropy secrets, unlike passwords), so a leaked database opens
nothing.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adloom.errors import InputError, NotFound
from adloom.store.tables import ApiTokenRow, UserRow, WebSessionRow

__all__ = ["ROLES", "Principal", "Role", "add_user", "authenticate", "create_token", "end_session",
           "has_role", "principal_for_session", "principal_for_token", "start_session"]

Role = Literal["reviewer", "admin"]
ROLES: tuple[Role, ...] = ("reviewer", "admin")
_RANK = {"reviewer": 1, "admin": 2}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}")
_HASHER = PasswordHasher()          # argon2id, the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
    Made on first use: an argon2 hash costs half a second of CPU every CLI command would pay at import."""
    return _HASHER.hash("adloom-no-such-user")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (by session) or a machine (by bearer token)."""

    name: str
    role: Role
    kind: Literal["user", "token", "cli"]
    csrf: str | None = None          # the session's CSRF token; None for bearer tokens


def has_role(principal: Principal, needed: Role) -> bool:
    return _RANK[principal.role] >= _RANK[needed]


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)    # SQLite hands back naive datetimes


def _check(name: str, role: str) -> Role:
    if not _NAME.fullmatch(name):
        raise InputError(f"name '{name}' must be 1-80 letters, digits or _.@- and start with a letter or digit",
                         field="name")
    if role not in ROLES:
        raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}", field="--role")
    return cast(Role, role)


def add_user(session: Session, name: str, role: str, password: str) -> None:
    role = _check(name, role)
    if len(password) < 10:
        raise InputError("the password must be at least 10 characters", field="password")
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise InputError(f"user '{name}' already exists", field="name")
    session.add(UserRow(name=name, role=role, password_hash=_HASHER.hash(password), disabled=0,
                        created_at=_now()))


def authenticate(session: Session, name: str, password: str) -> UserRow | None:
    """The user if the password is right, else None; rehashes when argon2's parameters have moved on."""
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    try:
        _HASHER.verify(row.password_hash if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = _HASHER.hash(password)
    return row


def start_session(session: Session, user: UserRow, hours: float) -> tuple[str, str]:
    """A fresh session for ``user``: (cookie token, CSRF token). Always new, so a token planted before
    sign-in (session fixation) never becomes an authenticated one."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
    session.add(WebSessionRow(token_hash=sha256(token), user_id=user.id, csrf=csrf, created_at=now,
                              expires_at=now + timedelta(hours=hours)))
    return token, csrf


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == sha256(token)))


def principal_for_session(session: Session, token: str) -> Principal | None:
    found = session.execute(
        select(WebSessionRow.expires_at, WebSessionRow.csrf, UserRow.name, UserRow.role, UserRow.disabled)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(WebSessionRow.token_hash == sha256(token))).first()
    if found is None or found.disabled or _aware(found.expires_at) < _now():
        return None
    return Principal(found.name, cast(Role, found.role), "user", found.csrf)


def create_token(session: Session, name: str, role: str) -> str:
    """A new bearer token (returned once, stored hashed)."""
    role = _check(name, role)
    if session.scalar(select(ApiTokenRow.id).where(ApiTokenRow.name == name)) is not None:
        raise InputError(f"a token named '{name}' already exists", field="name")
    token = "adl_" + secrets.token_urlsafe(32)
    session.add(ApiTokenRow(name=name, role=role, token_hash=sha256(token), revoked=0, created_at=_now()))
    return token


def revoke_token(session: Session, name: str) -> None:
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.name == name))
    if row is None:
        raise NotFound(f"no token named '{name}'")
    row.revoked = 1


def principal_for_token(session: Session, token: str) -> Principal | None:
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == sha256(token)))
    if row is None or row.revoked:
        return None
    return Principal(row.name, cast(Role, row.role), "token")


def list_users(session: Session) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.name)))
