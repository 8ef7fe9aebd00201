"""run_units: a run's units of work as a queue sees them (scale-out on Celery workers)

One row per unit of one run: a concept unit (angle x segment), a render unit (one concept's files) or the
export. ``key`` is the unit's content key (the Celery task id); ``deliveries`` counts the times a worker
started it, so a redelivered unit shows; ``result`` is what the driver gathers. Written in the same
transaction as the unit's concept, call rows and audit events, so "done" and the results commit together.

Revision ID: 0007_run_units
Revises: 0006_audit_identity
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_run_units"
down_revision = "0006_audit_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_units",
        sa.Column("run_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "kind", "unit"),
    )
    op.create_index("ix_run_units_key", "run_units", ["key"])


def downgrade() -> None:
    op.drop_index("ix_run_units_key", table_name="run_units")
    op.drop_table("run_units")
