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
  ``quoted_after_approval`` when it was approved first. ``won``: with an accepted quote.
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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from sales.kpi.period import BAND_RANGES, Filters, Period
from sales.kpi.stats import median, ratio, summary
from sales.models import (
    ChatMessage,
    ChatSession,
    Handoff,
    Inquiry,
    InquiryItem,
    KnowledgeGap,
    Quote,
    QuoteEvent,
    QuoteLine,
    QuoteStatus,
    Role,
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
STEPS = (("chats", "rfqs_submitted"), ("rfqs_submitted", "quoted"), ("quoted", "won"))
UNKNOWN = "unknown"


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


@dataclass
class _InquiryFacts:
    id: int
    created_at: datetime
    language: str | None
    market: str | None
    business_type: str | None
    lead_score: int | None
    skus: list[str | None] = field(default_factory=list)
    first_sent_at: datetime | None = None
    first_sent_after_approval: bool = False
    won_at: datetime | None = None
    rejected: bool = False
    latest_sent_quote: int | None = None  # quote id

    @property
    def quoted(self) -> bool:
        return self.first_sent_at is not None

    @property
    def won(self) -> bool:
        return self.won_at is not None


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
    """The ids of the period's inquiries that pass the filters."""
    query = select(Inquiry.id).where(
        Inquiry.created_at >= period.start_at, Inquiry.created_at < period.end_at
    )
    if filters.market:
        query = query.where(Inquiry.destination_country == filters.market)
    if filters.language:
        query = query.where(Inquiry.language == filters.language)
    if filters.business_type:
        query = query.where(Inquiry.business_type == filters.business_type)
    if filters.band == "unscored":
        query = query.where(Inquiry.lead_score.is_(None))
    elif filters.band:
        low, high = BAND_RANGES[filters.band]
        query = query.where(Inquiry.lead_score >= low, Inquiry.lead_score <= high)
    if filters.category:
        skus = sorted(sku for sku, category in categories.items() if category == filters.category)
        query = query.where(
            exists().where(InquiryItem.inquiry_id == Inquiry.id, InquiryItem.sku.in_(skus))
        )
    return query


@dataclass
class _Data:
    """What one period's figures are computed from (fetched for both periods at once)."""

    facts: dict[int, _InquiryFacts] = field(default_factory=dict)
    quotes: dict[int, tuple[int, str, str, Decimal]] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    lines: dict[int, list[tuple[str | None, Decimal]]] = field(default_factory=dict)
    chats: int | None = None
    handoffs: list[Any] | None = None
    gaps: list[Any] | None = None


def _within(moment: datetime, period: Period) -> bool:
    return period.start_at <= moment < period.end_at


async def _fetch(
    session: AsyncSession,
    periods: tuple[Period, Period],
    filters: Filters,
    categories: Mapping[str, str],
) -> tuple[_Data, _Data]:
    """Both periods' data (``periods`` is (previous, current), adjacent) in one query per
    table over the two together, split here by their time."""
    window = Period(periods[0].start, periods[1].end)
    db = await session.connection()  # Core rows: no ORM loading for these column reads
    ids = cohort_query(window, filters, categories).subquery()
    cohort_ids = select(ids.c.id)
    rows = await db.execute(
        select(
            Inquiry.id,
            Inquiry.created_at,
            Inquiry.language,
            Inquiry.destination_country,
            Inquiry.business_type,
            Inquiry.lead_score,
        ).where(Inquiry.id.in_(cohort_ids))
    )
    facts = {r[0]: _InquiryFacts(*r) for r in rows}
    for inquiry_id, sku in await db.execute(
        select(InquiryItem.inquiry_id, InquiryItem.sku).where(
            InquiryItem.inquiry_id.in_(cohort_ids)
        )
    ):
        facts[inquiry_id].skus.append(sku)
    quote_ids = select(Quote.id).where(Quote.inquiry_id.in_(cohort_ids))
    quotes: dict[int, tuple[int, str, str, Decimal]] = {
        q: (inquiry_id, status, currency, total)
        for q, inquiry_id, status, currency, total in await db.execute(
            select(Quote.id, Quote.inquiry_id, Quote.status, Quote.currency, Quote.total).where(
                Quote.inquiry_id.in_(cohort_ids)
            )
        )
    }
    events = list(
        await db.execute(
            select(QuoteEvent.quote_id, QuoteEvent.at, QuoteEvent.from_status, QuoteEvent.to_status)
            .where(
                QuoteEvent.quote_id.in_(quote_ids),
                QuoteEvent.to_status != QuoteStatus.DRAFT.value,  # creation: nothing to count
            )
            .order_by(QuoteEvent.at, QuoteEvent.id)
        )
    )
    for quote_id, at, source, target in events:
        inquiry = facts[quotes[quote_id][0]]
        if target == QuoteStatus.SENT:
            if inquiry.first_sent_at is None:
                inquiry.first_sent_at = at
                inquiry.first_sent_after_approval = source == QuoteStatus.APPROVED
            if inquiry.latest_sent_quote is None or quote_id > inquiry.latest_sent_quote:
                inquiry.latest_sent_quote = quote_id
        elif target == QuoteStatus.ACCEPTED and inquiry.won_at is None:
            inquiry.won_at = at
        elif target == QuoteStatus.REJECTED:
            inquiry.rejected = True
    latest = {i.latest_sent_quote for i in facts.values() if i.latest_sent_quote is not None}
    lines: dict[int, list[tuple[str | None, Decimal]]] = defaultdict(list)
    if latest:
        sent_ids = select(QuoteEvent.quote_id).where(
            QuoteEvent.to_status == QuoteStatus.SENT.value, QuoteEvent.quote_id.in_(quote_ids)
        )
        for quote_id, sku, amount in await db.execute(
            select(QuoteLine.quote_id, QuoteLine.sku, QuoteLine.amount).where(
                QuoteLine.quote_id.in_(sent_ids)
            )
        ):
            if quote_id in latest:
                lines[quote_id].append((sku, amount))

    split = (_Data(), _Data())
    for inquiry in facts.values():
        half = split[1] if _within(inquiry.created_at, periods[1]) else split[0]
        half.facts[inquiry.id] = inquiry
    for quote_id, quote in quotes.items():
        half = split[1] if quote[0] in split[1].facts else split[0]
        half.quotes[quote_id] = quote
        if quote_id in lines:
            half.lines[quote_id] = lines[quote_id]
    for event in events:
        (split[1] if event[0] in split[1].quotes else split[0]).events.append(event)

    if not filters.beyond_language:  # chat sessions know their language only
        current = ChatSession.created_at >= periods[1].start_at
        chat_query = select(func.count().filter(current), func.count().filter(~current)).where(
            ChatSession.created_at >= window.start_at, ChatSession.created_at < window.end_at
        )
        if filters.language:
            chat_query = chat_query.where(ChatSession.language == filters.language)
        now_count, before_count = (await db.execute(chat_query)).one()
        split[1].chats, split[0].chats = int(now_count), int(before_count)
        handoffs = await _handoffs(db, window, filters)
        gaps = await _gaps(db, window, filters)
        for half, period in ((split[0], periods[0]), (split[1], periods[1])):
            half.handoffs = [h for h in handoffs if _within(h[1], period)]
            half.gaps = [g for g in gaps if _within(g[3], period)]
    return split


async def _handoffs(db: AsyncConnection, window: Period, filters: Filters) -> list[Any]:
    first_reply = (
        select(func.min(ChatMessage.created_at, type_=UTCDateTime()))
        .where(
            ChatMessage.session_id == Handoff.session_id,
            ChatMessage.role == Role.AGENT.value,
            ChatMessage.created_at >= Handoff.requested_at,
        )
        .scalar_subquery()
    )
    has_inquiry = exists().where(Inquiry.session_id == Handoff.session_id)
    query = (
        select(
            Handoff.session_id,
            Handoff.requested_at,
            Handoff.summary,
            first_reply,
            has_inquiry,
            ChatSession.language,
        )
        .join(ChatSession, ChatSession.id == Handoff.session_id)
        .where(Handoff.requested_at >= window.start_at, Handoff.requested_at < window.end_at)
        .order_by(Handoff.requested_at, Handoff.id)
    )
    if filters.language:
        query = query.where(ChatSession.language == filters.language)
    return list(await db.execute(query))


async def _gaps(db: AsyncConnection, window: Period, filters: Filters) -> list[Any]:
    query = (
        select(
            KnowledgeGap.question,
            KnowledgeGap.language,
            KnowledgeGap.session_id,
            KnowledgeGap.created_at,
        )
        .where(KnowledgeGap.created_at >= window.start_at, KnowledgeGap.created_at < window.end_at)
        .order_by(KnowledgeGap.created_at, KnowledgeGap.id)
    )
    if filters.language:
        query = query.where(KnowledgeGap.language == filters.language)
    return list(await db.execute(query))


def _approval_wait(
    events: Iterable[Any], quotes: Mapping[int, tuple[int, str, str, Decimal]]
) -> dict[str, Any]:
    submitted: dict[int, datetime] = {}
    waits: list[float] = []
    for quote_id, at, source, target in events:
        if target == QuoteStatus.PENDING_APPROVAL:
            submitted[quote_id] = at
        elif (
            source == QuoteStatus.PENDING_APPROVAL
            and quote_id in submitted
            and target in (QuoteStatus.APPROVED, QuoteStatus.REJECTED)
        ):
            waits.append((at - submitted[quote_id]).total_seconds())
    waiting = sum(
        1 for _, status, _, _ in quotes.values() if status == QuoteStatus.PENDING_APPROVAL
    )
    return {**summary(waits), "waiting_now": waiting}


def _group(
    facts: Iterable[_InquiryFacts],
    key_of: Any,
    value_of: Any,
    name: str,
) -> list[dict[str, Any]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    quoted_values: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    won_values: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for inquiry in facts:
        for key in key_of(inquiry):
            counts[key]["inquiries"] += 1
            counts[key]["quoted"] += inquiry.quoted
            counts[key]["won"] += inquiry.won
            for currency, amount in value_of(inquiry, key):
                quoted_values[key][currency] += amount
                if inquiry.won:
                    won_values[key][currency] += amount
    return [
        {
            name: key,
            "inquiries": c["inquiries"],
            "quoted": c["quoted"],
            "won": c["won"],
            "quoted_value": _values(quoted_values[key]),
            "won_value": _values(won_values[key]),
        }
        for key, c in sorted(counts.items(), key=lambda kv: (-kv[1]["inquiries"], kv[0]))
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
    quotes, events, lines = data.quotes, data.events, data.lines
    cohort = list(data.facts.values())
    sessions_apply = not filters.beyond_language

    # -- funnel
    chats = data.chats
    if not sessions_apply:
        unavailable["funnel.chats"] = _session_reason(filters)
    latest_status = {
        i.id: quotes[i.latest_sent_quote][1] for i in cohort if i.latest_sent_quote is not None
    }
    quoted = sum(i.quoted for i in cohort)
    won = sum(i.won for i in cohort)
    expired = sum(
        1 for i in cohort if i.quoted and not i.won and latest_status[i.id] == QuoteStatus.EXPIRED
    )
    funnel = {
        "chats": chats,
        "rfqs_started": None,
        "rfqs_submitted": len(cohort),
        "quoted": quoted,
        "quoted_at_once": sum(i.quoted and not i.first_sent_after_approval for i in cohort),
        "quoted_after_approval": sum(i.quoted and i.first_sent_after_approval for i in cohort),
        "won": won,
        "rejected": sum(i.rejected for i in cohort),
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
    pipeline: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    won_value: dict[str, Decimal] = defaultdict(Decimal)
    for _, status, currency, total in quotes.values():
        pipeline[(status, currency)][0] += 1
        pipeline[(status, currency)][1] += total
        if status == QuoteStatus.ACCEPTED:
            won_value[currency] += total

    # -- response times
    to_sent = [(i.first_sent_at - i.created_at).total_seconds() for i in cohort if i.first_sent_at]
    days_to_won = [(i.won_at - i.created_at).total_seconds() / 86400 for i in cohort if i.won_at]
    response_times: dict[str, Any] = {
        "rfq_to_quote_sent": summary(to_sent),
        "approval_wait": _approval_wait(events, quotes),
        "handoff_to_first_rep_reply": None,
    }
    handoffs = data.handoffs or []
    if sessions_apply:
        response_times["handoff_to_first_rep_reply"] = _handoff_times(handoffs, handoff_sla_s)
    else:
        unavailable["response_times.handoff_to_first_rep_reply"] = _session_reason(filters)

    # -- lead score
    buckets = Counter(_bucket(i.lead_score) for i in cohort)
    bucket_names = [f"{b}-{b + 9}" for b in range(0, 90, 10)] + ["90-100", "unscored"]
    bands = []
    by_band: dict[str, list[_InquiryFacts]] = defaultdict(list)
    for inquiry in cohort:
        by_band[_band(inquiry.lead_score)].append(inquiry)
    for band in ("hot", "warm", "cold", "unscored"):
        members = by_band[band]
        band_quoted = sum(i.quoted for i in members)
        band_won = sum(i.won for i in members)
        bands.append(
            {
                "band": band,
                "inquiries": len(members),
                "quoted": band_quoted,
                "won": band_won,
                "win_rate": ratio(band_won, len(members)),
                "hit_rate": ratio(band_won, band_quoted),
            }
        )

    # -- markets, languages, categories, products
    def latest_total(inquiry: _InquiryFacts, _key: str) -> list[tuple[str, Decimal]]:
        if inquiry.latest_sent_quote is None:
            return []
        _, _, currency, total = quotes[inquiry.latest_sent_quote]
        return [(currency, total)]

    def category_of(sku: str | None) -> str:
        return categories.get(sku or "", UNKNOWN) if sku else UNKNOWN

    def category_lines(inquiry: _InquiryFacts, key: str) -> list[tuple[str, Decimal]]:
        if inquiry.latest_sent_quote is None:
            return []
        currency = quotes[inquiry.latest_sent_quote][2]
        return [
            (currency, amount)
            for sku, amount in lines.get(inquiry.latest_sent_quote, [])
            if category_of(sku) == key
        ]

    markets = _group(cohort, lambda i: [i.market or UNKNOWN], latest_total, "market")
    languages = _group(cohort, lambda i: [i.language or UNKNOWN], latest_total, "language")
    by_category = _group(
        cohort, lambda i: sorted({category_of(s) for s in i.skus}), category_lines, "category"
    )
    products = _group(cohort, lambda i: sorted({s for s in i.skus if s}), lambda i, k: [], "sku")[
        :20
    ]
    for row in products:
        row["category"] = category_of(row["sku"])
        del row["quoted_value"], row["won_value"]

    # -- knowledge gaps
    gaps: list[dict[str, Any]] | None = None
    if sessions_apply:
        gaps = _top_gaps(data.gaps or [], gaps_per_language)
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
            for (s, c), (n, v) in sorted(pipeline.items())
        ],
        "won_value": _values(won_value),
        "median_days_to_won": median(days_to_won),
        "response_times": response_times,
        "lead_score": {
            "distribution": [{"range": b, "inquiries": buckets.get(b, 0)} for b in bucket_names],
            "bands": bands,
        },
        "markets": markets,
        "languages": languages,
        "categories": by_category,
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


def _top_gaps(rows: list[Any], limit: int) -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for question, language, session_id, at in rows:
        text = " ".join(str(question).split())
        key = text.casefold()
        entry = grouped[language or UNKNOWN].setdefault(
            key, {"question": text, "asked": 0, "sessions": [], "last_asked": at}
        )
        entry["asked"] += 1
        entry["last_asked"] = max(entry["last_asked"], at)
        if session_id and session_id not in entry["sessions"]:
            entry["sessions"].append(session_id)
    out = []
    totals = {lang: sum(e["asked"] for e in entries.values()) for lang, entries in grouped.items()}
    for language in sorted(grouped, key=lambda lang: (-totals[lang], lang)):
        entries = sorted(grouped[language].values(), key=lambda e: (-e["asked"], e["question"]))
        out.append(
            {
                "language": language,
                "asked": sum(e["asked"] for e in entries),
                "questions": [
                    {**e, "sessions": e["sessions"][:10], "last_asked": e["last_asked"].isoformat()}
                    for e in entries[:limit]
                ],
            }
        )
    return out


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

    before, now = await _fetch(db, (period.previous, period), filters, categories)

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
