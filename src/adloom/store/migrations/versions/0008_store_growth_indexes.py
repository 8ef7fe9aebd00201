"""concepts: indexes for a store of a million concepts (issue 19, bench/bench_store_growth.py)

Measured with 1,000,000 concepts in PostgreSQL, before -> after (p95):

- ``GET /concepts`` newest first, unfiltered or by status: a sort of every row (~0.5 s) -> an index on
  ``created_at`` read backwards; by brand: ``(brand_slug, created_at)``;
- ``find_concept`` by id prefix (``LIKE 'abc%'``): a sequential scan (~0.19 s) under a non-C collation ->
  ``varchar_pattern_ops`` (PostgreSQL; a plain index on SQLite, whose LIKE uses no index anyway);
- the review desk's ``sync_queue`` (concepts routed to review with no queue row): every review concept
  probed one by one (1.2-2.9 s) -> a partial index of the review concepts, merged against the queue's key;
- a brand's concept index (feedback import): ``(brand_slug, angle_id, segment_id, id)``, read without
  touching the 17 kB rows.

Revision ID: 0008_store_growth_indexes
Revises: 0007_run_units
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_store_growth_indexes"
down_revision = "0007_run_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_concepts_created_at", "concepts", ["created_at"])
    op.create_index("ix_concepts_brand_created_at", "concepts", ["brand_slug", "created_at"])
    op.create_index("ix_concepts_brand_angle_segment", "concepts", ["brand_slug", "angle_id", "segment_id", "id"])
    op.create_index("ix_concepts_id_prefix", "concepts", ["id"], postgresql_ops={"id": "varchar_pattern_ops"})
    op.create_index("ix_concepts_review", "concepts", ["id"], postgresql_where=sa.text("status = 'review'"),
                    sqlite_where=sa.text("status = 'review'"))


def downgrade() -> None:
    for name in ("ix_concepts_review", "ix_concepts_id_prefix", "ix_concepts_brand_angle_segment",
                 "ix_concepts_brand_created_at", "ix_concepts_created_at"):
        op.drop_index(name, table_name="concepts")
