"""The knowledge gaps the dashboard shows, grouped by the database on the kept question_key,
equal the straightforward grouping in Python (tests/sales/kpi/reference.py) on generated
questions: reworded by case and whitespace (also Unicode case folding the database has no
function for: 'Straße' / 'STRASSE'), several sessions and none, languages and none, ties, and
more questions than are shown."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from sales import kpi
from sales.db import Database
from sales.kpi import Filters, Period
from sales.models import ChatSession, KnowledgeGap
from tests.sales.kpi import reference
from tests.sales.kpi.builders import CATEGORIES, Builder, at

DAY0 = date(2026, 10, 1)
WORDINGS = [
    "Do you ship to Chile?",
    "  do you SHIP to   chile?",
    "Straße Lampe?",
    "STRASSE lampe?",
    "Ist das IP65?",
    "ist das ip65 ?",
    "\tWarranty\non the panel?",
    "warranty on the panel?",
]
gap_st = st.tuples(
    st.sampled_from(WORDINGS),
    st.integers(0, 20),  # day
    st.floats(0, 23.9),  # hour
    st.sampled_from(["en", "de", None]),
    st.one_of(st.none(), st.integers(0, 3)),  # session
)


async def _check(
    url: str, gaps: list[tuple[Any, ...]], start: int, days: int, language: str | None, limit: int
) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            await session.execute(delete(KnowledgeGap))
            await session.execute(delete(ChatSession))
            b = Builder(session)
            sids = [b.session(at(DAY0, 8)) for _ in range(4)]
            for question, day, hour, lang, who in gaps:
                when = at(DAY0 + timedelta(days=day), hour)
                b.gap(question, when, lang, None if who is None else sids[who])
            await b.done()
        period = Period(DAY0 + timedelta(days=start), DAY0 + timedelta(days=start + days))
        async with db.session() as session:
            got = await kpi.compute(
                session, period, Filters(language=language), categories=CATEGORIES,
                gaps_per_language=limit,
            )  # fmt: skip
            rows = list((await session.execute(select(KnowledgeGap))).scalars())
        for of, figures in ((period, got), (period.previous, got["previous"])):
            assert figures["knowledge_gaps"] == reference.top_gaps(rows, of, language, limit)
    finally:
        await db.dispose()


_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
# folded alike by str.casefold only, not by lower(): grouped as one question
_FOLDED = {
    "gaps": [("Straße Lampe?", 3, 9.0, "de", 0), ("STRASSE lampe?", 3, 10.0, "de", 1)],
    "start": 3,
    "days": 1,
    "language": None,
    "limit": 2,
}
_GIVEN: dict[str, Any] = {
    "gaps": st.lists(gap_st, max_size=25),
    "start": st.integers(0, 15),
    "days": st.integers(1, 10),
    "language": st.sampled_from([None, "en", "de"]),
    "limit": st.integers(1, 4),
}


@settings(max_examples=40, **_SETTINGS)
@given(**_GIVEN)
@example(**_FOLDED)
def test_gaps_grouped_by_the_database_sqlite(
    migrated_sqlite_url: str,
    gaps: list[tuple[Any, ...]],
    start: int,
    days: int,
    language: str | None,
    limit: int,
) -> None:
    asyncio.run(_check(migrated_sqlite_url, gaps, start, days, language, limit))


@pytest.mark.postgres
@settings(max_examples=20, **_SETTINGS)
@given(**_GIVEN)
@example(**_FOLDED)
def test_gaps_grouped_by_the_database_postgres(
    migrated_postgres_url: str,
    gaps: list[tuple[Any, ...]],
    start: int,
    days: int,
    language: str | None,
    limit: int,
) -> None:
    asyncio.run(_check(migrated_postgres_url, gaps, start, days, language, limit))
