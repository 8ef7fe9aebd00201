"""First-time inserts that two processes may race to make: the loser's insert is a no-op, not an error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adloom.store.tables import Base


def insert_new(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING; returns how many rows this call inserted."""
    if not rows:
        return 0
    dialect = session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = 0
    for row in rows:    # one statement a row; RETURNING says whether it was new (psycopg reports rowcount 0 here)
        stmt: Any = insert(model).values(**row).on_conflict_do_nothing().returning(literal_column("1"))
        inserted += len(session.execute(stmt).fetchall())
    return inserted
