"""A mail, once, to a buyer who left a request for quotation half-way after giving an address:
a periodic pass writes one ``rfq.abandoned`` event per chat session, ``after_s`` after the RFQ
was last worked on, when the session still has no inquiry. The event's dedupe key
(``rfq.abandoned:<session>``) makes it one per session. Two sources:

- an RFQ draft (``sales/rfq_drafts.py``): the form had an email address and was left; ``after_s``
  after the draft's last change (payload ``{"session_id"}``);
- a handoff whose summary holds an RFQ with an email address (the buyer asked for a person, or
  the bot handed over), ``after_s`` after the handoff (payload with its ``handoff_id``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import events, outbox
from sales.models import Handoff, Inquiry, OutboxMessage, RfqDraft

LOOKBACK = timedelta(days=7)  # handoffs older than this are not followed up any more


def dedupe_key(session_id: str) -> str:
    return f"{events.RFQ_ABANDONED}:{session_id}"


def contact(summary: object) -> dict[str, str] | None:
    """The RFQ part of a handoff summary when it has an email address."""
    rfq = summary.get("rfq") if isinstance(summary, dict) else None
    if not isinstance(rfq, dict) or not rfq.get("email"):
        return None
    return {k: str(v) for k, v in rfq.items() if v not in (None, "")}


async def enqueue_abandoned_rfqs(
    db: AsyncSession, *, now: datetime, after_s: float, limit: int = 200
) -> list[str]:
    """Write the follow-ups due ``now``; returns their sessions. Commits."""
    if after_s <= 0:
        return []
    rows = (
        await db.execute(
            select(Handoff.id, Handoff.session_id, Handoff.summary)
            .where(
                Handoff.requested_at <= now - timedelta(seconds=after_s),
                Handoff.requested_at >= now - LOOKBACK,
            )
            .order_by(Handoff.id)
            .limit(limit)
        )
    ).all()
    due: dict[str, int | None] = {
        sid: hid for hid, sid, summary in rows if contact(summary) is not None
    }
    drafts = (
        await db.scalars(
            select(RfqDraft.session_id)
            .where(
                RfqDraft.updated_at <= now - timedelta(seconds=after_s),
                RfqDraft.updated_at >= now - LOOKBACK,
            )
            .order_by(RfqDraft.updated_at)
            .limit(limit)
        )
    ).all()
    for session_id in drafts:
        due.setdefault(session_id, None)  # a handoff's summary says more: it comes first
    if not due:
        return []
    quoted = set(
        (
            await db.execute(select(Inquiry.session_id).where(Inquiry.session_id.in_(list(due))))
        ).scalars()
    )
    done = set(
        (
            await db.execute(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_([dedupe_key(s) for s in due])
                )
            )
        ).scalars()
    )
    written = []
    for session_id, handoff_id in due.items():
        if session_id in quoted or dedupe_key(session_id) in done:
            continue
        payload: dict[str, object] = {"session_id": session_id}
        if handoff_id is not None:
            payload["handoff_id"] = handoff_id
        outbox.enqueue(
            db,
            topic=events.RFQ_ABANDONED,
            payload=payload,
            ordering_key=session_id,
            dedupe_key=dedupe_key(session_id),
        )
        written.append(session_id)
    try:
        await db.commit()
    except IntegrityError:  # another instance wrote some at the same moment: next pass
        await db.rollback()
        return []
    return written
