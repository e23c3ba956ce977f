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

**How.** Both periods at once (the window of the two, each row marked with its half), in
parts (sales/kpi/plan.py: each a group of figures read on one connection; on PostgreSQL the
parts run concurrently on a few pooled connections): the order figures from the facts kept per
inquiry and their sums kept per day (sales/kpi/orders.py, facts.py, rollups.py), the chats,
handoffs and abandoned RFQs (sales/kpi/sessions.py) and the knowledge gaps (sales/kpi/gaps.py).
Only aggregated rows leave the database, but for the possible abandoned RFQs. Medians and p90s
are ``percentile_cont(0.5)`` and ``percentile_disc(0.9)`` (nearest rank) on PostgreSQL; SQLite
has no percentiles, so there the durations alone are read and summarised here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from sales.kpi import gaps, orders, plan, sessions
from sales.kpi.data import Data, Group, Halves
from sales.kpi.orders import cohort_query
from sales.kpi.period import BAND_RANGES, Filters, Period
from sales.kpi.rollups import UNKNOWN
from sales.kpi.stats import ratio
from sales.models import QuoteStatus

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


async def parts(db: AsyncConnection, look: plan.Look) -> list[plan.Part]:
    """The statements of ``look`` as named parts (sales/kpi/plan.py), the heaviest first."""
    out = await orders.parts(db, look)
    if look.sessions_apply:
        out += [*sessions.parts(look, db.dialect.name == "postgresql"), gaps.part(look)]
    return out


async def _fetch(session: AsyncSession, look: plan.Look) -> Halves:
    """Both periods' figures (``look.periods``: previous, current), each part aggregated by
    the database over the two periods together, each row marked with its half."""
    db = await session.connection()  # Core rows: no ORM loading for these column reads
    if db.dialect.name == "postgresql":
        await plan.tune(db)
    halves = (Data(), Data())
    await plan.run(db, await parts(db, look), halves)
    return halves


def _rows(groups: Mapping[str, Group], name: str) -> list[dict[str, Any]]:
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
    data: Data,
    categories: Mapping[str, str],
    *,
    handoff_sla_s: float,
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
    if sessions_apply:
        response_times["handoff_to_first_rep_reply"] = (
            data.handoff_times
            if data.handoff_times is not None
            else sessions.no_handoffs(handoff_sla_s)
        )
    else:
        unavailable["response_times.handoff_to_first_rep_reply"] = _session_reason(filters)

    # -- lead score: ten-point buckets (-1: unscored); the bands are unions of buckets
    buckets: Counter[str] = Counter()
    by_band: dict[str, Group] = defaultdict(Group)
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
    shown_gaps: list[dict[str, Any]] | None = None
    if sessions_apply:
        shown_gaps = data.gaps or []
    else:
        unavailable["knowledge_gaps"] = _session_reason(filters)

    # -- abandoned RFQs
    unavailable["abandoned_rfqs.count"] = ABANDONED_REASON
    abandoned: dict[str, Any] | None = None
    if sessions_apply:
        items = sessions.abandoned(data.abandoned)
        abandoned = {"count": None, "known": data.abandoned_known, "items": items}
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
        "knowledge_gaps": shown_gaps,
        "abandoned_rfqs": abandoned,
        "unavailable": unavailable,
    }


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

    look = plan.Look((period.previous, period), filters, categories, handoff_sla_s,
                     gaps_per_language, abandoned_limit)  # fmt: skip
    before, now = await _fetch(db, look)

    def figures(of: Period, data: Data) -> dict[str, Any]:
        return _figures(
            of,
            filters,
            data,
            categories,
            handoff_sla_s=handoff_sla_s,
        )

    current = figures(period, now)
    previous = figures(period.previous, before)
    return {**current, "filters": filters.as_dict(), "previous": previous}


__all__ = ["cohort_query", "compute", "money", "parts"]
