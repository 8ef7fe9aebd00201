"""review desk: users, web sessions, API tokens, the review queue, decisions and rule candidates

Revision ID: 0004_review
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "review_items",
        sa.Column("concept_id", sa.String(length=64), nullable=False),
        sa.Column("brand_slug", sa.String(length=120), nullable=False),
        sa.Column("run_id", sa.String(length=80), nullable=True),
        sa.Column("angle_id", sa.String(length=64), nullable=False),
        sa.Column("segment_id", sa.String(length=64), nullable=False),
        sa.Column("platforms", sa.String(length=64), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("group_key", sa.String(length=32), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("concept_id"),
    )
    op.create_index("ix_review_items_brand_slug", "review_items", ["brand_slug"])
    op.create_index("ix_review_items_run_id", "review_items", ["run_id"])
    op.create_index("ix_review_items_group_key", "review_items", ["group_key"])
    op.create_index("ix_review_items_state_risk", "review_items", ["state", "risk", "concept_id"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("concept_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("queued_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_decisions_concept_id", "review_decisions", ["concept_id"])
    op.create_index("ix_review_decisions_reviewer", "review_decisions", ["reviewer"])
    op.create_index("ix_review_decisions_phrase", "review_decisions", ["phrase"])
    op.create_index("ix_review_decisions_created_at", "review_decisions", ["created_at"])
    op.create_table(
        "rule_candidates",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    for table in ("rule_candidates", "review_decisions", "review_items", "api_tokens", "web_sessions", "users"):
        op.drop_table(table)
