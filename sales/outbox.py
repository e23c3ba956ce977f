"""The transactional outbox: domain events written with the business change, delivered later
to each subscribed channel (see :mod:`sales.events` and :mod:`sales.outbox_worker`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import OutboxMessage, OutboxSubscription


def enqueue(
    db: AsyncSession,
    *,
    topic: str,
    payload: dict[str, Any],
    ordering_key: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add an event to the caller's transaction (committed, or not, with it)."""
    row = OutboxMessage(
        topic=topic, payload=payload, ordering_key=ordering_key, dedupe_key=dedupe_key
    )
    db.add(row)
    return row


async def subscribe(db: AsyncSession, *, channel: str, topics: Iterable[str]) -> list[str]:
    """Make ``channel`` receive every event of ``topics`` fanned out from now on (events still
    waiting for their fan-out included); returns the topics that were new. Safe to repeat and
    to race (a subscription written by another instance is kept)."""
    wanted = sorted(set(topics))
    for attempt in range(3):
        result = await db.execute(
            select(OutboxSubscription.topic).where(OutboxSubscription.channel == channel)
        )
        existing = set(result.scalars())
        added = [topic for topic in wanted if topic not in existing]
        db.add_all(OutboxSubscription(channel=channel, topic=topic) for topic in added)
        try:
            await db.commit()
        except IntegrityError:  # another instance subscribed at the same moment
            await db.rollback()
            if attempt == 2:
                raise
            continue
        return added
    return []
