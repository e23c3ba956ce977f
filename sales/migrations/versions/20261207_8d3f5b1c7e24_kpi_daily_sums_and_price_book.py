"""the sales manager's additive figures kept per day, the price book's categories stored, a
handoff's first rep reply kept

Revision ID: 8d3f5b1c7e24
Revises: e4b7d2a9c631
Create Date: 2026-12-07 19:00:00

Issue 17 (the dashboard's speed). ``kpi_daily``: per UTC creation day of the inquiries, the sums
of the additive figures (markets, languages, lead-score buckets, categories and their line
values, SKUs, pipeline) per key and currency, so an unfiltered period reads a few thousand rows
instead of every inquiry's facts; ``kpi_sku_categories``: the price book's SKU -> category
mapping those category rows were written with (the app stores its book at start,
sales/kpi/rollups.py's ``sync_categories``). Filled from the kept facts with the empty mapping
(the book is a file the app loads) by migration 51f7386e9233; written in the transaction of
every change (sales/kpi/facts.py). ``handoffs.first_reply_at``: the first rep message in the
chat at or after the handoff (sales/kpi/replies.py), instead of a probe into the chat messages
per handoff at every look; ``handoffs.requested_at`` indexed (a period's handoffs were a
sequential scan of all of them). ``knowledge_gaps.question_key``: the question as the dashboard
groups it (trimmed, whitespace collapsed, case-folded: ``sales.models.question_key``, which no
SQL function matches exactly), so the database groups a period's gaps instead of the app reading
every one of them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sales.models import question_key

revision: str = "8d3f5b1c7e24"
down_revision: str | None = "e4b7d2a9c631"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_sku_categories",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_kpi_sku_categories")),
    )
    op.create_table(
        "kpi_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("quoted", sa.Integer(), nullable=False),
        sa.Column("won", sa.Integer(), nullable=False),
        sa.Column("after_approval", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("won_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.PrimaryKeyConstraint("day", "kind", "key", "currency", name=op.f("pk_kpi_daily")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_handoffs_requested_at"), ["requested_at"], unique=False
        )

    with op.batch_alter_table("knowledge_gaps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_key", sa.Text(), nullable=True))
    gaps = sa.table(
        "knowledge_gaps", sa.column("id", sa.BigInteger()), sa.column("question", sa.Text())
    )
    bind = op.get_bind()
    keyed = sa.table("knowledge_gaps", sa.column("id"), sa.column("question_key"))
    update = (
        sa.update(keyed)
        .where(keyed.c.id == sa.bindparam("gap_id"))
        .values(question_key=sa.bindparam("key"))
    )
    rows = [
        {"gap_id": gap_id, "key": question_key(question)}
        for gap_id, question in bind.execute(sa.select(gaps.c.id, gaps.c.question))
    ]
    for start in range(0, len(rows), 5000):
        bind.execute(update, rows[start : start + 5000])
    with op.batch_alter_table("knowledge_gaps", schema=None) as batch_op:
        batch_op.alter_column("question_key", existing_type=sa.Text(), nullable=False)

    # kpi_daily and first_reply_at are filled by the latest migration of the kept rows
    # (51f7386e9233), with the statements that keep them in every later write's transaction:
    # they write columns and tables that do not exist yet at this revision


def downgrade() -> None:
    with op.batch_alter_table("knowledge_gaps", schema=None) as batch_op:
        batch_op.drop_column("question_key")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoffs_requested_at"))
        batch_op.drop_column("first_reply_at")

    op.drop_table("kpi_daily")
    op.drop_table("kpi_sku_categories")
