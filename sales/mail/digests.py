"""A digest mail of a rep's replies to a buyer who has left the page: a periodic pass writes one
``chat.agent_digest`` event for a chat session whose latest rep reply is ``after_s`` old with no
buyer message since (the buyer did not answer in the widget, so has most likely not seen it).
The event names the session and the last rep message's ``seq``; its dedupe key
(``chat.agent_digest:<session>:<seq>``) makes it one digest per run of replies, however many
passes and app instances. The mail (sales/mail/channel.py) carries every rep reply since the
buyer's last message, up to that ``seq``: one mail, not one per line.

"Not seen" is inferred from the buyer's silence: the widget does not report what was read. A
buyer who read the replies without answering gets the digest all the same."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import events, outbox
from sales.models import ChatMessage, OutboxMessage, Role

LOOKBACK = timedelta(days=2)  # replies older than this are not mailed any more


def dedupe_key(session_id: str, seq: int) -> str:
    return f"{events.AGENT_REPLY_DIGEST}:{session_id}:{seq}"


async def enqueue_agent_digests(
    db: AsyncSession, *, now: datetime, after_s: float, limit: int = 200
) -> list[str]:
    """Write the digests due ``now``; returns their dedupe keys. Commits."""
    if after_s <= 0:
        return []
    latest = (
        await db.execute(
            select(
                ChatMessage.session_id, func.max(ChatMessage.seq), func.max(ChatMessage.created_at)
            )
            .where(ChatMessage.role == Role.AGENT.value, ChatMessage.created_at >= now - LOOKBACK)
            .group_by(ChatMessage.session_id)
            .limit(limit)
        )
    ).all()
    due = [(sid, seq) for sid, seq, at in latest if at <= now - timedelta(seconds=after_s)]
    if not due:
        return []
    last_buyer: dict[str, int] = {
        sid: seq
        for sid, seq in (
            await db.execute(
                select(ChatMessage.session_id, func.max(ChatMessage.seq))
                .where(
                    ChatMessage.role == Role.BUYER.value,
                    ChatMessage.session_id.in_([sid for sid, _ in due]),
                )
                .group_by(ChatMessage.session_id)
            )
        ).all()
    }
    answered = {sid for sid, seq in due if (last_buyer.get(sid) or 0) > seq}
    keys = {dedupe_key(sid, seq): (sid, seq) for sid, seq in due}
    done = set(
        (
            await db.execute(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys)))
            )
        ).scalars()
    )
    written = []
    for key, (session_id, seq) in keys.items():
        if key in done or session_id in answered:
            continue
        outbox.enqueue(
            db,
            topic=events.AGENT_REPLY_DIGEST,
            payload={"session_id": session_id, "seq": seq},
            ordering_key=session_id,
            dedupe_key=key,
        )
        written.append(key)
    try:
        await db.commit()
    except IntegrityError:  # another instance wrote some at the same moment: next pass
        await db.rollback()
        return []
    return written
