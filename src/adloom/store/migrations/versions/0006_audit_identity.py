"""store_meta: the store's own identity (a random id made once) and what it knows about its audit anchor

The audit anchor and signed checkpoints are keyed by ``store_id``, so verifying one database is never judged
by another database's anchor (a test store beside a demo store, two projects sharing a folder).

Revision ID: 0006_audit_identity
Revises: 0003
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0006_audit_identity"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.bulk_insert(table, [{"key": "store_id", "value": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("store_meta")
