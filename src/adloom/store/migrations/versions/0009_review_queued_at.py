"""review_items: an index on queued_at (issue 19)

Finished runs now queue their own review concepts, from whichever process finishes them, so the desk no
longer rescans the concepts table every 15 s to find new items; the newest ``queued_at`` (one index lookup
with this index) tells it that its cached queue totals are out of date.

Revision ID: 0009_review_queued_at
Revises: 0004_review
"""
from alembic import op

revision = "0009_review_queued_at"
down_revision = "0004_review"      # the review branch (independent features branch off 0003)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_review_items_queued_at", "review_items", ["queued_at"])


def downgrade() -> None:
    op.drop_index("ix_review_items_queued_at", table_name="review_items")
