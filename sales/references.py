"""Gapless, never-reused references: RFQ-2026-000123, Q-2026-000045.

The counter row is bumped inside the caller's transaction with an atomic
``UPDATE ... RETURNING``; PostgreSQL's row lock serialises concurrent writers and SQLite
serialises every writer, so two transactions never get the same number, and a rolled-back
transaction gives its number back (no gaps).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import ReferenceCounter

INQUIRY_PREFIX = "RFQ"
QUOTE_PREFIX = "Q"


async def next_reference(db: AsyncSession, *, prefix: str, year: int | None = None) -> str:
    year = year or datetime.now(UTC).year
    dialect = db.bind.dialect.name
    values = {"prefix": prefix, "year": year, "last_value": 0}
    if dialect == "postgresql":
        stmt = pg_insert(ReferenceCounter).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(ReferenceCounter).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported backends reach here
        stmt = insert(ReferenceCounter).values(values)
    await db.execute(stmt)
    result = await db.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_value=ReferenceCounter.last_value + 1)
        .returning(ReferenceCounter.last_value)
    )
    value = result.scalar_one()
    return f"{prefix}-{year}-{value:06d}"
