"""chat messages: the client's message id (idempotent turns) and the buyer message a reply answers

Revision ID: 5e2f8a1c9d47
Revises: c41d7a9e3b15
Create Date: 2026-12-07 04:00:00

Hand-written (issue 14, finding 5). ``client_message_id``: the id a client gives a buyer
message, unique per session, so that a repeat returns the first answer instead of running the
turn again. ``reply_to``: on bot messages, the seq of the buyer message they answer (a repeat
finds its answer by it, also when replies to earlier kept messages came in between).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e2f8a1c9d47"
down_revision: str | None = "c41d7a9e3b15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch_op:
        batch_op.add_column(sa.Column("client_message_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reply_to", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            "uq_chat_messages_client_id", ["session_id", "client_message_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch_op:
        batch_op.drop_constraint("uq_chat_messages_client_id", type_="unique")
        batch_op.drop_column("reply_to")
        batch_op.drop_column("client_message_id")
