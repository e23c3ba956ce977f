"""indexes for the sales manager's figures: inquiry_items.inquiry_id, quotes.inquiry_id,
quote_lines.quote_id

Revision ID: 0b6d2f4e8a17
Revises: e6f1c0a94b52
Create Date: 2026-12-07 06:20:00

The dashboard (sales/kpi) reads a period's inquiries' items and quotes and the quotes' lines
by these keys; without an index each read scanned the whole table (100k inquiries: 200k items
scanned for every dashboard).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0b6d2f4e8a17"
down_revision: str | None = "e6f1c0a94b52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("inquiry_items", "ix_inquiry_items_inquiry_id", "inquiry_id"),
    ("quotes", "ix_quotes_inquiry_id", "inquiry_id"),
    ("quote_lines", "ix_quote_lines_quote_id", "quote_id"),
)


def upgrade() -> None:
    for table, name, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, [column], unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
