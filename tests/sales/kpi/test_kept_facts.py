"""The dashboard reads facts kept per inquiry (sales/kpi/facts.py) and, unfiltered, their sums
kept per day and month (sales/kpi/rollups.py); these properties check, on generated order data
changed in the ways the app changes it, that every order figure equals the straightforward
computation over the order tables (tests/sales/kpi/reference.py), with filters and without,
for the previous period, for periods of days and of whole months with days around them, with
the price book stored before the changes, changed after them or never stored, and that the
migrations' backfills write the same facts, days and months as the changes did."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from sales import kpi
from sales.db import Database
from sales.kpi import Filters, Period, facts, rollups
from sales.models import (
    ChatSession,
    Inquiry,
    InquiryItem,
    KpiDaily,
    KpiMonthly,
    KpiSkuCategory,
    QuoteEvent,
)
from sales.quotes.service import expire_due
from tests.sales.kpi import reference
from tests.sales.kpi.builders import CATEGORIES, Builder, QuoteSpec, at
from tests.sales.kpi.test_invariants import DAY0, PATHS, filters_st, period_st

# periods with whole months in them (read from the kept months) and days around them, or none
# (DAY0 is the first of a month; the data's days are DAY0 to DAY0 + 40)
months_st = st.tuples(st.integers(-40, 45), st.integers(20, 80)).map(
    lambda t: Period(DAY0 + timedelta(days=t[0]), DAY0 + timedelta(days=t[0] + t[1]))
)
whole_months_st = st.sampled_from(
    [Period(date(2026, a, 1), date(2026, b, 1)) for a, b in ((10, 11), (9, 11), (10, 12), (11, 12))]
)

SKUS = [*CATEGORIES, "NOT-IN-BOOK", None]
# another price book: a category moved, one SKU dropped, one added
OTHER_BOOK = {"PNL-6060-40W": "high_bay", "HB-UFO-150W": "high_bay", "NOT-IN-BOOK": "panel"}
# the book stored before the data is written, and the one stored after the changes (None: no
# sync); the figures are asked with CATEGORIES
books_st = st.tuples(
    st.sampled_from([None, CATEGORIES, OTHER_BOOK, {}]),
    st.sampled_from([None, CATEGORIES, OTHER_BOOK]),
)
# changes made after the data is written, each in its own transaction, as the app makes them
change_st = st.one_of(
    st.tuples(st.just("accept"), st.integers(0, 50)),  # a sent quote accepted
    st.tuples(st.just("score"), st.integers(0, 50), st.one_of(st.none(), st.integers(0, 100))),
    st.tuples(st.just("market"), st.integers(0, 50), st.sampled_from(["DE", "US", "FR", None])),
    st.tuples(st.just("add_item"), st.integers(0, 50), st.sampled_from(SKUS)),
    st.tuples(st.just("drop_items"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),  # a Core DELETE
    st.tuples(st.just("expire_due")),  # sales.quotes.service.expire_due: a Core UPDATE + events
)
generated_st = st.fixed_dictionaries(
    {
        "day": st.integers(0, 40),
        "hour": st.floats(0, 23.9),
        "market": st.sampled_from(["DE", "US", None]),
        "language": st.sampled_from(["en", "de", None]),
        "business_type": st.sampled_from(["importer", "retailer", None]),
        "score": st.one_of(st.none(), st.integers(0, 100)),
        "skus": st.lists(st.sampled_from(SKUS), min_size=1, max_size=3),
        "paths": st.lists(st.sampled_from(range(len(PATHS))), max_size=2),
        "lines": st.lists(st.sampled_from(SKUS), min_size=1, max_size=3),
        "currency": st.sampled_from(["USD", "EUR"]),
        "total": st.integers(1, 9999),
    }
)


async def _write(db: Database, inquiries: list[dict[str, Any]], chats: list[int]) -> None:
    async with db.session() as session:
        for table in (Inquiry, ChatSession):
            await session.execute(delete(table))
        await session.commit()
        b = Builder(session)
        for day in chats:
            b.session(at(DAY0 + timedelta(days=day), 10), "en" if day % 2 else "de")
        for spec in inquiries:
            b.inquiry(
                at(DAY0 + timedelta(days=spec["day"]), spec["hour"]),
                language=spec["language"],
                market=spec["market"],
                business_type=spec["business_type"],
                score=spec["score"],
                skus=spec["skus"],
                quotes=[
                    QuoteSpec(PATHS[p], str(spec["total"] + n), spec["currency"],
                              lines=[(sku, str(10 + k)) for k, sku in enumerate(spec["lines"])])
                    for n, p in enumerate(spec["paths"]) if PATHS[p]
                ],
            )  # fmt: skip
        await b.done()


async def _change(db: Database, change: tuple[Any, ...]) -> None:
    async with db.session() as session:
        if change[0] == "expire_due":
            await expire_due(session, today=date(2027, 2, 1))  # after every valid_until
            return
        inquiries = list(
            (
                await session.execute(
                    select(Inquiry)
                    .options(selectinload(Inquiry.items), selectinload(Inquiry.quotes))
                    .order_by(Inquiry.id)
                )
            ).scalars()
        )
        if not inquiries:
            return
        inquiry = inquiries[change[1] % len(inquiries)]
        kind = change[0]
        if kind == "accept":
            sent = [q for q in inquiry.quotes if q.status == "sent"]
            if not sent:
                return
            quote = sent[-1]
            quote.status = "accepted"
            session.add(
                QuoteEvent(quote_id=quote.id, at=inquiry.created_at + timedelta(days=9),
                           actor="buyer", action="accepted", from_status="sent",
                           to_status="accepted")
            )  # fmt: skip
        elif kind == "score":
            inquiry.lead_score = change[2]
        elif kind == "market":
            inquiry.destination_country = change[2]
        elif kind == "add_item":
            inquiry.items.append(
                InquiryItem(position=len(inquiry.items) + 1, sku=change[2], description="more")
            )
        elif kind == "drop_items":
            for item in inquiry.items[1:]:
                await session.delete(item)
        elif kind == "delete":  # as the tests clean up: the kept facts go by the foreign key
            await session.execute(delete(Inquiry).where(Inquiry.id == inquiry.id))
        await session.commit()


async def _sync(db: Database, book: dict[str, str] | None) -> None:
    if book is None:
        return
    async with db.session() as session:
        await session.run_sync(lambda s: rollups.sync_categories(s.connection(), book))
        await session.commit()


async def _facts(db: Database) -> dict[str, set[tuple[Any, ...]]]:
    out = {}
    async with db.session() as session:
        for model in (*facts.TABLES, KpiDaily, KpiMonthly, KpiSkuCategory):
            rows = await session.execute(select(*model.__table__.columns))
            out[model.__tablename__] = {tuple(row) for row in rows}
    return out


def _approx(value: Any) -> Any:
    """Floats compared to the last few digits (a median by the database interpolates)."""
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-9, abs=1e-9)
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_approx(v) for v in value]
    return value


async def _check(
    url: str,
    inquiries: list[dict[str, Any]],
    chats: list[int],
    changes: list[tuple[Any, ...]],
    period: Period,
    filters: Filters,
    books: tuple[dict[str, str] | None, dict[str, str] | None],
) -> None:
    db = Database(url)
    try:
        await _sync(db, books[0])
        await _write(db, inquiries, chats)
        for change in changes:
            await _change(db, change)
        await _sync(db, books[1])
        async with db.session() as session:
            service = await kpi.compute(session, period, filters, categories=CATEGORIES)
            loaded = await reference.load(session)
            sessions = list((await session.execute(select(ChatSession))).scalars())
        for of, got in ((period, service), (period.previous, service["previous"])):
            expected = reference.figures(loaded, sessions, of, filters, CATEGORIES)
            assert reference.of_service(got) == _approx(expected), of
        # the backfills (migrations e4b7d2a9c631, 8d3f5b1c7e24, 51f7386e9233) write exactly
        # what the changes kept: the facts, and the days and months with the stored book
        kept = await _facts(db)
        async with db.session() as session:
            await session.run_sync(lambda s: facts.refresh(s.connection(), None))
            await session.commit()
        assert await _facts(db) == kept
    finally:
        await db.dispose()


_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
_GIVEN = {
    "inquiries": st.lists(generated_st, max_size=10),
    "chats": st.lists(st.integers(0, 40), max_size=4),
    "changes": st.lists(change_st, max_size=4),
    "period": st.one_of(period_st, months_st, whole_months_st),
    # unfiltered (the kept days) half of the time: filters_st is almost never all None
    "filters": st.one_of(st.just(Filters()), filters_st),
    "books": books_st,
}


@settings(max_examples=40, **_SETTINGS)  # type: ignore[arg-type]
@given(**_GIVEN)
def test_figures_from_kept_facts_equal_the_straightforward_count_sqlite(
    migrated_sqlite_url: str,
    inquiries: list[dict[str, Any]],
    chats: list[int],
    changes: list[tuple[Any, ...]],
    period: Period,
    filters: Filters,
    books: tuple[dict[str, str] | None, dict[str, str] | None],
) -> None:
    asyncio.run(_check(migrated_sqlite_url, inquiries, chats, changes, period, filters, books))


@pytest.mark.postgres
@settings(max_examples=15, **_SETTINGS)  # type: ignore[arg-type]
@given(**_GIVEN)
def test_figures_from_kept_facts_equal_the_straightforward_count_postgres(
    migrated_postgres_url: str,
    inquiries: list[dict[str, Any]],
    chats: list[int],
    changes: list[tuple[Any, ...]],
    period: Period,
    filters: Filters,
    books: tuple[dict[str, str] | None, dict[str, str] | None],
) -> None:
    asyncio.run(_check(migrated_postgres_url, inquiries, chats, changes, period, filters, books))


@pytest.mark.postgres
async def test_two_transactions_refreshing_one_inquiry_take_turns(
    migrated_postgres_url: str,
) -> None:
    """The second refresh waits for the first and replaces its rows (without the inquiry's row
    lock its INSERT collided with the rows the first one had just committed)."""
    db = Database(migrated_postgres_url)
    try:
        await _write(db, [{"day": 1, "hour": 9.0, "market": "DE", "language": "en",
                           "business_type": None, "score": 50, "skus": list(CATEGORIES),
                           "paths": [2], "lines": ["PNL-6060-40W"], "currency": "USD",
                           "total": 100}], [])  # fmt: skip
        kept = await _facts(db)
        (inquiry_id,) = {row[0] for row in kept["kpi_inquiry_facts"]}
        async with db.engine.connect() as first, db.engine.connect() as second:
            await first.run_sync(lambda c: facts.refresh(c, [inquiry_id]))
            waiting = asyncio.ensure_future(
                second.run_sync(lambda c: facts.refresh(c, [inquiry_id]))
            )
            await asyncio.sleep(0.5)
            assert not waiting.done()  # held by the first one's lock
            await first.commit()
            await asyncio.wait_for(waiting, timeout=10)
            await second.commit()
        assert await _facts(db) == kept
    finally:
        await db.dispose()
