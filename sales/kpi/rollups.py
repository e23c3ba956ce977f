"""The additive figures: their SQL over a cohort's kept facts, and the per-day sums kept of them.

The markets, languages, lead-score buckets, categories (inquiries and the latest sent quote's
line values), SKUs and the pipeline are sums over the cohort's inquiries (sales/kpi/facts.py),
each inquiry counted in the breakdown rows of its own facts. :func:`additive` builds those
GROUP BYs over a cohort's facts, partitioned by a column: the dashboard's half (previous or
current period, sales/kpi/service.py) or an inquiry's UTC creation day. The second is what
``kpi_daily`` keeps (:func:`recompute`): a period's unfiltered figures are then a sum over its
days' rows (a few thousand for a year instead of every inquiry, SKU, line and quote).

- Days are rewritten from the kept facts, never adjusted: :func:`recompute` deletes a day's
  rows and inserts them again from the facts of that day's inquiries. sales/kpi/facts.py
  calls it for the creation days of every inquiry whose facts it rewrites (in the flush hook:
  once, at commit, for all the days the transaction touched), and for all days in the
  backfill. On PostgreSQL each day is locked first (a transaction-scoped advisory lock, days
  in order), so two transactions changing inquiries of one day take turns and the second one
  reads the first one's facts.
- Categories come from the price book, which the app loads from a file: the mapping the kept
  rows were written with is stored (``kpi_sku_categories``). :func:`sync_categories` (at the
  app's start) rewrites the mapping and every day's category rows when the book changed; a
  query with a book other than the stored one computes the categories from the facts instead
  (:func:`kept_book`), so the figures never depend on whether the sync ran.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Numeric,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    column,
    delete,
    false,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    type_coerce,
    union_all,
    values,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from sales.db import Database
from sales.models import (
    KpiApprovalWait,
    KpiDaily,
    KpiInquiryFact,
    KpiInquirySku,
    KpiLineValue,
    KpiMonthly,
    KpiQuoteFact,
    KpiSkuCategory,
    Money,
)

UNKNOWN = "unknown"
FIGURES = ("market", "language", "bucket", "category", "category_value", "sku", "pipeline")
HISTOGRAMS = ("h_to_sent", "h_to_won", "h_approval")  # durations per bucket (histograms.py)
KINDS = (*FIGURES, *HISTOGRAMS)
BOOK_KINDS = ("category", "category_value")  # written with the price book's mapping

# The aggregates' rows, in one UNION ALL: what each branch groups by, and the measures it fills
# (the others are 0 or null); ``half`` is the partition (the dashboard's half, or a day).
#   market, language:  the cohort by destination country / language and the latest sent
#                      quote's currency: counts, quoted and won value
#   bucket:            by ten-point lead-score bucket (-1: unscored): counts
#   category, sku:     distinct inquiries per item category / SKU: n, quoted, won
#   category_value:    the latest sent quote's lines per category and currency: values
#   pipeline:          the cohort's quotes by status and currency: n (quotes), value
#   h_to_sent, h_to_won, h_approval: the durations inquiry -> first quote sent, inquiry ->
#                      won, and the approval waits per bucket (sales/kpi/histograms.py): n
COLUMNS = ("kind", "half", "key", "currency", "n", "quoted", "won", "after_approval",
           "rejected", "expired", "value", "won_value")  # fmt: skip
INTS = ("n", "quoted", "won", "after_approval", "rejected", "expired")
VALUES = ("value", "won_value")


class utc_day(FunctionElement[date]):
    """The UTC calendar day of a timestamp column (SQLite stores them as naive UTC text)."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


class month_start(FunctionElement[date]):
    """The first day of a date column's month."""

    type = Date()
    inherit_cache = True


@compiles(month_start, "postgresql")
def _month_start_postgresql(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def branch(kind: Any, half: Any, key: Any = None, currency: Any = None, **measures: Any) -> Any:
    """One branch of the union, its columns in the order of ``COLUMNS`` and typed alike (the
    union's result types are its first branch's). ``kind`` is a name or a column."""
    unknown = set(measures) - set(COLUMNS)
    if unknown:
        raise KeyError(sorted(unknown))
    columns: list[Any] = [
        literal_column(f"'{kind}'", String) if isinstance(kind, str) else cast(kind, String),
        half,
        cast(null() if key is None else key, String),
        cast(null() if currency is None else currency, String),
    ]
    for name in INTS:
        columns.append(type_coerce(measures.get(name, literal_column("0")), Integer))
    for name in VALUES:  # typed NULLs: PostgreSQL matches the union's column types
        columns.append(type_coerce(cast(measures.get(name, null()), Numeric()), Money))
    return [c.label(name) for c, name in zip(columns, COLUMNS, strict=True)]


def facts_of(cohort: Any, half: Any) -> Any:
    """The cohort's facts (a subquery of ``kpi_inquiry_facts`` rows) as the breakdowns read
    them, ``half`` the partition column (an expression of ``cohort.c``)."""
    fact = cohort.c
    score = fact.lead_score
    return (
        select(
            fact.inquiry_id.label("id"),
            half.label("half"),
            fact.created_at,
            func.coalesce(fact.market, UNKNOWN).label("market"),
            func.coalesce(fact.language, UNKNOWN).label("language"),
            case((score.is_(None), -1), (score >= 90, 9), else_=score // 10).label("bucket"),
            fact.first_sent_at,
            fact.won_at,
            fact.quoted,
            fact.won,
            fact.after_approval,
            fact.rejected,
            fact.expired,
            fact.currency,
            fact.total,
            fact.sent_bucket,
            fact.won_bucket,
        )
        .select_from(cohort)
        .cte("facts")
    )


def book_values(categories: Mapping[str, str]) -> Any:
    """The price book as a VALUES table (sku, category); None for an empty book."""
    if not categories:
        return None
    return (
        values(column("sku", String), column("category", String), name="book")
        .data(sorted(categories.items()))
        .cte("book")
    )


def _category_of(sku: Any, book: Any) -> Any:
    """The price-book category of an SKU column, ``unknown`` for none or one not in the
    book (``book``: a (sku, category) relation joined on the SKU; None: an empty book)."""
    if book is None:
        return literal_column(f"'{UNKNOWN}'", String)
    return func.coalesce(book.c.category, UNKNOWN)


def additive(
    facts: Any, within: Any, book: Any, kinds: Iterable[str] = KINDS
) -> dict[str, Select[Any]]:
    """The breakdowns ``kinds`` over ``facts`` (from :func:`facts_of`), grouped by its
    ``half``; ``within(created_at)`` restricts a kept table's rows to the cohort's days (the
    same condition as the cohort's: an index range, not the whole table hashed), ``book`` the
    (sku, category) relation."""
    f = facts.c
    wanted = set(kinds)
    out: dict[str, Select[Any]] = {}

    def grouped(kind: str, key: Any) -> Select[Any]:
        return (
            select(
                *branch(
                    kind,
                    f.half,
                    key,
                    f.currency,
                    n=func.count(),
                    quoted=func.sum(f.quoted),
                    won=func.sum(f.won),
                    after_approval=func.sum(f.after_approval),
                    rejected=func.sum(f.rejected),
                    expired=func.sum(f.expired),
                    value=func.sum(f.total),
                    won_value=func.sum(case((f.won == 1, f.total))),
                )
            )
            .select_from(facts)
            .group_by(f.half, key, f.currency)
        )

    def distinct_counts(kind: str, table: Any, key: Any) -> Select[Any]:
        return select(
            *branch(
                kind,
                table.c.half,
                key,
                n=func.count(),
                quoted=func.sum(table.c.quoted),
                won=func.sum(table.c.won),
            )
        ).group_by(table.c.half, key)

    if "market" in wanted:
        out["market"] = grouped("market", f.market)
    if "language" in wanted:
        out["language"] = grouped("language", f.language)
    if "bucket" in wanted:
        out["bucket"] = distinct_counts("bucket", facts, f.bucket)

    if wanted & {"category", "category_value", "sku"}:
        # the cohort's distinct SKUs ('' for an item without one) with their category: an
        # inquiry counts once per category (and SKU) of its items
        sku = KpiInquirySku
        sku_facts: Select[Any] = (
            select(f.id, f.half, f.quoted, f.won, f.currency, sku.sku)
            .add_columns(_category_of(sku.sku, book).label("category"))
            .select_from(facts)
            .join(sku, and_(sku.inquiry_id == f.id, within(sku.created_at)))
        )
        if book is not None:
            sku_facts = sku_facts.outerjoin(book, book.c.sku == sku.sku)
        items = sku_facts.cte("item_facts")
        i = items.c
        by_category = (
            select(i.id, i.half, i.quoted, i.won, i.currency, i.category)
            .distinct()
            .cte("by_category")
        )
        if "category" in wanted:
            out["category"] = distinct_counts("category", by_category, by_category.c.category)
        if "sku" in wanted:
            by_sku = (
                select(i.id, i.half, i.quoted, i.won, i.sku).where(i.sku != "").subquery("by_sku")
            )
            out["sku"] = distinct_counts("sku", by_sku, by_sku.c.sku)
        if "category_value" in wanted:
            # the latest sent quote's line amounts per category, among the inquiry's items'
            # categories (joined to the cohort's distinct (inquiry, category) pairs)
            line_book = book.alias("line_book") if book is not None else None
            lines: Select[Any] = select(
                KpiLineValue.inquiry_id,
                _category_of(KpiLineValue.sku, line_book).label("category"),
                KpiLineValue.amount,
            ).where(within(KpiLineValue.created_at))
            if line_book is not None:
                lines = lines.outerjoin(line_book, line_book.c.sku == KpiLineValue.sku)
            line_values = lines.subquery("line_values")
            lv, bc = line_values.c, by_category.c
            out["category_value"] = (
                select(
                    *branch(
                        "category_value",
                        bc.half,
                        bc.category,
                        bc.currency,
                        value=func.sum(lv.amount),
                        won_value=func.sum(case((bc.won == 1, lv.amount))),
                    )
                )
                .select_from(line_values)
                .join(by_category, and_(bc.id == lv.inquiry_id, bc.category == lv.category))
                .group_by(bc.half, bc.category, bc.currency)
            )

    for kind, bucket in (("h_to_sent", f.sent_bucket), ("h_to_won", f.won_bucket)):
        if kind in wanted:
            out[kind] = (
                select(*branch(kind, f.half, bucket, n=func.count()))
                .where(bucket.is_not(None))
                .group_by(f.half, bucket)
            )
    if "h_approval" in wanted:
        w = KpiApprovalWait
        out["h_approval"] = (
            select(*branch("h_approval", f.half, w.bucket, n=func.count()))
            .select_from(facts)
            .join(w, and_(w.inquiry_id == f.id, within(w.created_at)))
            .group_by(f.half, w.bucket)
        )

    if "pipeline" in wanted:
        q = KpiQuoteFact
        out["pipeline"] = (
            select(
                *branch(
                    "pipeline",
                    f.half,
                    q.status,
                    q.currency,
                    n=func.count(),
                    value=func.sum(q.total),
                )
            )
            .select_from(facts)
            .join(q, and_(q.inquiry_id == f.id, within(q.created_at)))
            .group_by(f.half, q.status, q.currency)
        )
    return out


# -- kept per day ---------------------------------------------------------------------------


def _days_within(days: list[date] | None) -> Any:
    """``created_at`` on one of ``days`` (None: any), as index ranges."""
    if days is None:
        return lambda created_at: true()

    def within(created_at: Any) -> Any:
        if not days:
            return false()
        return or_(
            *(
                and_(created_at >= day_start(d), created_at < day_start(d + timedelta(days=1)))
                for d in days
            )
        )

    return within


_LOCK_SPACE = 170_001  # the advisory locks' first key: kpi_daily's days (0: all of them)
_MONTH_LOCKS = 170_002  # and kpi_monthly's months


def _lock(conn: Connection, days: list[date] | None) -> None:
    """PostgreSQL, until the transaction ends: the days' advisory locks in order, after the
    shared lock of all days, then their months' in order; ``None``: all days, exclusively
    (SQLite has one writer). Whoever holds a day's lock holds its month's next (or waits for
    the one holding it, who holds no lock of a later day it could want): no cycle."""
    if conn.dialect.name != "postgresql":
        return
    every = {"space": _LOCK_SPACE, "key": 0}
    if days is None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), every)
        return
    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:space, :key)"), every)
    keys = [(_LOCK_SPACE, day.toordinal()) for day in days]
    keys += [(_MONTH_LOCKS, m.toordinal()) for m in sorted({first_of_month(d) for d in days})]
    for space, key in keys:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": space, "key": key}
        )


DAYS = "kpi_days"  # the days a recompute rewrites, bound when its statements run


def _bound_days_within(count: int) -> Any:
    """``created_at`` on one of ``count`` days bound when the statement runs (``kpi_day_<i>``
    its start, ``kpi_day_<i>_end`` the next day's start), as index ranges."""

    def within(created_at: Any) -> Any:
        return or_(
            *(
                and_(
                    created_at >= bindparam(f"kpi_day_{i}"),
                    created_at < bindparam(f"kpi_day_{i}_end"),
                )
                for i in range(count)
            )
        )

    return within


def _day_params(days: list[date]) -> dict[str, Any]:
    params: dict[str, Any] = {DAYS: days}
    for i, day in enumerate(days):
        params[f"kpi_day_{i}"] = day_start(day)
        params[f"kpi_day_{i}_end"] = day_start(day + timedelta(days=1))
    return params


@lru_cache(maxsize=64)
def _recompute_statements(kinds: tuple[str, ...], days: int | None) -> tuple[Any, Any]:
    """The DELETE and the INSERT of a recompute of ``days`` days (None: every day), built once
    for each (kinds, number of days): building the union and its cache key cost more than
    running it, at every change of an inquiry."""
    within = _days_within(None) if days is None else _bound_days_within(days)
    gone = delete(KpiDaily).where(KpiDaily.kind.in_(kinds))
    if days is not None:
        gone = gone.where(KpiDaily.day.in_(bindparam(DAYS, expanding=True)))

    fact = KpiInquiryFact
    cohort = select(fact).where(within(fact.created_at)).subquery("cohort")
    facts = facts_of(cohort, utc_day(cohort.c.created_at))
    book = select(KpiSkuCategory.sku, KpiSkuCategory.category).cte("book")
    rows = union_all(*additive(facts, within, book, kinds).values()).subquery("rows")
    r = rows.c
    write = insert(KpiDaily).from_select(
        ["day", "kind", "key", "currency", *INTS, *VALUES],
        select(
            r.half,
            r.kind,
            r.key,
            func.coalesce(r.currency, ""),
            *(r[name] for name in INTS),
            *(r[name] for name in VALUES),
        ),
    )
    return gone, write


def recompute(conn: Connection, days: Iterable[date] | None, kinds: Iterable[str] = KINDS) -> None:
    """Rewrite ``kpi_daily``'s rows of ``days`` (None: every day) for ``kinds`` from the kept
    facts, with the stored price-book mapping, and then ``kpi_monthly``'s rows of their
    months, on ``conn`` in its transaction."""
    ordered = None if days is None else sorted(set(days))
    kinds = tuple(kinds)
    if ordered is not None and not ordered:
        return
    _lock(conn, ordered)
    gone, write = _recompute_statements(kinds, None if ordered is None else len(ordered))
    params = {} if ordered is None else _day_params(ordered)
    conn.execute(gone, params)
    conn.execute(write, params)
    recompute_months(conn, None if ordered is None else {first_of_month(d) for d in ordered}, kinds)


def recompute_months(
    conn: Connection, months: Iterable[date] | None, kinds: Iterable[str] = KINDS
) -> None:
    """Rewrite ``kpi_monthly``'s rows of ``months`` (first days; None: every month) for
    ``kinds``: the sums of their days' rows (the caller holds the months' locks)."""
    kinds = tuple(kinds)
    d, m = KpiDaily, KpiMonthly
    gone = delete(m).where(m.kind.in_(kinds))
    rows = select(
        month_start(d.day).label("month"),
        d.kind,
        d.key,
        d.currency,
        *(func.sum(getattr(d, name)).label(name) for name in (*INTS, *VALUES)),
    ).where(d.kind.in_(kinds))
    if months is not None:
        ordered = sorted(set(months))
        if not ordered:
            return
        gone = gone.where(m.month.in_(ordered))
        rows = rows.where(
            or_(*(and_(d.day >= month, d.day < next_month(month)) for month in ordered))
        )
    conn.execute(gone)
    grouped = rows.group_by(month_start(d.day), d.kind, d.key, d.currency)
    columns = ["month", "kind", "key", "currency", *INTS, *VALUES]
    conn.execute(insert(m).from_select(columns, grouped))


def _spans(period: Any) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """A period ``[start, end)`` of days as the day ranges to read from ``kpi_daily`` and the
    whole months ``[first, after)`` (first days) to read from ``kpi_monthly`` (None: none)."""
    first = first_of_month(period.start)
    if first < period.start:
        first = next_month(first)
    after = first
    while next_month(after) <= period.end:
        after = next_month(after)
    if after == first:  # no whole month in it
        return [(period.start, period.end)], None
    days = [(a, b) for a, b in ((period.start, first), (after, period.end)) if a < b]
    return days, (first, after)


def read(periods: tuple[Any, Any], kinds: Iterable[str]) -> Select[Any]:
    """The kept sums of ``kinds`` for the two adjacent ``periods`` (previous, current): each
    period's whole months from ``kpi_monthly`` and its other days from ``kpi_daily`` (a year:
    about two hundred rows a month instead of a few thousand), in the rows of the dashboard's
    breakdowns (``half``: 0 previous, 1 current)."""
    kinds = tuple(kinds)
    d, m = KpiDaily, KpiMonthly
    day_spans: list[tuple[date, date]] = []
    month_spans: list[tuple[date, date]] = []
    for period in periods:
        days, whole = _spans(period)
        day_spans += days
        month_spans += [whole] if whole is not None else []
    parts: list[Select[Any]] = []
    for table, at, spans in ((d, d.day, day_spans), (m, m.month, month_spans)):
        if spans:
            parts.append(
                select(
                    at.label("at"),
                    table.kind,
                    table.key,
                    table.currency,
                    *(getattr(table, name) for name in (*INTS, *VALUES)),
                ).where(table.kind.in_(kinds), or_(*(and_(at >= a, at < b) for a, b in spans)))
            )
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("kept")
    r = rows.c
    half = case((r.at >= periods[1].start, 1), else_=0)
    currency = func.nullif(r.currency, "")
    return select(
        *branch(
            r.kind,
            half,
            r.key,
            currency,
            **{name: func.sum(r[name]) for name in (*INTS, *VALUES)},
        )
    ).group_by(r.kind, half, r.key, currency)


def kept_book(conn_rows: Iterable[Any]) -> dict[str, str]:
    return {sku: category for sku, category in conn_rows}


def book_query() -> Select[str, str]:
    return select(KpiSkuCategory.sku, KpiSkuCategory.category)


def sync_categories(conn: Connection, categories: Mapping[str, str]) -> bool:
    """Store the price book's mapping and rewrite every day's category rows when it differs
    from the stored one (on ``conn``, in its transaction); whether it did."""
    _lock(conn, None)  # all days, before reading the book: one sync at a time
    if kept_book(conn.execute(book_query())) == dict(categories):
        return False
    conn.execute(delete(KpiSkuCategory))
    if categories:
        conn.execute(
            insert(KpiSkuCategory),
            [{"sku": sku, "category": cat} for sku, cat in sorted(categories.items())],
        )
    recompute(conn, None, BOOK_KINDS)
    return True


async def store_price_book(db: Database, categories: Mapping[str, str]) -> bool:
    """:func:`sync_categories` in a transaction of its own (the app, at start); whether the
    stored book changed."""
    async with db.session() as session:
        changed = await session.run_sync(lambda s: sync_categories(s.connection(), categories))
        await session.commit()
    return changed


__all__ = [
    "BOOK_KINDS",
    "KINDS",
    "additive",
    "book_query",
    "book_values",
    "facts_of",
    "kept_book",
    "read",
    "recompute",
    "recompute_months",
    "store_price_book",
    "sync_categories",
    "utc_day",
]
