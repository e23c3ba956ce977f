"""Buyer messages kept while the engine was down: the sales channel hears of them (issue 14,
finding 5). The gateway keeps every message before asking the engine; when the engine does not
answer, ``kept`` tells the sales channel once per outage and session (the buyer was told a
person will follow up), and ``replayed`` when the kept messages were answered after all (by the
buyer's next message or the replay job, api/chat/replay.py).

A turn the engine fails every time while it is up (an action that always raises, say) is not
retried for ever, blocking the session's later messages: ``failed_attempt`` counts each such
failure, and after ``GiveUp.max_attempts`` of them, once the message is ``GiveUp.after_s`` old
(so an outage of the engine's lock store or a slow engine gives up on nothing), the message is
given up: marked handled with the reason, the sales channel told once (``chat.failed``), and the
session goes on with its next message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import events, outbox
from sales.models import ChatMessage

REASON_CHARS = 200


@dataclass(frozen=True)
class GiveUp:
    """When a buyer message whose turn keeps failing is given up: after this many failed
    attempts (CHAT_REPLAY_MAX_ATTEMPTS) and not before it is this old (CHAT_REPLAY_GIVE_UP_S)."""

    max_attempts: int = 5
    after_s: float = 600.0


async def _enqueue_once(
    db: AsyncSession, topic: str, payload: dict[str, object], session_id: str, key: str
) -> bool:
    outbox.enqueue(
        db,
        topic=topic,
        payload=payload,
        ordering_key=f"chat:{session_id}",
        dedupe_key=f"{topic}:{session_id}:{key}",
    )
    try:
        await db.commit()
    except IntegrityError:  # told already
        await db.rollback()
        return False
    return True


async def kept(db: AsyncSession, *, session_id: str, first_seq: int) -> bool:
    """The engine did not answer: the messages from ``first_seq`` on are kept. Once per outage
    (per first kept message); True when the event was new."""
    payload: dict[str, object] = {"session_id": session_id, "seq": first_seq}
    return await _enqueue_once(db, events.CHAT_KEPT, payload, session_id, str(first_seq))


async def replayed(db: AsyncSession, *, session_id: str, seqs: list[int]) -> bool:
    """Kept messages (their ``seqs``) were answered once the engine was back."""
    payload: dict[str, object] = {"session_id": session_id, "seqs": seqs, "count": len(seqs)}
    return await _enqueue_once(db, events.CHAT_REPLAYED, payload, session_id, str(seqs[-1]))


async def failed_attempt(
    db: AsyncSession, *, message: ChatMessage, reason: str, give_up: GiveUp
) -> bool:
    """The engine, up, failed the turn of the buyer ``message`` once more: counted. True when
    the message is given up now: marked handled with ``reason`` and ``chat.failed`` queued, in
    one transaction (so it is given up and told once, whichever instance gets there)."""
    counted = await db.execute(
        update(ChatMessage)
        .where(ChatMessage.id == message.id, ChatMessage.handled.is_(False))
        .values(attempts=ChatMessage.attempts + 1)
        .returning(ChatMessage.attempts, ChatMessage.created_at)
    )
    row = counted.first()
    if row is None:  # answered or given up meanwhile
        await db.rollback()
        return False
    attempts, created_at = row
    age_s = (datetime.now(UTC) - created_at).total_seconds()
    if attempts < give_up.max_attempts or age_s < give_up.after_s:
        await db.commit()
        return False
    reason = reason[:REASON_CHARS]
    await db.execute(
        update(ChatMessage).where(ChatMessage.id == message.id).values(handled=True, failure=reason)
    )
    session_id = message.session_id
    outbox.enqueue(
        db,
        topic=events.CHAT_FAILED,
        payload={
            "session_id": session_id,
            "seq": message.seq,
            "attempts": attempts,
            "reason": reason,
        },
        ordering_key=f"chat:{session_id}",
        dedupe_key=f"{events.CHAT_FAILED}:{session_id}:{message.seq}",
    )
    await db.commit()
    return True
