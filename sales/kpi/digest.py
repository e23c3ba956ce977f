"""The weekly digest to the sales channel: the last ISO week's figures beside the week before,
and the week's most asked questions the knowledge base could not answer.

A periodic pass (every app instance) writes one ``kpi.weekly_digest`` event for the ISO week
(Monday to Sunday, UTC days) that ended last: its dedupe key (``kpi.weekly_digest:2026-W49``)
is unique in the outbox, so repeated passes, restarts and several instances write it once per
week and installation. An installation down for weeks writes the digest of the week that ended
last, not the missed ones; a week without a chat, an RFQ or an unanswered question has no
digest (nothing to report: a new installation's first week). The payload is the digest
itself, taken from :func:`sales.kpi.compute` when the week is written (a report of that
moment: a later retry of its post shows the same figures); channels (Slack) only format it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import events, outbox
from sales.kpi.period import Period
from sales.kpi.service import compute
from sales.models import OutboxMessage

TOP_GAPS = 5  # the week's most asked unanswered questions, over every language


def last_week(today: date) -> Period:
    """The ISO week (Monday to Sunday) before the one ``today`` is in."""
    monday = today - timedelta(days=today.weekday())
    return Period(monday - timedelta(days=7), monday)


def week_name(period: Period) -> str:
    year, week, _ = period.start.isocalendar()
    return f"{year}-W{week:02d}"


def dedupe_key(period: Period) -> str:
    return f"{events.KPI_WEEKLY_DIGEST}:{week_name(period)}"


def _side(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The digest's figures of one week, as the dashboard computes them."""
    funnel = figures["funnel"]
    times = figures["response_times"]
    handoffs = times["handoff_to_first_rep_reply"] or {}
    return {
        "chats": funnel["chats"],
        "rfqs_submitted": funnel["rfqs_submitted"],
        "quoted": funnel["quoted"],
        "won": funnel["won"],
        "rejected": funnel["rejected"],
        "expired": funnel["expired"],
        "quote_hit_rate": figures["quote_hit_rate"],
        "won_value": figures["won_value"],
        "rfq_to_quote_sent_median_s": times["rfq_to_quote_sent"]["median"],
        "handoff_reply_median_s": handoffs.get("median"),
        "handoff_within_sla_rate": handoffs.get("within_sla_rate"),
        "waiting_approval": times["approval_wait"]["waiting_now"],
    }


def _top_gaps(figures: Mapping[str, Any], limit: int) -> list[dict[str, Any]]:
    """The most asked questions of the week over all languages (most asked first, then the
    text), each with its language and how many chats asked it."""
    rows = [
        {
            "question": q["question"],
            "language": group["language"],
            "asked": q["asked"],
            "chats": len(q["sessions"]),
        }
        for group in figures["knowledge_gaps"] or []
        for q in group["questions"]
    ]
    rows.sort(key=lambda r: (-r["asked"], r["question"], r["language"]))
    return rows[:limit]


def _empty(side: Mapping[str, Any]) -> bool:
    """Nothing happened in the week: no chat, no RFQ (a new installation's first week, a test
    stack's empty database)."""
    return not side["chats"] and not side["rfqs_submitted"]


async def build(
    db: AsyncSession,
    week: Period,
    *,
    categories: Mapping[str, str],
    handoff_sla_s: float,
    top_gaps: int = TOP_GAPS,
) -> dict[str, Any]:
    """The digest of ``week``: its figures, the previous week's, the top knowledge gaps."""
    figures = await compute(
        db, week, categories=categories, handoff_sla_s=handoff_sla_s, gaps_per_language=top_gaps
    )
    return {
        "week": week_name(week),
        "period": week.as_dict(),
        "figures": _side(figures),
        "previous": _side(figures["previous"]),
        "top_gaps": _top_gaps(figures, top_gaps),
        "gaps_asked": sum(g["asked"] for g in figures["knowledge_gaps"] or []),
    }


async def enqueue_weekly_digest(
    db: AsyncSession,
    *,
    today: date,
    categories: Mapping[str, str],
    handoff_sla_s: float,
) -> str | None:
    """Write the digest of the week that ended before ``today`` unless it is written already;
    returns the week's name when this call wrote it. Commits."""
    week = last_week(today)
    key = dedupe_key(week)
    if await db.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return None
    payload = await build(db, week, categories=categories, handoff_sla_s=handoff_sla_s)
    if _empty(payload["figures"]) and not payload["gaps_asked"]:
        await db.rollback()
        return None
    await db.rollback()  # end the figures' read-only transaction (its SET LOCALs) first
    outbox.enqueue(db, topic=events.KPI_WEEKLY_DIGEST, payload=payload, dedupe_key=key)
    try:
        await db.commit()
    except IntegrityError:  # another instance wrote it at the same moment
        await db.rollback()
        return None
    return payload["week"]


__all__ = ["build", "dedupe_key", "enqueue_weekly_digest", "last_week", "week_name"]
