"""The chat sessions' parts (sales/kpi/plan.py): the chats, the handoffs' first rep replies
against the office-hours SLA, and the handoffs that may be abandoned RFQs. Chat sessions know
their language only: these apply unfiltered or with the language filter alone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sales.kpi import replies
from sales.kpi.data import Halves
from sales.kpi.period import Filters, Period
from sales.kpi.plan import Look, Part
from sales.kpi.stats import fenced, quantiles, ratio, seconds, summary
from sales.models import ChatSession, Handoff


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
    """Each half's handoffs -> the first rep reply, for all, inside and outside office hours
    (as recorded at the request), and within the SLA inside office hours (kept on the handoff,
    sales/kpi/replies.py): aggregated by PostgreSQL, summarised here on SQLite."""
    sla_s = look.handoff_sla_s
    half = _half(look)
    if not postgres:
        rows = _in_window(
            select(half, Handoff.requested_at, Handoff.inside_hours, Handoff.first_reply_at),
            look.window,
            look.filters,
        )

        async def run_here(conn: AsyncConnection, halves: Halves) -> None:
            split: tuple[list[Any], list[Any]] = ([], [])
            for of_half, asked, inside, reply in await conn.execute(rows):
                split[of_half].append((asked, inside, reply))
            for of_half in (0, 1):
                halves[of_half].handoff_times = handoff_times(split[of_half], sla_s)

        return run_here

    h = fenced(
        _in_window(
            select(
                half,
                seconds(Handoff.first_reply_at, Handoff.requested_at).label("took"),
                Handoff.inside_hours.label("inside"),
            ),
            look.window,
            look.filters,
        ),
        "handoff_times",
    ).c
    took = h.took
    answered = took.is_not(None)
    columns: list[Any] = []
    for of_half in (0, 1):
        mine = h.half == of_half
        for where in ((), (h.inside,), (~h.inside,)):
            columns += quantiles(took, mine, answered, *where)
            columns.append(func.count().filter(mine, *where))
        columns.append(func.count().filter(mine, h.inside, took <= sla_s))
    query = select(*columns)

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        row = list((await conn.execute(query)).one())
        for of_half in (0, 1):
            halves[of_half].handoff_times = _handoff_summary(
                row[13 * of_half : 13 * of_half + 13], sla_s
            )

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
    """The handoff figures from (asked at, inside office hours, first reply) rows, computed
    here."""

    def took(rows: Iterable[Any]) -> list[float]:
        return [(reply - asked).total_seconds() for asked, _, reply in rows if reply]

    inside = [h for h in handoffs if h[1]]
    outside = [h for h in handoffs if not h[1]]
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
    """The possible abandoned RFQs: the handoffs whose summary's RFQ gives an e-mail or a
    phone in chats that led to no inquiry (both kept on the handoff, sales/kpi/replies.py; a
    partial index holds just these), one per chat: its last such handoff, the chats in the
    order they first asked, each half's first ``abandoned_limit`` and how many there are.
    Rows: (session, asked at, summary, the chat's language)."""
    h = _in_window(
        select(_half(look), Handoff.session_id, Handoff.requested_at, Handoff.id).where(
            Handoff.rfq_contact, ~Handoff.has_inquiry
        ),
        look.window,
        look.filters,
    ).subquery("asked")
    chat = (h.c.half, h.c.session_id)
    first, last = (h.c.requested_at, h.c.id), (h.c.requested_at.desc(), h.c.id.desc())
    per_chat = (
        select(
            h.c.half,
            h.c.id,
            func.first_value(h.c.requested_at).over(partition_by=chat, order_by=first)
            .label("first_at"),
            func.first_value(h.c.id).over(partition_by=chat, order_by=first).label("first_id"),
            func.row_number().over(partition_by=chat, order_by=last).label("nth"),
        )
        .subquery("per_chat")
        .c
    )  # fmt: skip
    ranked = (
        select(
            per_chat.half,
            per_chat.id,
            func.row_number()
            .over(partition_by=per_chat.half, order_by=(per_chat.first_at, per_chat.first_id))
            .label("place"),
            func.count().over(partition_by=per_chat.half).label("known"),
        )
        .where(per_chat.nth == 1)
        .subquery("ranked")
        .c
    )
    query = (
        select(
            ranked.half,
            ranked.known,
            Handoff.session_id,
            Handoff.requested_at,
            Handoff.summary,
            _session_language().label("language"),
        )
        .join(Handoff, Handoff.id == ranked.id)
        .where(ranked.place <= look.abandoned_limit)
        .order_by(ranked.half, ranked.place)
    )

    async def run(conn: AsyncConnection, halves: Halves) -> None:
        for half, known, session_id, asked, summary_, language in await conn.execute(query):
            halves[half].abandoned_known = int(known)
            halves[half].abandoned.append((session_id, asked, summary_, language))

    return run


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def abandoned(handoffs: list[Any]) -> list[dict[str, Any]]:
    """The possible abandoned RFQs as shown, from (session, asked at, summary, language) rows
    of handoffs (one per chat: its last in a chat that led to no inquiry whose summary's RFQ
    gives an e-mail or a phone, the chats in the order they first asked)."""
    out: dict[str, dict[str, Any]] = {}
    for session_id, asked, summary_, language in handoffs:
        rfq = (summary_ or {}).get("rfq") or {}
        given = replies.contact(summary_)
        if not given:
            continue
        out[session_id] = {
            "session_id": session_id,
            "asked_at": asked.isoformat(),
            "language": language,
            "contact_name": _text(rfq.get("contact_name")),
            "company": _text(rfq.get("company")),
            **{"email": None, "phone": None, **given},
            "product": _text(rfq.get("product")),
            "quantity": _text(rfq.get("quantity")),
        }
    return list(out.values())


__all__ = ["abandoned", "handoff_times", "no_handoffs", "parts"]
