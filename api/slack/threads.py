"""Where things live in Slack: each conversation's thread, each message we posted, and the
event ids already acted on."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import outbox
from sales.models import SlackEvent, SlackPost, SlackThread, utcnow


async def find_post(db: AsyncSession, dedupe_key: str) -> SlackPost | None:
    result = await db.execute(select(SlackPost).where(SlackPost.dedupe_key == dedupe_key))
    return result.scalar_one_or_none()


async def latest_post(db: AsyncSession, *, kind: str, ref: str) -> SlackPost | None:
    result = await db.execute(
        select(SlackPost)
        .where(SlackPost.kind == kind, SlackPost.ref == ref)
        .order_by(SlackPost.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def record_post(
    db: AsyncSession,
    *,
    dedupe_key: str,
    kind: str,
    ref: str | None,
    channel: str,
    ts: str,
    thread_ts: str | None = None,
) -> None:
    """Remember a message we posted (a second record for the same key is ignored)."""
    db.add(
        SlackPost(
            dedupe_key=dedupe_key, kind=kind, ref=ref, channel=channel, ts=ts, thread_ts=thread_ts
        )
    )
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()


async def thread_of(db: AsyncSession, session_id: str) -> SlackThread | None:
    return await db.get(SlackThread, session_id, populate_existing=True)


async def session_for_thread(db: AsyncSession, channel: str, thread_ts: str) -> str | None:
    result = await db.execute(
        select(SlackThread.session_id).where(
            SlackThread.thread_ts == thread_ts, SlackThread.channel == channel
        )
    )
    return result.scalar_one_or_none()


async def remember_thread(
    db: AsyncSession, *, session_id: str, channel: str, thread_ts: str
) -> SlackThread:
    """The session's thread: this one, unless the session has one already (that one wins)."""
    existing = await thread_of(db, session_id)
    if existing is not None:
        return existing
    db.add(SlackThread(session_id=session_id, channel=channel, thread_ts=thread_ts))
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        existing = await thread_of(db, session_id)
        if existing is None:
            raise
        return existing
    thread = await thread_of(db, session_id)
    assert thread is not None
    return thread


async def first_sighting(db: AsyncSession, event_id: str) -> bool:
    """True the first time an event id is seen (on any app instance), False for a retry."""
    db.add(SlackEvent(event_id=event_id))
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        return False
    return True


async def forget_events_before(
    db: AsyncSession, *, days: int = 7, now: datetime | None = None
) -> int:
    """Slack retries within minutes; week-old event ids can go."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = await db.execute(delete(SlackEvent).where(SlackEvent.received_at < cutoff))
    await db.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Slack's own work, not a domain event: only the Slack channel subscribes to it.
MESSAGE_UPDATE_TOPIC = "slack.message_update"


async def queue_message_update(
    db: AsyncSession, *, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    """Edit a Slack message through the outbox (retried like every other Slack call); the
    edits of one message go out in order."""
    outbox.enqueue(
        db,
        topic=MESSAGE_UPDATE_TOPIC,
        payload={"channel": channel, "ts": ts, "text": text, "blocks": blocks},
        ordering_key=f"slack-message:{channel}:{ts}",
    )
    await db.commit()
