"""``Annotated`` aliases routes use: who is calling (by role), the store, the app's shared services."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from adloom.api.security import request_session, require
from adloom.store.accounts import Principal

__all__ = ["Admin", "Reviewer", "SessionDep"]

Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]


# the same dependency the role check reads the caller through: one session per request
SessionDep = Annotated[Session, Depends(request_session)]
