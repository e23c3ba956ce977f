"""The dashboard's statements as named parts, and how they run.

A :class:`Part` reads one group of figures (the additive breakdowns, the response times, the
chats, the handoffs, the knowledge gaps, ...) for both periods on one connection and folds
what it read into the two periods' data (sales/kpi/data.py). The parts do not depend on each
other, so on PostgreSQL they run concurrently on up to :data:`LANES` connections (the
session's and pooled ones; read-only statements, each with its own READ COMMITTED snapshot,
as when they ran in turn on one connection); on SQLite one after the other on the session's
connection. bench/kpi_bench.py times each part alone: where a look's time goes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sales.kpi.data import Halves
from sales.kpi.period import Filters, Period

LANES = 3  # connections per look on PostgreSQL (the machine's cores, and one waiting on I/O)


@dataclass(frozen=True)
class Look:
    """What a look at the dashboard asks: both periods (previous, current: adjacent), the
    filters, the price book's categories and the figures' parameters (the office-hours SLA,
    how many gaps per language and abandoned RFQs are shown)."""

    periods: tuple[Period, Period]
    filters: Filters
    categories: Mapping[str, str]
    handoff_sla_s: float
    gaps_per_language: int
    abandoned_limit: int

    @property
    def window(self) -> Period:
        """The two periods together."""
        return Period(self.periods[0].start, self.periods[1].end)

    @property
    def sessions_apply(self) -> bool:
        """Whether the chat sessions' figures apply (they know their language only)."""
        return not self.filters.beyond_language


@dataclass(frozen=True)
class Part:
    """One group of figures: ``run`` reads them on a connection and folds them into the
    halves (previous, current)."""

    name: str
    run: Callable[[AsyncConnection, Halves], Awaitable[None]]


async def tune(conn: AsyncConnection) -> None:
    """PostgreSQL, for this transaction only: no JIT (compiling these plans takes longer than
    running them), and a year's rows sorted and hashed in memory, not in batches on disk."""
    await conn.execute(
        select(func.set_config("jit", "off", True), func.set_config("work_mem", "32MB", True))
    )


async def run(db: AsyncConnection, parts: Sequence[Part], halves: Halves) -> None:
    """Every part, folded into ``halves``: on PostgreSQL on ``db`` and pooled connections at
    once (each lane takes the next part not yet started), on SQLite in turn on ``db``."""
    if db.dialect.name != "postgresql":
        for part in parts:
            await part.run(db, halves)
        return
    waiting = list(parts)

    async def lane(conn: AsyncConnection) -> None:
        while waiting:
            await waiting.pop(0).run(conn, halves)

    async def aside() -> None:
        async with db.engine.connect() as conn:
            await tune(conn)
            await lane(conn)

    async with asyncio.TaskGroup() as group:
        group.create_task(lane(db))
        for _ in range(min(LANES, len(parts)) - 1):
            group.create_task(aside())


__all__ = ["LANES", "Look", "Part", "run", "tune"]
