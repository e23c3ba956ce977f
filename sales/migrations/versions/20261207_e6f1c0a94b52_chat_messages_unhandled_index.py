"""chat messages: a partial index on the messages the engine has not answered (the replay job)

Revision ID: e6f1c0a94b52
Revises: d8e2b5a7c913
Create Date: 2026-12-07 06:00:00

Hand-written (issue 14, the replay of kept messages). Every app instance runs the replay job's
query (sales/conversations.py, ``sessions_with_unhandled``: buyer messages not handled, older
than the engine's timeout) every CHAT_REPLAY_INTERVAL_S. Without an index it read the whole
table: on PostgreSQL 15 with 500,000 messages (25,000 sessions) a parallel sequential scan,
56-120 ms a pass; with this index (``created_at`` of the unhandled rows only, a handful at any
time) a bitmap index scan, 0.08 ms. The predicate is written as the query writes it
(``handled IS false``; SQLite ``handled IS 0``) so both planners use the index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e6f1c0a94b52"
down_revision: str | None = "d8e2b5a7c913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_chat_messages_unhandled",
        "chat_messages",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("handled IS false"),
        sqlite_where=sa.text("handled IS 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_chat_messages_unhandled", table_name="chat_messages")
