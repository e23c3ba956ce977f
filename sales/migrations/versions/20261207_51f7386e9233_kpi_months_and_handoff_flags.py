"""the sales manager's sums kept per month, durations kept in buckets; what the dashboard
reads of a handoff kept on it; every kept row filled

Revision ID: 51f7386e9233
Revises: 8d3f5b1c7e24
Create Date: 2026-12-07 22:10:00

Issue 17 (the dashboard's speed, a year in under 300 ms). ``kpi_monthly``: ``kpi_daily``'s rows
summed per calendar month, rewritten with its days (sales/kpi/rollups.py), so a year reads its
whole months (a few thousand rows) instead of every day's (seventy thousand). On ``handoffs``
(sales/kpi/replies.py): ``inside_hours`` and ``rfq_contact`` (the summary's JSON, read at every
look for every handoff of the period) and ``has_inquiry`` (a probe into the inquiries per RFQ),
with a partial index on the possible abandoned RFQs (an RFQ contact, no inquiry). The buckets
of the durations (``sent_bucket``, ``won_bucket`` on ``kpi_inquiry_facts``, ``bucket`` on
``kpi_approval_waits``: sales/kpi/histograms.py), indexed by bucket and time, so that a long
period's exact median and p90 read its kept histogram and one bucket's durations, not every
duration.

Every kept row (the facts, days and months, sales/kpi/facts.py and rollups.py; the handoffs'
columns, replies.py) is filled here, by the statements that keep them in every later write's
transaction; the earlier migrations of kept rows (e4b7d2a9c631, 8d3f5b1c7e24) no longer fill
them, as those statements write what did not exist at their revisions. A later change to the
kept rows moves the filling to its own migration in the same way.
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

    with op.batch_alter_table("kpi_inquiry_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_bucket", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("won_bucket", sa.SmallInteger(), nullable=True))
        for name, value in (("sent_bucket", "first_sent_at"), ("won_bucket", "won_at")):
            batch_op.create_index(
                f"ix_kpi_inquiry_facts_{name}",
                [name, "created_at"],
                unique=False,
                postgresql_include=[value],
                postgresql_where=sa.text(f"{name} IS NOT NULL"),
            )
    with op.batch_alter_table("kpi_approval_waits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bucket", sa.SmallInteger(), nullable=True))

    from sales.kpi import facts, replies  # the same statements as every later write

    facts.refresh(op.get_bind(), None)  # the facts, their days and months
    replies.refresh(op.get_bind(), None)

    with op.batch_alter_table("kpi_approval_waits", schema=None) as batch_op:
        batch_op.alter_column("bucket", existing_type=sa.SmallInteger(), nullable=False)
        batch_op.create_index(
            "ix_kpi_approval_waits_bucket",
            ["bucket", "created_at"],
            unique=False,
            postgresql_include=["submitted_at", "decided_at"],
        )


def downgrade() -> None:
    with op.batch_alter_table("kpi_approval_waits", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_approval_waits_bucket")
        batch_op.drop_column("bucket")
    with op.batch_alter_table("kpi_inquiry_facts", schema=None) as batch_op:
        for name in ("won_bucket", "sent_bucket"):
            batch_op.drop_index(f"ix_kpi_inquiry_facts_{name}")
            batch_op.drop_column(name)
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_abandoned")
        for name in ("has_inquiry", "rfq_contact", "inside_hours"):
            batch_op.drop_column(name)
    op.drop_table("kpi_monthly")
