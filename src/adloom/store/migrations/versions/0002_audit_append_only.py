"""audit_events: append-only triggers and lineage lookup indexes

The only UPDATE allowed is retention's: payload set to NULL with every other column unchanged (the chain
covers payload_hash, so it still verifies). Every other UPDATE, every DELETE and (PostgreSQL) TRUNCATE is
rejected by the database itself.

The two expression indexes let lineage find an asset id or a file's SHA-256 among a million events.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_KEPT = ("seq", "ts", "kind", "subject", "actor", "payload_hash", "prev_hash", "hash")
_MESSAGE = "audit_events is append-only"

_SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
_PG_UNCHANGED = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _KEPT)

_SQLITE = [
    f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        WHEN NOT (NEW.payload IS NULL AND {_SQLITE_UNCHANGED})
        BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: UPDATE rejected (only pruning a payload to NULL is allowed)');
        END""",
    f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: DELETE rejected'); END""",
    "CREATE INDEX ix_audit_events_asset_id ON audit_events (json_extract(payload, '$.asset_id'))",
    "CREATE INDEX ix_audit_events_sha256 ON audit_events (json_extract(payload, '$.sha256'))",
]

_POSTGRES = [
    f"""CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND NEW.payload IS NULL AND {_PG_UNCHANGED} THEN
                RETURN NEW;
            END IF;
            IF TG_OP = 'UPDATE' THEN
                RAISE EXCEPTION '{_MESSAGE}: UPDATE rejected on seq % (only pruning a payload to NULL '
                                'is allowed)', OLD.seq;
            END IF;
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION '{_MESSAGE}: DELETE rejected on seq %', OLD.seq;
            END IF;
            RAISE EXCEPTION '{_MESSAGE}: % rejected', TG_OP;
        END $$""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_guard()""",
    # row triggers do not see TRUNCATE
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard()""",
    "CREATE INDEX ix_audit_events_asset_id ON audit_events ((payload->>'asset_id'))",
    "CREATE INDEX ix_audit_events_sha256 ON audit_events ((payload->>'sha256'))",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES if dialect == "postgresql" else _SQLITE if dialect == "sqlite" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP INDEX IF EXISTS ix_audit_events_sha256")
    op.execute("DROP INDEX IF EXISTS ix_audit_events_asset_id")
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_guard()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
