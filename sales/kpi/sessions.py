"""The chat sessions' parts (sales/kpi/plan.py): the chats, the handoffs' first rep replies
against the office-hours SLA, and the handoffs that may be abandoned RFQs. Chat sessions know
their language only: these apply unfiltered or with the language filter alone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, case, extract, func, null, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection

from sales.kpi.data import Halves
from sales.kpi.period import Filters, Period
from sales.kpi.plan import Look, Part
from sales.kpi.stats import ratio, summary
from sales.models import ChatSession, Handoff, Inquiry, UTCDateTime


def parts(look: Look, postgres: bool) -> list[Part]:
    return [
        Part("handoffs -> first rep reply", _handoffs(look, postgres)),
        Part("abandoned RFQs", _abandoned_rows(look)),
        Part("chats", _chats(look)),
    ]


def _chats(look: Look) -> Any:
    """The chat sessions created in each half."""
    periods, window = look.periods, look.window
    current = ChatSession.created_at >= periods[1].start_at
    query = select(func.count().filter(~current), func.count().filter(current)).where(
        ChatSession.created_at >= window.start_at, ChatSession.created_at < window.end_at
    )
    if look.filters.language:
        query = query.where(ChatSession.language == look.filters.language)

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        before, now = (await conn.execute(query)).one()
        halves[0].chats, halves[1].chats = int(before), int(now)

    return run


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


def _half(look: Look) -> Any:
    return case((Handoff.requested_at >= look.periods[1].start_at, 1), else_=0).label("half")


def _handoffs(look: Look, postgres: bool) -> Any:
    """Each half's handoffs -> the first rep reply (kept on the handoff, sales/kpi/replies.py),
    for all, inside and outside office hours (as recorded at the request), and within the SLA
    inside office hours: aggregated by PostgreSQL, summarised here on SQLite."""
    sla_s = look.handoff_sla_s
    if not postgres:
        rows = _in_window(
            select(_half(look), Handoff.requested_at, Handoff.summary, Handoff.first_reply_at),
            look.window,
            look.filters,
        )

        async def run_here(conn: AsyncConnection, halves: Halves) -> None:
            split: tuple[list[Any], list[Any]] = ([], [])
            for half, asked, summary_, reply in await conn.execute(rows):
                split[half].append((asked, summary_, reply))
            for half in (0, 1):
                halves[half].handoff_times = handoff_times(split[half], sla_s)

        return run_here

    # materialized: each row's JSON read once, however many aggregates read it
    inside = Handoff.summary["inside_hours"]  # recorded as JSON true (anything else: outside)
    base = _in_window(
        select(
            _half(look),
            Handoff.first_reply_at.label("reply"),
            Handoff.requested_at,
            and_(func.json_typeof(inside) == "boolean", inside.as_string() == "true").label(
                "inside"
            ),
        ),
        look.window,
        look.filters,
    ).cte("handoff_times")
    base = base.prefix_with("MATERIALIZED")
    h = base.c
    is_inside = h.inside
    took = extract("epoch", h.reply - h.requested_at)

    def aggregates(*where: Any) -> list[Any]:
        answered = (h.reply.is_not(None), *where)
        return [
            func.count(h.reply).filter(*answered),
            func.percentile_cont(0.5).within_group(took).filter(*answered),
            func.percentile_disc(0.9).within_group(took).filter(*answered),
            func.count().filter(*where) if where else func.count(),
        ]

    query = select(
        h.half,
        *aggregates(),
        *aggregates(is_inside),
        *aggregates(~is_inside),
        func.count().filter(is_inside, took <= sla_s),
    ).group_by(h.half)

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        for row in await conn.execute(query):
            halves[row[0]].handoff_times = _handoff_summary(list(row)[1:], sla_s)

    return run


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


def no_handoffs(sla_s: float) -> dict[str, Any]:
    """The handoff figures of a period without a handoff."""
    return _handoff_summary(None, sla_s)


def handoff_times(handoffs: list[Any], sla_s: float) -> dict[str, Any]:
    """The handoff figures from (asked at, summary, first reply) rows, computed here."""

    def took(rows: Iterable[Any]) -> list[float]:
        return [(reply - asked).total_seconds() for asked, _, reply in rows if reply]

    inside = [h for h in handoffs if (h[1] or {}).get("inside_hours") is True]
    outside = [h for h in handoffs if (h[1] or {}).get("inside_hours") is not True]
    inside_times = took(inside)
    within = sum(1 for t in inside_times if t <= sla_s)
    return {
        **summary(took(handoffs)),
        "requested": len(handoffs),
        "unanswered": sum(1 for h in handoffs if h[2] is None),
        "inside_hours": {**summary(inside_times), "requested": len(inside)},
        "outside_hours": {**summary(took(outside)), "requested": len(outside)},
        "sla_s": sla_s,
        "within_sla": within,
        "within_sla_rate": ratio(within, len(inside)),
    }


def _abandoned_rows(look: Look) -> Any:
    """The handoffs that may be abandoned RFQs: an e-mail or phone in the summary's RFQ, in a
    chat that led to no inquiry (an index probe per row, where a NOT EXISTS was planned as an
    anti-join hashing every inquiry); :func:`abandoned` applies the exact test. Rows:
    (session, asked at, summary, the chat's language), in the order asked."""
    inquiry = (
        select(Inquiry.id).where(Inquiry.session_id == Handoff.session_id).limit(1)
    ).scalar_subquery()
    contact = or_(
        Handoff.summary[("rfq", "email")].as_string().is_not(None),
        Handoff.summary[("rfq", "phone")].as_string().is_not(None),
    )
    query = _in_window(
        select(
            _half(look),
            Handoff.session_id,
            Handoff.requested_at,
            Handoff.summary,
            type_coerce(null(), UTCDateTime()).label("reply"),
            _session_language().label("language"),
        )
        .where(inquiry.is_(None), contact)
        .order_by(Handoff.requested_at, Handoff.id),
        look.window,
        look.filters,
    )

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        for half, session_id, asked, summary_, _, language in await conn.execute(query):
            halves[half].abandoned.append((session_id, asked, summary_, language))

    return run


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def abandoned(handoffs: list[Any]) -> list[dict[str, Any]]:
    """The possible abandoned RFQs, one per chat, from (session, asked at, summary, language)
    rows of handoffs in chats that led to no inquiry: those whose summary's RFQ gives an
    e-mail or a phone."""
    out: dict[str, dict[str, Any]] = {}
    for session_id, asked, summary_, language in handoffs:
        rfq = (summary_ or {}).get("rfq") or {}
        if not isinstance(rfq, dict):
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


__all__ = ["abandoned", "handoff_times", "no_handoffs", "parts"]
