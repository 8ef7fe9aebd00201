"""feedback: performance imports, per-ad performance records, and the pattern library's evidence columns

performance_imports: one row per imported file (id = the file's SHA-256), so a re-import is a no-op.
performance_labels: Google's asset labels (BEST, GOOD, LOW, LEARNING, PENDING) per ad and asset.
performance_records: one row per ad per reporting range (a day, or a start..end range); the unique key makes
a later file's figures for the same ad and range replace the earlier ones instead of adding to them.
patterns gains what a learned pattern carries: the brand it was learned for (NULL: shipped or global), the
dimension and key it decomposes (angle, hook structure, trigger, format, length, segment, arm), the Beta
posterior (alpha, beta) and its mean and credible interval, the impressions behind it and its winner count.

Revision ID: 0005_feedback
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_feedback"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_imports",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("brand_slug", sa.String(length=120), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_performance_imports_brand_slug", "performance_imports", ["brand_slug"])
    op.create_table(
        "performance_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("brand_slug", sa.String(length=120), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("ad_name", sa.String(length=200), nullable=False),
        sa.Column("date_start", sa.String(length=10), nullable=False),
        sa.Column("date_end", sa.String(length=10), nullable=False),
        sa.Column("concept_id", sa.String(length=64), nullable=False),
        sa.Column("angle", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("hook", sa.String(length=16), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=True),
        sa.Column("frequency", sa.Float(), nullable=True),
        sa.Column("spend", sa.Float(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("video_3s", sa.BigInteger(), nullable=False),
        sa.Column("thruplays", sa.BigInteger(), nullable=False),
        sa.Column("purchases", sa.Float(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("import_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brand_slug", "platform", "ad_name", "date_start", "date_end",
                            name="uq_performance_records_key"),
    )
    op.create_index("ix_performance_records_concept_id", "performance_records", ["concept_id"])
    op.create_table(
        "performance_labels",
        sa.Column("brand_slug", sa.String(length=120), nullable=False),
        sa.Column("ad_name", sa.String(length=200), nullable=False),
        sa.Column("asset", sa.String(length=300), nullable=False),
        sa.Column("asset_type", sa.String(length=40), nullable=False),
        sa.Column("concept_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("import_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("brand_slug", "ad_name", "asset"),
    )
    with op.batch_alter_table("patterns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand_slug", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("dimension", sa.String(length=32), nullable=False, server_default="angle"))
        batch_op.add_column(sa.Column("key", sa.String(length=160), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("alpha", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("beta", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("mean", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("low", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("high", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("impressions", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("winners", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_patterns_brand_slug", ["brand_slug"])


def downgrade() -> None:
    with op.batch_alter_table("patterns", schema=None) as batch_op:
        batch_op.drop_index("ix_patterns_brand_slug")
        for column in ("winners", "impressions", "high", "low", "mean", "beta", "alpha", "key", "dimension",
                       "brand_slug"):
            batch_op.drop_column(column)
    op.drop_table("performance_labels")
    op.drop_index("ix_performance_records_concept_id", table_name="performance_records")
    op.drop_table("performance_records")
    op.drop_index("ix_performance_imports_brand_slug", table_name="performance_imports")
    op.drop_table("performance_imports")
