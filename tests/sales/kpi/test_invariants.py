"""Invariants of the KPI service on generated order data (hypothesis, SQLite): the funnel's
nested steps never grow, rates stay in [0, 1], a filter only ever takes away, breakdowns add
up to the cohort, and the previous period is the window of equal length just before."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from sales import kpi
from sales.db import Database
from sales.kpi import Filters, Period
from sales.models import ChatSession, Handoff, Inquiry, KnowledgeGap
from tests.sales.kpi.builders import CATEGORIES, Builder, QuoteSpec, at

DAY0 = date(2026, 10, 1)
PATHS: list[list[tuple[str, float]]] = [
    [],
    [("sent", 1)],
    [("sent", 1), ("accepted", 30)],
    [("sent", 2), ("expired", 500)],
    [("pending_approval", 1)],
    [("pending_approval", 1), ("approved", 3), ("sent", 3)],
    [("pending_approval", 1), ("approved", 3), ("sent", 3), ("accepted", 50)],
    [("pending_approval", 1), ("rejected", 4)],
    [("pending_approval", 1), ("expired", 400)],
]
inquiry_st = st.fixed_dictionaries(
    {
        "day": st.integers(0, 40),
        "hour": st.floats(0, 23.9),
        "market": st.sampled_from(["DE", "US", None]),
        "language": st.sampled_from(["en", "de", None]),
        "business_type": st.sampled_from(["importer", "retailer", None]),
        "score": st.one_of(st.none(), st.integers(0, 100)),
        "skus": st.lists(st.sampled_from([*CATEGORIES, None]), min_size=1, max_size=2),
        "paths": st.lists(st.sampled_from(range(len(PATHS))), max_size=2),
    }
)
filters_st = st.builds(
    Filters,
    market=st.sampled_from(["DE", "US", None]),
    language=st.sampled_from(["en", "de", None]),
    category=st.sampled_from([*sorted(set(CATEGORIES.values())), None]),
    business_type=st.sampled_from(["importer", None]),
    band=st.sampled_from(["hot", "warm", "cold", "unscored", None]),
)
period_st = st.tuples(st.integers(0, 40), st.integers(1, 20)).map(
    lambda t: Period(DAY0 + timedelta(days=t[0]), DAY0 + timedelta(days=t[0] + t[1]))
)


async def _load(db: Database, inquiries: list[dict[str, Any]], chats: list[int]) -> None:
    async with db.session() as session:
        for table in (Inquiry, Handoff, KnowledgeGap, ChatSession):
            await session.execute(delete(table))
        await session.commit()
        b = Builder(session)
        for day in chats:
            sid = b.session(at(DAY0 + timedelta(days=day), 10), "en" if day % 2 else "de")
            b.gap("why?", at(DAY0 + timedelta(days=day), 11), "en", sid)
        for spec in inquiries:
            b.inquiry(
                at(DAY0 + timedelta(days=spec["day"]), spec["hour"]),
                language=spec["language"],
                market=spec["market"],
                business_type=spec["business_type"],
                score=spec["score"],
                skus=spec["skus"],
                quotes=[QuoteSpec(PATHS[p], "100", lines=[(spec["skus"][0], "100")])
                        for p in spec["paths"] if PATHS[p]],
            )  # fmt: skip
        await b.done()


async def _compute(db: Database, period: Period, filters: Filters) -> dict[str, Any]:
    async with db.session() as session:
        return await kpi.compute(session, period, filters, categories=CATEGORIES)


def _counts(figures: dict[str, Any]) -> dict[str, int]:
    """Every count that a filter narrows (nulls left out)."""
    out = {f"funnel.{k}": v for k, v in figures["funnel"].items() if v is not None}
    for band in figures["lead_score"]["bands"]:
        for key in ("inquiries", "quoted", "won"):
            out[f"band.{band['band']}.{key}"] = band[key]
    for group in ("markets", "languages", "categories"):
        for row in figures[group]:
            name = row.get("market") or row.get("language") or row.get("category")
            out[f"{group}.{name}"] = row["inquiries"]
    return out


def _check_one(figures: dict[str, Any]) -> None:
    f = figures["funnel"]
    assert f["rfqs_submitted"] >= f["quoted"] >= f["won"] >= 0
    assert f["quoted"] == f["won"] + f["expired"] + f["open"]
    assert f["quoted"] == f["quoted_at_once"] + f["quoted_after_approval"]
    assert f["rejected"] <= f["rfqs_submitted"]
    # chats and RFQs are counted apart (a chat may submit later): only the nested steps' rates
    nested = [s["rate"] for s in figures["funnel_steps"] if s["from"] != "chats"]
    for value in (figures["quote_hit_rate"], *nested):
        assert value is None or 0 <= value <= 1
    for band in figures["lead_score"]["bands"]:
        for rate in (band["win_rate"], band["hit_rate"]):
            assert rate is None or 0 <= rate <= 1
    submitted = f["rfqs_submitted"]
    assert sum(b["inquiries"] for b in figures["lead_score"]["bands"]) == submitted
    assert sum(d["inquiries"] for d in figures["lead_score"]["distribution"]) == submitted
    assert sum(m["inquiries"] for m in figures["markets"]) == submitted
    assert sum(m["won"] for m in figures["languages"]) == f["won"]
    times = figures["response_times"]
    assert times["rfq_to_quote_sent"]["n"] == f["quoted"]
    for summary in (times["rfq_to_quote_sent"], times["approval_wait"]):
        if summary["n"]:
            assert 0 <= summary["median"] <= summary["p90"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    inquiries=st.lists(inquiry_st, max_size=12),
    chats=st.lists(st.integers(0, 40), max_size=6),
    period=period_st,
    filters=filters_st,
)
def test_invariants(
    migrated_sqlite_url: str,
    inquiries: list[dict[str, Any]],
    chats: list[int],
    period: Period,
    filters: Filters,
) -> None:
    async def run() -> None:
        db = Database(migrated_sqlite_url)
        try:
            await _load(db, inquiries, chats)
            everything = await _compute(db, period, Filters())
            narrowed = await _compute(db, period, filters)
            before = await _compute(db, period.previous, filters)
        finally:
            await db.dispose()
        for figures in (everything, narrowed, everything["previous"], narrowed["previous"]):
            _check_one(figures)
        # a filter only ever takes away
        wide, narrow = _counts(everything), _counts(narrowed)
        for key, value in narrow.items():
            assert value <= wide.get(key, 0), key
        # the previous period is the window of equal length just before, computed alike
        assert narrowed["previous"]["period"] == before["period"]
        assert (period.start - period.previous.start) == (period.end - period.start)
        assert period.previous.end == period.start
        same = {k: v for k, v in before.items() if k not in ("previous", "filters")}
        assert narrowed["previous"] == same
        # the cohort is exactly the inquiries created in [from, to) that pass the filters
        in_window = sum(
            1 for spec in inquiries
            if period.start <= DAY0 + timedelta(days=spec["day"]) < period.end
        )  # fmt: skip
        assert everything["funnel"]["rfqs_submitted"] == in_window
        assert everything["funnel"]["chats"] == sum(
            1 for day in chats if period.start <= DAY0 + timedelta(days=day) < period.end
        )

    asyncio.run(run())
