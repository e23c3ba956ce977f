"""the sales manager's sums kept per month; what the dashboard reads of a handoff kept on it

Revision ID: 51f7386e9233
Revises: 8d3f5b1c7e24
Create Date: 2026-12-07 22:10:00

Issue 17 (the dashboard's speed, a year in under 300 ms). ``kpi_monthly``: ``kpi_daily``'s rows
summed per calendar month, rewritten with its days (sales/kpi/rollups.py), so a year reads its
whole months (a few thousand rows) instead of every day's (seventy thousand). On ``handoffs``
(sales/kpi/replies.py): ``inside_hours`` and ``rfq_contact`` (the summary's JSON, read at every
look for every handoff of the period) and ``has_inquiry`` (a probe into the inquiries per RFQ),
with a partial index on the possible abandoned RFQs (an RFQ contact, no inquiry). Filled here
by the statements that keep them in every later write's transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "51f7386e9233"
down_revision: str | None = "8d3f5b1c7e24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# as the dashboard's query writes it, so that both planners use the index
ABANDONED = {
    "postgresql": "rfq_contact AND NOT has_inquiry",
    "sqlite": "rfq_contact = 1 AND has_inquiry = 0",
}


def upgrade() -> None:
    op.create_table(
        "kpi_monthly",
        sa.Column("month", sa.Date(), nullable=False),
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
        sa.PrimaryKeyConstraint("month", "kind", "key", "currency", name=op.f("pk_kpi_monthly")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        for name in ("inside_hours", "rfq_contact", "has_inquiry"):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        batch_op.create_index(
            "ix_handoffs_abandoned",
            ["requested_at"],
            unique=False,
            postgresql_where=sa.text(ABANDONED["postgresql"]),
            sqlite_where=sa.text(ABANDONED["sqlite"]),
        )

    from sales.kpi import replies, rollups  # the same statements as every later write

    rollups.recompute_months(op.get_bind(), None)
    replies.refresh(op.get_bind(), None)


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_abandoned")
        for name in ("has_inquiry", "rfq_contact", "inside_hours"):
            batch_op.drop_column(name)
    op.drop_table("kpi_monthly")
