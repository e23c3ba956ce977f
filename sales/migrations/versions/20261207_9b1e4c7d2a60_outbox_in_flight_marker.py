"""outbox deliveries: an in-flight marker (which attempt is sending, since when)

Revision ID: 9b1e4c7d2a60
Revises: f35153cc870a
Create Date: 2026-12-07 00:55:00

Hand-written. ``sending_id`` names the attempt delivering the row right now (set before the
handler runs, cleared when it ends); ``sending_at`` says when the last attempt started and stays
after one that did not succeed, so the next attempt first looks for what it may have posted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b1e4c7d2a60"
down_revision: str | None = "f35153cc870a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_deliveries") as batch_op:
        batch_op.add_column(sa.Column("sending_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_deliveries") as batch_op:
        batch_op.drop_column("sending_at")
        batch_op.drop_column("sending_id")
