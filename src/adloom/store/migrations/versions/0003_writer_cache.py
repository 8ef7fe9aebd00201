"""writer_cache: content-addressed outputs of writer calls

Key = SHA-256 over writer id, its parameters, the prompt template id@version and source, and the task.
Rerunning an unchanged brief finds every output here and makes no model call.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "writer_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("writer_id", sa.String(length=120), nullable=False),
        sa.Column("template", sa.String(length=120), nullable=False),
        sa.Column("output_type", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("writer_cache")
