"""The sales manager's figures for a period ``[from, to)`` (whole UTC days) and filters.

Each figure is defined from what the order database records, and nothing else:

- **Cohort.** The period's RFQs are the inquiries *created* in it (``inquiries.created_at``);
  what became of them (quoted, won, ...) is counted whenever it happened, up to now. So a
  period's funnel only ever fills in later, and its steps nest: ``rfqs_submitted >= quoted >=
  won``, ``quoted = won + expired + open``.
- **Filters** narrow the cohort: ``market`` is the destination country, ``language`` the
  inquiry's language, ``category`` an item whose SKU is of that price-book category,
  ``business_type`` the buyer's, ``band`` the lead score's band (hot 70-100, warm 40-69,
  cold 0-39, unscored: none stored). Chat sessions, handoffs and knowledge gaps know only
  their language: with any other filter set, those figures are null, with the reason.
- **Funnel.** ``chats``: chat sessions created in the period. ``rfqs_started``: not recorded
  (the RFQ form's progress lives in the engine's tracker store, not the order database): null.
  ``rfqs_submitted``: the cohort. ``quoted``: cohort inquiries with a quote that reached
  ``sent`` (``quote_events``), ``quoted_at_once`` when the first one went straight from draft,
  ``quoted_after_approval`` when it was approved first (two sends at the same instant, one
  of each kind: at once). ``won``: with an accepted quote.
  ``expired``: quoted, not won, and the latest quote sent has expired. ``open``: quoted,
  neither won nor expired. ``rejected``: with a quote rejected by an approver (before it
  reached the buyer; buyers' refusals are not recorded, there is no such quote state).
- ``quote_hit_rate`` = won / quoted (null when nothing was quoted).
- **Values** are sums of quote totals per currency (never converted): ``pipeline``, the
  cohort's quotes by their current status; ``won_value``, the accepted quotes.
- ``median_days_to_won``: inquiry created -> quote accepted, in days.
- **Response times** in seconds, median and p90 (nearest rank): ``rfq_to_quote_sent``
  (inquiry created -> its first quote sent); ``approval_wait`` (quote submitted for
  approval -> approved or rejected; quotes still waiting are counted in ``waiting_now``);
  ``handoff_to_first_rep_reply`` (handoffs requested in the period -> the first rep message
  in that chat after it), split by inside/outside office hours as recorded at the request,
  with the share answered within the SLA (``HANDOFF_TIMEOUT_S``) inside office hours.
- **Lead score**: the cohort by score (ten-point buckets) and by band, with each band's
  quoted, won and rates (does the score predict?).
- **Markets, languages, categories, products**: the cohort's inquiries, quoted and won per
  destination country, language, category and SKU, with the value of the latest quote sent
  (per currency; per category from the quote lines of that category's SKUs).
- **Knowledge gaps**: questions recorded in the period, grouped by language and by their
  text (trimmed, case-folded: rewordings of one question are not merged), most asked first,
  with the chat sessions that asked.
- **Abandoned RFQs**: not recorded as such (a form left half-way leaves nothing in the order
  database): the count is null. What is known: chats that asked for a person in the period
  with contact details in the RFQ summary given to the rep, and no inquiry.

**How.** Both periods at once (the window of the two, each row marked with its half), from
the facts kept per inquiry (sales/kpi/facts.py: what became of its quotes, its SKUs, its latest
sent quote's line amounts per SKU, its quotes' statuses and totals, the approval waits), each
with the inquiry's creation time: every breakdown is a GROUP BY over the cohort's rows in one
UNION ALL statement, so only aggregated rows leave the database; categories are the price
book's, joined as a VALUES table at query time. Medians and p90s are ``percentile_cont(0.5)``
and ``percentile_disc(0.9)`` (nearest rank) on PostgreSQL; SQLite has no percentiles, so there
the durations alone are read and summarised here. Chat sessions are counted in SQL; handoffs
and knowledge gaps of the window are read from their tables (the abandoned RFQs and the gaps'
wording are grouped here).
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    Select,
    and_,
    case,
    exists,
    extract,
    func,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from sales.kpi import rollups
from sales.kpi.period import BAND_RANGES, Filters, Period
from sales.kpi.rollups import UNKNOWN
from sales.kpi.stats import median, ratio, summary
from sales.models import (
    ChatSession,
    Handoff,
    Inquiry,
    KnowledgeGap,
    KpiApprovalWait,
    KpiInquiryFact,
    KpiInquirySku,
    QuoteStatus,
    UTCDateTime,
)

RFQS_STARTED_REASON = (
    "not recorded: the RFQ form's progress lives in the engine's tracker store; the order "
    "database has an inquiry only once it is submitted"
)
ABANDONED_REASON = (
    "not recorded: an RFQ left before submission leaves no inquiry; only the chats that asked "
    "for a person with contact details given are known (abandoned_rfqs.items)"
)
CENTS = Decimal("0.01")
_T = TypeVar("_T")
STEPS = (("chats", "rfqs_submitted"), ("rfqs_submitted", "quoted"), ("quoted", "won"))


def _session_reason(filters: Filters) -> str:
    return (
        "chat sessions, handoffs and knowledge gaps record no "
        + ", ".join(filters.beyond_language)
        + ": only the language filter applies to them"
    )


def money(amount: Decimal) -> str:
    return str(amount.quantize(CENTS))


def _values(sums: Mapping[str, Decimal]) -> list[dict[str, str]]:
    return [{"currency": c, "value": money(v)} for c, v in sorted(sums.items())]


def _bucket(score: int | None) -> str:
    """Ten-point buckets, the last one 90-100."""
    if score is None:
        return "unscored"
    low = min(score // 10, 9) * 10
    return "90-100" if low == 90 else f"{low}-{low + 9}"


def _band(score: int | None) -> str:
    if score is None:
        return "unscored"
    return next(name for name, (low, high) in BAND_RANGES.items() if low <= score <= high)


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


@dataclass
class _Group:
    n: int = 0
    quoted: int = 0
    won: int = 0
    after_approval: int = 0
    rejected: int = 0
    expired: int = 0
    value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    won_value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


@dataclass
class _Data:
    """One period's figures as the database aggregated them."""

    groups: dict[str, dict[str, _Group]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(_Group))
    )
    to_sent: dict[str, Any] = field(default_factory=lambda: summary([]))
    median_days_to_won: float | None = None
    approval_wait: dict[str, Any] = field(default_factory=lambda: summary([]))
    pipeline: dict[tuple[str, str], tuple[int, Decimal]] = field(default_factory=dict)
    handoff_times: dict[str, Any] | None = None  # by the database (PostgreSQL)
    chats: int | None = None
    handoffs: list[Any] | None = None
    gaps: list[dict[str, Any]] | None = None  # per language, as shown


def _epoch(later: Any, earlier: Any) -> Any:
    """Seconds between two timestamps (PostgreSQL)."""
    return extract("epoch", later - earlier)


async def _fetch(
    session: AsyncSession,
    periods: tuple[Period, Period],
    filters: Filters,
    categories: Mapping[str, str],
    handoff_sla_s: float,
    gaps_per_language: int,
) -> tuple[_Data, _Data]:
    """Both periods' figures (``periods`` is (previous, current), adjacent), aggregated by the
    database over the two together in one statement, each row marked with its half."""
    window = Period(periods[0].start, periods[1].end)
    db = await session.connection()  # Core rows: no ORM loading for these column reads
    postgres = db.dialect.name == "postgresql"
    if postgres:
        await _tune(db)

    # the cohort's kept facts, one row per inquiry (sales/kpi/facts.py), and every kept row
    # of theirs read within the window's days (the same range as the cohort's: an index
    # range scan rather than the whole table hashed)
    cohort = cohort_query(window, filters, categories).subquery("cohort")
    facts = rollups.facts_of(cohort, case((cohort.c.created_at >= periods[1].start_at, 1), else_=0))

    def within(created_at: Any) -> Any:
        return and_(created_at >= window.start_at, created_at < window.end_at)

    # unfiltered: the additive breakdowns are sums of the kept days (sales/kpi/rollups.py),
    # the categories only while they were kept with this price book
    kinds: tuple[str, ...] = rollups.KINDS
    branches: list[Any] = []
    kept = rollups.kept_book(await db.execute(rollups.book_query())) == dict(categories)
    if filters == Filters():
        daily = [k for k in kinds if kept or k not in rollups.BOOK_KINDS]
        branches.append(rollups.read(periods, daily))
        kinds = tuple(k for k in kinds if k not in daily)
    if kinds:
        # the stored book when it is this one (a table: the statement is compiled once and
        # cached), else this one as a VALUES list
        book = rollups.book_query().cte("book") if kept else rollups.book_values(categories)
        branches.extend(rollups.additive(facts, within, book, kinds).values())

    # the durations and the approval waits (each decision on a pending quote, and when it was
    # (last) submitted): unfiltered, read from the kept rows themselves (only the columns they
    # need, by the window's index range); filtered, from the cohort's facts (read once)
    w = KpiApprovalWait
    if filters == Filters():
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
    duration_rows = select(half_of.label("half"), c.created_at, c.first_sent_at, c.won_at).where(
        or_(c.first_sent_at.is_not(None), c.won_at.is_not(None))
    )
    if postgres:  # medians and nearest-rank p90 by the database
        d = duration_rows.subquery("durations").c
        to_sent = _epoch(d.first_sent_at, d.created_at)
        to_won = _epoch(d.won_at, d.created_at)
        branches.append(
            select(
                *rollups.branch(
                    "durations",
                    d.half,
                    n=func.count(d.first_sent_at),
                    median=func.percentile_cont(0.5).within_group(to_sent),
                    p90=func.percentile_disc(0.9).within_group(to_sent),
                    median_won=func.percentile_cont(0.5).within_group(to_won),
                )
            ).group_by(d.half)
        )
        ws = waits.subquery("waits").c
        wait = _epoch(ws.decided_at, ws.submitted_at)
        branches.append(
            select(
                *rollups.branch(
                    "approval",
                    ws.half,
                    n=func.count(),
                    median=func.percentile_cont(0.5).within_group(wait),
                    p90=func.percentile_disc(0.9).within_group(wait),
                )
            ).group_by(ws.half)
        )
    split = (_Data(), _Data())
    sessions_apply = not filters.beyond_language  # chat sessions know their language only
    if postgres and sessions_apply:
        # the chats, handoffs and gaps on connections of their own, while this one runs the
        # order figures: read-only statements, each (as in turn on one connection) with a
        # snapshot of its own at READ COMMITTED
        engine = db.engine
        rows, (chats, (times, handoffs)), gaps = await asyncio.gather(
            db.execute(union_all(*branches)),
            _aside(engine, lambda c: _session_figures(c, periods, filters, handoff_sla_s)),
            _aside(engine, lambda c: _gaps(c, periods, filters, gaps_per_language)),
        )
    else:
        rows = await db.execute(union_all(*branches))
    for row in rows:
        _add(split[row.half], row)
    if not postgres:  # SQLite has no percentiles: the durations themselves, computed here
        durations: tuple[list[float], ...] = ([], [], [], [], [], [])
        for part, created, first_sent, won_at in await db.execute(duration_rows):
            if first_sent is not None:
                durations[part].append((first_sent - created).total_seconds())
            if won_at is not None:
                durations[2 + part].append((won_at - created).total_seconds() / 86400)
        for part, at_, submitted_at in await db.execute(waits):
            durations[4 + part].append((at_ - submitted_at).total_seconds())
        for part in (0, 1):
            split[part].to_sent = summary(durations[part])
            split[part].median_days_to_won = median(durations[2 + part])
            split[part].approval_wait = summary(durations[4 + part])
        if sessions_apply:
            chats = await _chats(db, periods, filters)
            handoffs = list(await db.execute(_handoff_rows(window, filters)))
            gaps = await _gaps(db, periods, filters, gaps_per_language)
    if sessions_apply:
        (split[0].chats, split[1].chats), (split[0].gaps, split[1].gaps) = chats, gaps
        if postgres:  # figures by the database, only the possible abandoned RFQs read
            split[0].handoff_times, split[1].handoff_times = times
        for data, period in ((split[0], periods[0]), (split[1], periods[1])):
            data.handoffs = [h for h in handoffs if _within(h[1], period)]
    return split


async def _tune(db: AsyncConnection) -> None:
    """PostgreSQL, for this transaction only: no JIT (compiling these plans takes longer than
    running them), and a year's cohort (100k inquiries, 200k SKUs) hashed in memory, not in
    batches on disk."""
    await db.execute(text("SET LOCAL jit = off"))
    await db.execute(text("SET LOCAL work_mem = '32MB'"))


async def _aside(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[_T]]) -> _T:
    """``work`` on a connection of its own (returned to the pool after, rolled back)."""
    async with engine.connect() as conn:
        await _tune(conn)
        return await work(conn)


async def _chats(
    db: AsyncConnection, periods: tuple[Period, Period], filters: Filters
) -> tuple[int, int]:
    """The chat sessions created in each half (previous, current)."""
    window = Period(periods[0].start, periods[1].end)
    current = ChatSession.created_at >= periods[1].start_at
    query = select(func.count().filter(~current), func.count().filter(current)).where(
        ChatSession.created_at >= window.start_at, ChatSession.created_at < window.end_at
    )
    if filters.language:
        query = query.where(ChatSession.language == filters.language)
    before, now = (await db.execute(query)).one()
    return int(before), int(now)


async def _session_figures(
    db: AsyncConnection, periods: tuple[Period, Period], filters: Filters, sla_s: float
) -> tuple[tuple[int, int], tuple[list[dict[str, Any]], list[Any]]]:
    return await _chats(db, periods, filters), await _handoffs(db, periods, filters, sla_s)


def _add(data: _Data, row: Any) -> None:
    if row.kind == "durations":
        data.to_sent = _summary(row)
        data.median_days_to_won = None if row.median_won is None else row.median_won / 86400
        return
    if row.kind == "approval":
        data.approval_wait = _summary(row)
        return
    if row.kind == "pipeline":
        data.pipeline[(row.key, row.currency)] = (int(row.n), row.value or Decimal(0))
        return
    group = data.groups[row.kind][row.key]
    for name in rollups.INTS:
        setattr(group, name, getattr(group, name) + int(getattr(row, name) or 0))
    if row.currency is not None:
        if row.value is not None:
            group.value[row.currency] += row.value
        if row.won_value is not None:
            group.won_value[row.currency] += row.won_value


def _summary(row: Any) -> dict[str, Any]:
    return {
        "n": int(row.n),
        "median": None if row.median is None else float(row.median),
        "p90": None if row.p90 is None else float(row.p90),
    }


def _within(moment: datetime, period: Period) -> bool:
    return period.start_at <= moment < period.end_at


def _session_language() -> Any:
    """A handoff's chat language, looked up by the session's key per handoff (a join hashed
    every chat session: 120k for a few thousand handoffs)."""
    return (
        select(ChatSession.language).where(ChatSession.id == Handoff.session_id).scalar_subquery()
    )


def _in_window(query: Select[Any], window: Period, filters: Filters) -> Select[Any]:
    query = query.where(
        Handoff.requested_at >= window.start_at, Handoff.requested_at < window.end_at
    )
    if filters.language:
        query = query.where(_session_language() == filters.language)
    return query


def _handoff_rows(
    window: Period, filters: Filters, *, reply: bool = True, with_inquiry: bool = True
) -> Select[Any]:
    """The window's handoffs: (session, asked at, summary, first rep reply after it (kept on
    the handoff, sales/kpi/replies.py; None without ``reply``), whether the chat led to an
    inquiry, the chat's language), in the order they were asked; without ``with_inquiry``,
    only those whose chat led to no inquiry."""
    # a scalar subquery with LIMIT, an index probe per handoff (EXISTS was planned as a hashed
    # subplan reading every inquiry)
    inquiry = (
        select(Inquiry.id).where(Inquiry.session_id == Handoff.session_id).limit(1)
    ).scalar_subquery()
    query = select(
        Handoff.session_id,
        Handoff.requested_at,
        Handoff.summary,
        (Handoff.first_reply_at if reply else type_coerce(null(), UTCDateTime())).label("reply"),
        inquiry.is_not(None).label("has_inquiry"),
        _session_language().label("language"),
    ).order_by(Handoff.requested_at, Handoff.id)
    if not with_inquiry:
        query = query.where(inquiry.is_(None))
    return _in_window(query, window, filters)


async def _handoffs(
    db: AsyncConnection, periods: tuple[Period, Period], filters: Filters, sla_s: float
) -> tuple[list[dict[str, Any]], list[Any]]:
    """PostgreSQL: each half's handoff figures aggregated by the database (the same as
    ``_handoff_times`` over the rows), and the rows that may be abandoned RFQs (an e-mail or
    phone in the summary's RFQ, in a chat that led to no inquiry: an index probe per row,
    where a NOT EXISTS was planned as an anti-join hashing every inquiry; ``_abandoned``
    applies the exact test)."""
    window = Period(periods[0].start, periods[1].end)
    # materialized: each row's JSON read once, however many aggregates read it
    inside = Handoff.summary["inside_hours"]  # recorded as JSON true (anything else: outside)
    base = _in_window(
        select(
            case((Handoff.requested_at >= periods[1].start_at, 1), else_=0).label("half"),
            Handoff.first_reply_at.label("reply"),
            Handoff.requested_at,
            and_(func.json_typeof(inside) == "boolean", inside.as_string() == "true").label(
                "inside"
            ),
        ),
        window,
        filters,
    ).cte("handoff_times")
    base = base.prefix_with("MATERIALIZED")
    h = base.c
    half = h.half
    is_inside = h.inside
    took = extract("epoch", h.reply - h.requested_at)

    def times(*where: Any) -> list[Any]:
        answered = (h.reply.is_not(None), *where)
        return [
            func.count(h.reply).filter(*answered),
            func.percentile_cont(0.5).within_group(took).filter(*answered),
            func.percentile_disc(0.9).within_group(took).filter(*answered),
            func.count().filter(*where) if where else func.count(),
        ]

    query = select(
        half.label("half"),
        *times(),
        *times(is_inside),
        *times(~is_inside),
        func.count().filter(is_inside, took <= sla_s),
    ).group_by(half)
    out = [_handoff_summary(None, sla_s), _handoff_summary(None, sla_s)]
    for row in await db.execute(query):
        out[row[0]] = _handoff_summary(list(row)[1:], sla_s)

    contact = or_(
        Handoff.summary[("rfq", "email")].as_string().is_not(None),
        Handoff.summary[("rfq", "phone")].as_string().is_not(None),
    )
    rows = _handoff_rows(window, filters, reply=False, with_inquiry=False).where(contact)
    candidates = list(await db.execute(rows))
    return out, candidates


def _handoff_summary(values: Sequence[Any] | None, sla_s: float) -> dict[str, Any]:
    """The handoff figures from the aggregates (None: no handoff): for all, inside and
    outside office hours in turn answered, median, p90, requested; then within the SLA."""
    row: list[Any] = list(values) if values is not None else [0, None, None, 0] * 3 + [0]

    def group(n: int) -> dict[str, Any]:
        answered, mid, p90, requested = row[n : n + 4]
        return {
            "n": int(answered),
            "median": None if mid is None else float(mid),
            "p90": None if p90 is None else float(p90),
            "requested": int(requested),
        }

    every, inside, outside, within = group(0), group(4), group(8), int(row[12])
    return {
        **every,
        "unanswered": every["requested"] - every["n"],
        "inside_hours": inside,
        "outside_hours": outside,
        "sla_s": sla_s,
        "within_sla": within,
        "within_sla_rate": ratio(within, inside["requested"]),
    }


async def _gaps(
    db: AsyncConnection, periods: tuple[Period, Period], filters: Filters, limit: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each half's knowledge gaps per language, grouped by their kept ``question_key``, most
    asked first (the ``limit`` first per language), each with its first wording, the last time
    asked and the first ten chat sessions that asked. Grouped by the database: one row per
    question, then the sessions of the questions shown only."""
    window = Period(periods[0].start, periods[1].end)
    g = KnowledgeGap
    rows = select(
        case((g.created_at >= periods[1].start_at, 1), else_=0).label("half"),
        func.coalesce(g.language, UNKNOWN).label("language"),
        g.question_key.label("key"),
        g.question,
        g.session_id,
        g.created_at,
        g.id,
    ).where(g.created_at >= window.start_at, g.created_at < window.end_at)
    if filters.language:
        rows = rows.where(g.language == filters.language)
    r = rows.subquery("gaps").c
    group = (r.half, r.language, r.key)
    order = (r.created_at, r.id)
    ranked = select(
        *group,
        r.question,
        func.row_number().over(partition_by=group, order_by=order).label("nth"),
        func.count().over(partition_by=group).label("asked"),
        func.max(r.created_at).over(partition_by=group).label("last_asked"),
    ).subquery("ranked")
    k = ranked.c
    firsts = select(k.half, k.language, k.key, k.question, k.asked, k.last_asked).where(k.nth == 1)
    grouped: tuple[dict[str, list[Any]], ...] = (defaultdict(list), defaultdict(list))
    for half, language, key, question, asked, last in await db.execute(firsts):
        text_ = " ".join(str(question).split())
        grouped[half][language].append((key, {"question": text_, "asked": int(asked),
                                              "sessions": [], "last_asked": last}))  # fmt: skip

    # the first ten sessions of each question shown, in the order they first asked
    shown: dict[tuple[int, str, str], dict[str, Any]] = {}
    for half, by_language in enumerate(grouped):
        for language, entries in by_language.items():
            entries.sort(key=lambda e: (-e[1]["asked"], e[1]["question"]))
            for key, entry in entries[:limit]:
                shown[(half, language, key)] = entry
    if shown:
        by_session = (*group, r.session_id)
        first_ask = (
            select(
                *by_session,
                r.created_at,
                r.id,
                func.row_number().over(partition_by=by_session, order_by=order).label("nth"),
            )
            .where(
                r.session_id.is_not(None),
                r.session_id != "",
                r.key.in_(sorted({key for _, _, key in shown})),
            )
            .subquery("first_ask")
        )
        s = first_ask.c
        asked_by: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
        for half, language, key, session_id, at, id_ in await db.execute(
            select(s.half, s.language, s.key, s.session_id, s.created_at, s.id).where(s.nth == 1)
        ):
            if (half, language, key) in shown:
                asked_by[(half, language, key)].append((at, id_, session_id))
        for where, sessions in asked_by.items():
            shown[where]["sessions"] = [sid for _, _, sid in sorted(sessions)]

    out: list[list[dict[str, Any]]] = [[], []]
    for half, by_language in enumerate(grouped):
        totals = {lang: sum(e["asked"] for _, e in rows) for lang, rows in by_language.items()}
        for language in sorted(by_language, key=lambda lang: (-totals[lang], lang)):
            out[half].append(
                {
                    "language": language,
                    "asked": totals[language],
                    "questions": [
                        {
                            **e,
                            "sessions": e["sessions"][:10],
                            "last_asked": e["last_asked"].isoformat(),
                        }
                        for _, e in by_language[language][:limit]
                    ],
                }
            )
    return out[0], out[1]


def _rows(groups: Mapping[str, _Group], name: str) -> list[dict[str, Any]]:
    """A breakdown's rows, most inquiries first."""
    return [
        {
            name: key,
            "inquiries": g.n,
            "quoted": g.quoted,
            "won": g.won,
            "quoted_value": _values(g.value),
            "won_value": _values(g.won_value),
        }
        for key, g in sorted(groups.items(), key=lambda kv: (-kv[1].n, kv[0]))
    ]


def _figures(
    period: Period,
    filters: Filters,
    data: _Data,
    categories: Mapping[str, str],
    *,
    handoff_sla_s: float,
    gaps_per_language: int,
    abandoned_limit: int,
) -> dict[str, Any]:
    unavailable: dict[str, str] = {"funnel.rfqs_started": RFQS_STARTED_REASON}
    groups = data.groups
    sessions_apply = not filters.beyond_language

    # -- funnel (the markets partition the cohort)
    chats = data.chats
    if not sessions_apply:
        unavailable["funnel.chats"] = _session_reason(filters)
    markets = groups["market"].values()
    quoted = sum(g.quoted for g in markets)
    won = sum(g.won for g in markets)
    expired = sum(g.expired for g in markets)
    after_approval = sum(g.after_approval for g in markets)
    funnel = {
        "chats": chats,
        "rfqs_started": None,
        "rfqs_submitted": sum(g.n for g in markets),
        "quoted": quoted,
        "quoted_at_once": quoted - after_approval,
        "quoted_after_approval": after_approval,
        "won": won,
        "rejected": sum(g.rejected for g in markets),
        "expired": expired,
        "open": quoted - won - expired,
    }
    steps = []
    for source, target in STEPS:
        before, after = funnel[source], funnel[target]
        steps.append(
            {
                "from": source,
                "to": target,
                "count_from": before,
                "count_to": after,
                "drop": None if before is None or after is None else before - after,
                "rate": None if before is None or after is None else ratio(after, before),
            }
        )

    # -- values
    pipeline = sorted(data.pipeline.items())
    won_value = {c: v for (s, c), (_, v) in pipeline if s == QuoteStatus.ACCEPTED}
    waiting = sum(n for (s, _), (n, _) in pipeline if s == QuoteStatus.PENDING_APPROVAL)

    # -- response times
    response_times: dict[str, Any] = {
        "rfq_to_quote_sent": data.to_sent,
        "approval_wait": {**data.approval_wait, "waiting_now": waiting},
        "handoff_to_first_rep_reply": None,
    }
    handoffs = data.handoffs or []
    if sessions_apply:
        response_times["handoff_to_first_rep_reply"] = (
            data.handoff_times
            if data.handoff_times is not None
            else _handoff_times(handoffs, handoff_sla_s)
        )
    else:
        unavailable["response_times.handoff_to_first_rep_reply"] = _session_reason(filters)

    # -- lead score: ten-point buckets (-1: unscored); the bands are unions of buckets
    buckets: Counter[str] = Counter()
    by_band: dict[str, _Group] = defaultdict(_Group)
    for key, g in groups["bucket"].items():
        low = int(key)
        score = None if low < 0 else low * 10
        buckets[_bucket(score)] += g.n
        band = by_band[_band(score)]
        band.n, band.quoted, band.won = band.n + g.n, band.quoted + g.quoted, band.won + g.won
    bucket_names = [f"{b}-{b + 9}" for b in range(0, 90, 10)] + ["90-100", "unscored"]
    bands = [
        {
            "band": name,
            "inquiries": by_band[name].n,
            "quoted": by_band[name].quoted,
            "won": by_band[name].won,
            "win_rate": ratio(by_band[name].won, by_band[name].n),
            "hit_rate": ratio(by_band[name].won, by_band[name].quoted),
        }
        for name in ("hot", "warm", "cold", "unscored")
    ]

    # -- markets, languages, categories, products
    by_category = groups["category"]
    for key, g in groups["category_value"].items():
        if key in by_category:
            by_category[key].value, by_category[key].won_value = g.value, g.won_value
    products = [
        {"sku": row["sku"], "inquiries": row["inquiries"], "quoted": row["quoted"],
         "won": row["won"], "category": categories.get(row["sku"], UNKNOWN)}
        for row in _rows(groups["sku"], "sku")[:20]
    ]  # fmt: skip

    # -- knowledge gaps
    gaps: list[dict[str, Any]] | None = None
    if sessions_apply:
        gaps = data.gaps or []
    else:
        unavailable["knowledge_gaps"] = _session_reason(filters)

    # -- abandoned RFQs
    unavailable["abandoned_rfqs.count"] = ABANDONED_REASON
    abandoned: dict[str, Any] | None = None
    if sessions_apply:
        items = _abandoned(handoffs)
        abandoned = {"count": None, "known": len(items), "items": items[:abandoned_limit]}
    else:
        unavailable["abandoned_rfqs"] = _session_reason(filters)

    return {
        "period": period.as_dict(),
        "funnel": funnel,
        "funnel_steps": steps,
        "quote_hit_rate": ratio(won, quoted),
        "pipeline": [
            {"status": s, "currency": c, "quotes": n, "value": money(v)}
            for (s, c), (n, v) in pipeline
        ],
        "won_value": _values(won_value),
        "median_days_to_won": data.median_days_to_won,
        "response_times": response_times,
        "lead_score": {
            "distribution": [{"range": b, "inquiries": buckets.get(b, 0)} for b in bucket_names],
            "bands": bands,
        },
        "markets": _rows(groups["market"], "market"),
        "languages": _rows(groups["language"], "language"),
        "categories": _rows(by_category, "category"),
        "products": products,
        "knowledge_gaps": gaps,
        "abandoned_rfqs": abandoned,
        "unavailable": unavailable,
    }


def _handoff_times(handoffs: list[Any], sla_s: float) -> dict[str, Any]:
    def times(rows: Iterable[Any]) -> list[float]:
        return [(reply - asked).total_seconds() for _, asked, _, reply, _, _ in rows if reply]

    inside = [h for h in handoffs if (h[2] or {}).get("inside_hours") is True]
    outside = [h for h in handoffs if (h[2] or {}).get("inside_hours") is not True]
    inside_times = times(inside)
    within = sum(1 for t in inside_times if t <= sla_s)
    return {
        **summary(times(handoffs)),
        "requested": len(handoffs),
        "unanswered": sum(1 for h in handoffs if h[3] is None),
        "inside_hours": {**summary(inside_times), "requested": len(inside)},
        "outside_hours": {**summary(times(outside)), "requested": len(outside)},
        "sla_s": sla_s,
        "within_sla": within,
        "within_sla_rate": ratio(within, len(inside)),
    }


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _abandoned(handoffs: list[Any]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for session_id, asked, summary_, _, has_inquiry, language in handoffs:
        rfq = (summary_ or {}).get("rfq") or {}
        if has_inquiry or not isinstance(rfq, dict):
            continue
        contact = {k: str(rfq[k]) for k in ("email", "phone") if rfq.get(k)}
        if not contact:
            continue
        out[session_id] = {
            "session_id": session_id,
            "asked_at": asked.isoformat(),
            "language": language,
            "contact_name": _text(rfq.get("contact_name")),
            "company": _text(rfq.get("company")),
            **{"email": None, "phone": None, **contact},
            "product": _text(rfq.get("product")),
            "quantity": _text(rfq.get("quantity")),
        }
    return list(out.values())


async def compute(
    db: AsyncSession,
    period: Period,
    filters: Filters = Filters(),  # noqa: B008 - frozen, never changed
    *,
    categories: Mapping[str, str],
    handoff_sla_s: float = 300.0,
    gaps_per_language: int = 10,
    abandoned_limit: int = 50,
) -> dict[str, Any]:
    """Every figure for ``period`` and, under ``previous``, for the period of equal length
    before it. ``categories`` maps SKUs to price-book categories."""

    before, now = await _fetch(
        db, (period.previous, period), filters, categories, handoff_sla_s, gaps_per_language
    )

    def figures(of: Period, data: _Data) -> dict[str, Any]:
        return _figures(
            of,
            filters,
            data,
            categories,
            handoff_sla_s=handoff_sla_s,
            gaps_per_language=gaps_per_language,
            abandoned_limit=abandoned_limit,
        )

    current = figures(period, now)
    previous = figures(period.previous, before)
    return {**current, "filters": filters.as_dict(), "previous": previous}


__all__ = ["cohort_query", "compute", "money"]
