"""The order figures' parts (sales/kpi/plan.py): the additive breakdowns, the RFQ -> quote
sent and days-to-won times, and the approval waits, for the cohort (the period's inquiries that
pass the filters) of both periods, from the facts kept per inquiry (sales/kpi/facts.py) and,
unfiltered, their sums kept per day (sales/kpi/rollups.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from sales.kpi import histograms, rollups
from sales.kpi.data import Halves, add, times
from sales.kpi.period import BAND_RANGES, Filters, Period
from sales.kpi.plan import Look, Part
from sales.kpi.stats import fenced, median, quantiles, seconds, summary
from sales.models import KpiApprovalWait, KpiInquiryFact, KpiInquirySku


def cohort_query(period: Period, filters: Filters, categories: Mapping[str, str]) -> Select[Any]:
    """The period's inquiries that pass the filters, as their kept facts (sales/kpi/facts.py)."""
    fact = KpiInquiryFact
    query = select(fact).where(fact.created_at >= period.start_at, fact.created_at < period.end_at)
    if filters.market:
        query = query.where(fact.market == filters.market)
    if filters.language:
        query = query.where(fact.language == filters.language)
    if filters.business_type:
        query = query.where(fact.business_type == filters.business_type)
    if filters.band == "unscored":
        query = query.where(fact.lead_score.is_(None))
    elif filters.band:
        low, high = BAND_RANGES[filters.band]
        query = query.where(fact.lead_score >= low, fact.lead_score <= high)
    if filters.category:
        skus = sorted(sku for sku, category in categories.items() if category == filters.category)
        query = query.where(
            exists().where(KpiInquirySku.inquiry_id == fact.inquiry_id, KpiInquirySku.sku.in_(skus))
        )
    return query


def _sums(name: str, branches: list[Any]) -> Part:
    """A part of additive rows (rollups' columns), the branches as one statement."""
    statement: Any = branches[0] if len(branches) == 1 else union_all(*branches)

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        for row in await conn.execute(statement):
            add(halves[row.half], row)

    return Part(name, run)


# the additive breakdowns of a cohort, grouped into parts by the kept tables they join
_GROUPS = (
    ("markets, languages, lead score", ("market", "language", "bucket")),
    ("categories, products", ("category", "category_value", "sku")),
    ("pipeline", ("pipeline",)),
)


async def parts(db: AsyncConnection, look: Look) -> list[Part]:
    """The order figures' parts of ``look`` (reads the stored price book on ``db`` first:
    the kept category sums are those of the book stored with them)."""
    periods, filters, window = look.periods, look.filters, look.window
    postgres = db.dialect.name == "postgresql"
    cohort = cohort_query(window, filters, look.categories).subquery("cohort")
    facts = rollups.facts_of(cohort, case((cohort.c.created_at >= periods[1].start_at, 1), else_=0))

    def within(created_at: Any) -> Any:
        return and_(created_at >= window.start_at, created_at < window.end_at)

    out: list[Part] = []
    kinds: tuple[str, ...] = rollups.FIGURES
    kept = rollups.kept_book(await db.execute(rollups.book_query())) == dict(look.categories)
    unfiltered = filters == Filters()
    if unfiltered:  # the kept days' sums; the categories only while kept with this book
        daily = [k for k in kinds if kept or k not in rollups.BOOK_KINDS]
        out.append(_sums("additive figures (kept days)", [rollups.read(periods, daily)]))
        kinds = tuple(k for k in kinds if k not in daily)
    if kinds:
        # the stored book when it is this one (a table: the statement is compiled once and
        # cached), else this one as a VALUES list
        book = rollups.book_query().cte("book") if kept else rollups.book_values(look.categories)
        branches = rollups.additive(facts, within, book, kinds)
        for name, group in _GROUPS:
            chosen = [branches[k] for k in group if k in branches]
            if chosen:
                out.append(_sums(name, chosen))

    # the durations and the approval waits (each decision on a pending quote, and when it was
    # (last) submitted): unfiltered, read from the kept rows themselves (only the columns they
    # need, by the window's index range); filtered, from the cohort's facts
    w = KpiApprovalWait
    if unfiltered:
        c = cohort.c
        half_of = case((c.created_at >= periods[1].start_at, 1), else_=0)
        waits = select(
            case((w.created_at >= periods[1].start_at, 1), else_=0).label("half"),
            w.decided_at,
            w.submitted_at,
        ).where(within(w.created_at))
    else:
        c = facts.c
        half_of = c.half
        waits = (
            select(c.half, w.decided_at, w.submitted_at)
            .select_from(facts)
            .join(w, and_(w.inquiry_id == c.id, within(w.created_at)))
        )
    durations = select(half_of.label("half"), c.created_at, c.first_sent_at, c.won_at).where(
        or_(c.first_sent_at.is_not(None), c.won_at.is_not(None))
    )
    if unfiltered and postgres and look.periods[1].days >= histograms.HISTOGRAM_DAYS:
        out.append(histograms.part(look))  # exact, from the kept histograms
    else:
        out.append(_durations(durations, postgres))
        out.append(_approval(waits, postgres))
    return out


def _durations(rows: Select[Any], postgres: bool) -> Part:
    """RFQ -> first quote sent (n, median, p90) and the median days inquiry -> won."""
    if postgres:  # medians and nearest-rank p90 by the database, each half's in one row
        r = rows.subquery("cohort_times").c
        d = fenced(
            select(
                r.half,
                seconds(r.first_sent_at, r.created_at).label("to_sent"),
                seconds(r.won_at, r.created_at).label("to_won"),
            ),
            "durations",
        ).c
        to_sent, to_won = d.to_sent, d.to_won
        columns = []
        for half in (0, 1):
            of_half = d.half == half
            columns += quantiles(to_sent, of_half)
            columns.append(func.percentile_cont(0.5).within_group(to_won).filter(of_half))
        statement = select(*columns)

        async def run(conn: AsyncConnection, halves: Halves) -> None:
            row = (await conn.execute(statement)).one()
            for half in (0, 1):
                n, mid, p90, mid_won = row[4 * half : 4 * half + 4]
                halves[half].to_sent = times(n, mid, p90)
                halves[half].median_days_to_won = None if mid_won is None else mid_won / 86400

        return Part("RFQ -> quote sent, days to won", run)

    async def run_here(conn: AsyncConnection, halves: Halves) -> None:
        # SQLite has no percentiles: the durations themselves, summarised here
        sent: tuple[list[float], list[float]] = ([], [])
        won: tuple[list[float], list[float]] = ([], [])
        for half, created, first_sent, won_at in await conn.execute(rows):
            if first_sent is not None:
                sent[half].append((first_sent - created).total_seconds())
            if won_at is not None:
                won[half].append((won_at - created).total_seconds() / 86400)
        for half in (0, 1):
            halves[half].to_sent = summary(sent[half])
            halves[half].median_days_to_won = median(won[half])

    return Part("RFQ -> quote sent, days to won", run_here)


def _approval(rows: Select[Any], postgres: bool) -> Part:
    """Approval waits: submitted -> approved or rejected (n, median, p90)."""
    if postgres:
        r = rows.subquery("waits").c
        ws = fenced(select(r.half, seconds(r.decided_at, r.submitted_at).label("wait")), "wait").c
        statement = select(*quantiles(ws.wait, ws.half == 0), *quantiles(ws.wait, ws.half == 1))

        async def run(conn: AsyncConnection, halves: Halves) -> None:
            row = (await conn.execute(statement)).one()
            for half in (0, 1):
                halves[half].approval_wait = times(*row[3 * half : 3 * half + 3])

        return Part("approval waits", run)

    async def run_here(conn: AsyncConnection, halves: Halves) -> None:
        waits: tuple[list[float], list[float]] = ([], [])
        for half, decided_at, submitted_at in await conn.execute(rows):
            waits[half].append((decided_at - submitted_at).total_seconds())
        for half in (0, 1):
            halves[half].approval_wait = summary(waits[half])

    return Part("approval waits", run_here)


__all__ = ["cohort_query", "parts"]
