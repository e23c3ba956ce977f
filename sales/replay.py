"""Buyer messages kept while the engine was down: the sales channel hears of them (issue 14,
finding 5). The gateway keeps every message before asking the engine; when the engine does not
answer, ``kept`` tells the sales channel once per outage and session (the buyer was told a
person will follow up), and ``replayed`` when the kept messages were answered after all (by the
buyer's next message or the replay job, api/chat/replay.py)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import events, outbox


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
