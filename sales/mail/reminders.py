"""Reminders before a quote expires: a periodic pass writes one ``quote.expiring`` event per sent
quote whose validity ends within ``days_before`` days (the email channel mails the buyer; any
other channel may subscribe). Each quote gets one reminder: the event's dedupe key
(``quote.expiring:<ref>``) is unique in the outbox, so repeated passes and several app instances
never write a second one."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from sales import events, outbox
from sales.models import OutboxMessage, Quote, QuoteStatus


def dedupe_key(reference: str) -> str:
    return f"{events.QUOTE_EXPIRING}:{reference}"


async def enqueue_expiry_reminders(
    db: AsyncSession, *, today: date, days_before: int, limit: int = 500
) -> list[str]:
    """Write the ``quote.expiring`` events due today; returns the quotes reminded of (by this
    call). Commits."""
    if days_before <= 0:
        return []
    due = list(
        (
            await db.execute(
                select(Quote)
                .options(selectinload(Quote.inquiry))
                .where(
                    Quote.status == QuoteStatus.SENT.value,
                    Quote.valid_until >= today,
                    Quote.valid_until <= today + timedelta(days=days_before),
                )
                .order_by(Quote.id)
                .limit(limit)
            )
        ).scalars()
    )
    if not due:
        return []
    done = set(
        (
            await db.execute(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_([dedupe_key(q.reference) for q in due])
                )
            )
        ).scalars()
    )
    written = []
    for quote in due:
        if dedupe_key(quote.reference) in done:
            continue
        outbox.enqueue(
            db,
            topic=events.QUOTE_EXPIRING,
            payload={
                "reference": quote.reference,
                "inquiry": quote.inquiry.reference,
                "valid_until": quote.valid_until.isoformat(),
            },
            ordering_key=quote.inquiry.reference,
            dedupe_key=dedupe_key(quote.reference),
        )
        written.append(quote.reference)
    try:
        await db.commit()
    except IntegrityError:  # another instance wrote some at the same moment: next pass
        await db.rollback()
        return []
    return written
