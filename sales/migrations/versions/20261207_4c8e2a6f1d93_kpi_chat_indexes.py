"""indexes for the sales manager's figures: the rep replies in a chat, chat sessions by time

Revision ID: 4c8e2a6f1d93
Revises: 0b6d2f4e8a17
Create Date: 2026-12-07 07:00:00

Hand-written (issue 17, the dashboard at 100k inquiries and 1M chat messages a year;
bench/kpi_bench.py). EXPLAIN ANALYZE on PostgreSQL 15 of a 28-day period and the 28 days
before it:

- ``ix_chat_messages_agent_replies``: the first rep message at or after each handoff
  (``handoff_to_first_rep_reply``) was a bitmap scan of the chat's whole transcript per
  handoff (about ten messages read and filtered, 0.019 ms x 6,830 handoffs); with this
  partial index (rep messages only, a few percent of the table, so little to keep up on
  every chat message) one index-only probe each (0.002 ms). The predicate is written as the
  query writes it (``role = 'agent'``, a literal) so that the planner uses it.
- ``ix_chat_sessions_created_at``: the funnel's ``chats`` counted the period's sessions by a
  sequential scan of every session (120,000: 40 ms at load 4); an index-only range scan
  (34,000 entries: 8 ms).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c8e2a6f1d93"
down_revision: str | None = "0b6d2f4e8a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_chat_messages_agent_replies",
        "chat_messages",
        ["session_id", "created_at"],
        unique=False,
        postgresql_where=sa.text("role = 'agent'"),
        sqlite_where=sa.text("role = 'agent'"),
    )
    op.create_index("ix_chat_sessions_created_at", "chat_sessions", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_chat_sessions_created_at", table_name="chat_sessions")
    op.drop_index("ix_chat_messages_agent_replies", table_name="chat_messages")
