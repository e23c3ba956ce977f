"""email to buyers: the mails sent per outbox event, and the addresses that get no more mail

Revision ID: d8e2b5a7c913
Revises: a7c3e91f4b28
Create Date: 2026-12-07 06:00:00

Hand-written. ``mail_sends``: one row per outbox event the email channel handled (sent, or
skipped: no address, unsubscribed, bounced), keyed by the event's key, so a retried event is
never mailed twice. ``mail_suppressions``: addresses (by the SHA-256 of the lower-case address)
that unsubscribed or bounced for good.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d8e2b5a7c913"
down_revision: str | None = "a7c3e91f4b28"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_suppressions",
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address_hash", name=op.f("pk_mail_suppressions")),
    )
    op.create_table(
        "mail_sends",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_sends")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_mail_sends_dedupe_key")),
    )
    op.create_index(op.f("ix_mail_sends_reference"), "mail_sends", ["reference"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_sends_reference"), table_name="mail_sends")
    op.drop_table("mail_sends")
    op.drop_table("mail_suppressions")
