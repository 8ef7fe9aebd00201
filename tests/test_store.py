from sqlalchemy import inspect

from adloom.store.db import make_engine, upgrade


def test_migrations_create_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    names = set(inspect(engine).get_table_names())
    assert {"documents", "brand_versions", "runs", "concepts", "verdicts", "patterns", "writer_calls",
            "audit_events"} <= names
    upgrade(engine)   # a second upgrade is a no-op, not an error
