"""``Annotated`` aliases routes use: who is calling (by role), the store, the app's shared services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from adloom.api.security import require
from adloom.store.accounts import Principal

__all__ = ["Admin", "Reviewer", "SessionDep"]

Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.config.factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]
