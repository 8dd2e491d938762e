"""Each matter's checklist counted beside it (matter_progress), kept by the portal in the same
transaction as every change to an item, its evidence or a version; filled here from the items.
And a partial index of the items still asked for that have a due date: the overdue ones are found
without reading the rest. The checklist dashboard counted all 100,000 items of a big practice on
every load (bench/staff_pages: 117 of 283 ms on SQLite).

Revision ID: 0010_matter_progress
Revises: 0009_request_counts_index
Create Date: 2026-12-03 08:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

revision: str = '0010_matter_progress'
down_revision: Union[str, None] = '0009_request_counts_index'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OVERDUE_CANDIDATE = "removed_at IS NULL AND status IN ('requested', 'rejected') AND due_date IS NOT NULL"

FILL = """
INSERT INTO matter_progress (matter_id, total, received, complete, missing, awaiting_review)
SELECT r.matter_id, COUNT(*),
       SUM(CASE WHEN r.status IN ('uploaded', 'accepted', 'waived') THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status IN ('accepted', 'waived') THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.status IN ('requested', 'rejected') THEN 1 ELSE 0 END),
       (SELECT COUNT(*) FROM document_version v
          JOIN document d ON d.id = v.document_id
          JOIN document_request i ON i.id = d.request_id
         WHERE d.kind = 'evidence' AND v.review_status = 'pending'
           AND i.matter_id = r.matter_id AND i.removed_at IS NULL)
  FROM document_request r
 WHERE r.removed_at IS NULL
 GROUP BY r.matter_id
"""


def upgrade() -> None:
    op.create_table(
        "matter_progress",
        sa.Column("matter_id", sa.Uuid(), sa.ForeignKey("matter.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("awaiting_review", sa.Integer(), nullable=False),
    )
    op.execute(FILL)
    op.create_index("ix_document_request_overdue", "document_request", ["due_date", "matter_id"],
                    sqlite_where=sa.text(OVERDUE_CANDIDATE), postgresql_where=sa.text(OVERDUE_CANDIDATE))


def downgrade() -> None:
    op.drop_index("ix_document_request_overdue", table_name="document_request")
    op.drop_table("matter_progress")
