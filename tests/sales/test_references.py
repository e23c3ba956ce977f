from __future__ import annotations

import asyncio
import re

from sales.db import Database
from sales.references import INQUIRY_PREFIX, QUOTE_PREFIX, next_reference


async def test_format_and_sequence(database: Database) -> None:
    async with database.session() as db:
        first = await next_reference(db, prefix=INQUIRY_PREFIX, year=2026)
        second = await next_reference(db, prefix=INQUIRY_PREFIX, year=2026)
        quote = await next_reference(db, prefix=QUOTE_PREFIX, year=2026)
        await db.commit()
    assert first == "RFQ-2026-000001"
    assert second == "RFQ-2026-000002"
    assert quote == "Q-2026-000001"
    assert re.fullmatch(r"RFQ-\d{4}-\d{6}", first)


async def test_rolled_back_number_is_given_again(database: Database) -> None:
    async with database.session() as db:
        await next_reference(db, prefix=INQUIRY_PREFIX, year=2027)
        await db.rollback()
    async with database.session() as db:
        again = await next_reference(db, prefix=INQUIRY_PREFIX, year=2027)
        await db.commit()
    assert again == "RFQ-2027-000001"


async def test_concurrent_writers_get_distinct_gapless_numbers(database: Database) -> None:
    async def one() -> str:
        async with database.session() as db:
            ref = await next_reference(db, prefix=QUOTE_PREFIX, year=2030)
            await asyncio.sleep(0)
            await db.commit()
            return ref

    refs = await asyncio.gather(*(one() for _ in range(20)))
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in refs)
    assert numbers == list(range(1, 21))
