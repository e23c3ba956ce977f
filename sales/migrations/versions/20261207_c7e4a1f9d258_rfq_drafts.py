"""requests for quotation in progress whose buyer gave an email address

Revision ID: c7e4a1f9d258
Revises: b5d91e7c3a20
Create Date: 2026-12-07 12:10:00

Hand-written (issue 18). ``rfq_drafts``: one row per chat session whose RFQ form has an email
address and no inquiry yet (the address, the language, the products and quantities asked for),
so the abandoned-RFQ mail reaches forms left without a handoff. Deleted with the inquiry's
creation and with the chat session.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7e4a1f9d258"
down_revision: str | None = "b5d91e7c3a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rfq_drafts",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["chat_sessions.id"],
            name=op.f("fk_rfq_drafts_session_id_chat_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_rfq_drafts")),
    )
    op.create_index(op.f("ix_rfq_drafts_updated_at"), "rfq_drafts", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rfq_drafts_updated_at"), table_name="rfq_drafts")
    op.drop_table("rfq_drafts")
