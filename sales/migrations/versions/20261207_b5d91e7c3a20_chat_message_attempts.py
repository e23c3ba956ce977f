"""chat messages: failed engine attempts and the reason a turn was given up

Revision ID: b5d91e7c3a20
Revises: f3a8c2d61b47
Create Date: 2026-12-07 12:30:00

Hand-written (issue 14, the replay of kept messages). A buyer message whose turn the engine
fails every time (while it is up) was replayed for ever and blocked the session's later
messages. ``attempts`` counts the failed attempts; after CHAT_REPLAY_MAX_ATTEMPTS of them and
CHAT_REPLAY_GIVE_UP_S since the message was stored the message is given up: handled, with the
reason in ``failure`` (sales/replay.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b5d91e7c3a20"
down_revision: str | None = "f3a8c2d61b47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("failure", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_messages") as batch:
        batch.drop_column("failure")
        batch.drop_column("attempts")
