"""A long unfiltered period's medians and p90s come from the kept histograms and one bucket's
durations each (sales/kpi/histograms.py). Properties: the buckets order the durations (SQLite
and PostgreSQL compute the same bucket a value's comparisons give), a rank's place in a
histogram is its place in the sorted durations, and on PostgreSQL (the only place the path is
taken) the response times of generated quotes, with ties and durations on the buckets' bounds,
equal the percentiles over every duration (tests/sales/kpi/reference.py), for the period and the
one before."""

from __future__ import annotations

import asyncio
import bisect
import math
import statistics
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Float, cast, create_engine, delete, literal, select

from sales import kpi
from sales.db import Database, sync_url
from sales.kpi import Filters, Period, histograms, plan, service
from sales.models import ChatSession, Inquiry
from tests.sales.kpi import reference
from tests.sales.kpi.builders import CATEGORIES, Builder, QuoteSpec, at

BOUNDS = histograms.BOUNDS
DAY0 = date(2026, 2, 1)  # the data's days: DAY0 to DAY0 + 239
PERIOD = Period(date(2026, 6, 1), date(2026, 9, 29))  # 120 days; the one before from DAY0
_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@settings(max_examples=200, deadline=None)
@given(
    histogram=st.dictionaries(st.integers(0, len(BOUNDS)), st.integers(1, 9), min_size=1),
    data=st.data(),
)
def test_a_rank_is_found_where_the_sorted_durations_hold_it(
    histogram: dict[int, int], data: st.DataObject
) -> None:
    ordered = [bucket for bucket in sorted(histogram) for _ in range(histogram[bucket])]
    rank = data.draw(st.integers(1, len(ordered)))
    found = histograms.place(histogram, rank)
    assert found.bucket == ordered[rank - 1]
    assert found.offset == rank - 1 - ordered.index(found.bucket)


@pytest.mark.parametrize("n", range(1, 40))
def test_the_ranks_are_those_of_the_percentiles(n: int) -> None:
    values = [float(v * v) for v in range(n)]
    low, high = histograms.median_ranks(n)
    assert histograms.median(values[low - 1], values[high - 1]) == statistics.median(values)
    assert values[histograms.p90_rank(n) - 1] == values[math.ceil(0.9 * n) - 1]


_values_st = st.lists(
    st.one_of(
        st.sampled_from([float(b) for b in BOUNDS[:60]]),  # on a bound
        st.floats(-10, 1e9, allow_nan=False),
        st.none(),
    ),
    min_size=1,
    max_size=30,
)


def _buckets(url: str, values: list[float | None]) -> list[int | None]:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            return [
                conn.execute(select(histograms.bucket_of(cast(literal(v), Float)))).scalar_one()
                for v in values
            ]
    finally:
        engine.dispose()


def _check_buckets(url: str, values: list[float | None]) -> None:
    bounds = [float(b) for b in BOUNDS]  # the databases compare the value with each as a double
    for value, bucket in zip(values, _buckets(url, values), strict=True):
        if value is None:
            assert bucket is None
        else:  # the index of the first bound above the value
            assert bucket == bisect.bisect_right(bounds, value)


@settings(max_examples=30, **_SETTINGS)
@given(values=_values_st)
def test_a_bucket_is_the_range_of_bounds_that_holds_the_value_sqlite(
    sqlite_url: str, values: list[float | None]
) -> None:
    _check_buckets(sqlite_url, values)


@pytest.mark.postgres
@settings(max_examples=15, **_SETTINGS)
@given(values=_values_st)
def test_a_bucket_is_the_range_of_bounds_that_holds_the_value_postgres(
    postgres_url: str, values: list[float | None]
) -> None:
    _check_buckets(postgres_url, values)


# hours after the inquiry: anything, the same few (ties), a bucket's bound (in seconds)
hours_st = st.one_of(
    st.floats(0.01, 3000),
    st.sampled_from([0.5, 2.0, 24.0]),
    st.sampled_from([float(b) / 3600 for b in BOUNDS[40:110]]),
)
inquiry_st = st.tuples(
    st.integers(0, 239),  # day
    st.sampled_from(["sent", "won", "approved", "approved_won", "rejected", "draft"]),
    hours_st,
    hours_st,
)


def _path(kind: str, first: float, more: float) -> list[tuple[str, float]]:
    if kind == "sent":
        return [("sent", first)]
    if kind == "won":
        return [("sent", first), ("accepted", first + more)]
    if kind == "rejected":
        return [("pending_approval", first), ("rejected", first + more)]
    if kind == "draft":
        return []
    path = [("pending_approval", first), ("approved", first + more), ("sent", first + more + 1)]
    if kind == "approved_won":
        path.append(("accepted", first + more + 50))
    return path


async def _check_times(url: str, inquiries: list[tuple[int, str, float, float]]) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            for table in (Inquiry, ChatSession):
                await session.execute(delete(table))
            b = Builder(session)
            for day, kind, first, more in inquiries:
                path = _path(kind, first, more)
                b.inquiry(at(DAY0 + timedelta(days=day), 9.5),
                          quotes=[QuoteSpec(path, "100")] if path else [])  # fmt: skip
            await b.done()
        async with db.session() as session:
            look = plan.Look((PERIOD.previous, PERIOD), Filters(), CATEGORIES, 300.0, 10, 50)
            conn = await session.connection()
            names = [part.name for part in await service.parts(conn, look)]
            assert "response times (kept histograms)" in names
            got = await kpi.compute(session, PERIOD, categories=CATEGORIES)
            loaded = await reference.load(session)
        for of, figures in ((PERIOD, got), (PERIOD.previous, got["previous"])):
            expected = reference.figures(loaded, [], of, Filters(), CATEGORIES)
            times = figures["response_times"]
            assert times["rfq_to_quote_sent"] == _approx(expected["rfq_to_quote_sent"])
            assert times["approval_wait"] == _approx(expected["approval_wait"])
            assert figures["median_days_to_won"] == _approx(expected["median_days_to_won"])
    finally:
        await db.dispose()


def _approx(value: Any) -> Any:
    """Floats compared to the last few digits (the database's seconds are doubles)."""
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-9, abs=1e-9)
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    return value


@pytest.mark.postgres
@settings(max_examples=12, **_SETTINGS)
@given(inquiries=st.lists(inquiry_st, min_size=1, max_size=80))
def test_long_periods_response_times_from_histograms_equal_the_percentiles_postgres(
    migrated_postgres_url: str, inquiries: list[tuple[int, str, float, float]]
) -> None:
    asyncio.run(_check_times(migrated_postgres_url, inquiries))
