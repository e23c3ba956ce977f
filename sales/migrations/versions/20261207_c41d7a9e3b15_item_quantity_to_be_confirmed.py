"""inquiry items: the quantity may be unknown ("to be confirmed")

Revision ID: c41d7a9e3b15
Revises: 9b1e4c7d2a60
Create Date: 2026-12-07 02:50:00

Hand-written. A buyer who cannot say how many after being asked twice still gets the request
stored: the item's quantity is NULL, the buyer's words are in the notes, and a person quotes it.
The downgrade refuses while such items exist (a count would have to be invented).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c41d7a9e3b15"
down_revision: str | None = "9b1e4c7d2a60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.Numeric(precision=18, scale=3)


def upgrade() -> None:
    with op.batch_alter_table("inquiry_items") as batch_op:
        batch_op.alter_column("quantity", existing_type=QUANTITY, nullable=True)


def downgrade() -> None:
    unknown = op.get_bind().execute(
        sa.text("SELECT count(*) FROM inquiry_items WHERE quantity IS NULL")
    )
    if unknown.scalar_one():
        raise RuntimeError(
            "inquiry items with a quantity to be confirmed exist; set their quantities first"
        )
    with op.batch_alter_table("inquiry_items") as batch_op:
        batch_op.alter_column("quantity", existing_type=QUANTITY, nullable=False)
