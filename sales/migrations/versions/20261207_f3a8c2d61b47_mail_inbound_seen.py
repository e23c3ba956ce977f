"""the replies mailbox (IMAP): the messages the poller handled

Revision ID: f3a8c2d61b47
Revises: 4c8e2a6f1d93
Create Date: 2026-12-07 12:00:00

Hand-written (issue 18). ``mail_inbound_seen``: one row per message taken from the replies
mailbox, by its folder, UIDVALIDITY and UID (unique), with its Message-ID and what became of it,
so a message is handled once even when moving it away failed or two instances poll at once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3a8c2d61b47"
down_revision: str | None = "4c8e2a6f1d93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_inbound_seen",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("mailbox", sa.String(length=255), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_inbound_seen")),
        sa.UniqueConstraint(
            "mailbox", "uid_validity", "uid", name=op.f("uq_mail_inbound_seen_mailbox")
        ),
    )
    op.create_index(
        op.f("ix_mail_inbound_seen_message_id"), "mail_inbound_seen", ["message_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_inbound_seen_message_id"), table_name="mail_inbound_seen")
    op.drop_table("mail_inbound_seen")
