"""The sales channel hears of messages kept during an engine outage once per outage, and of
their late answers (issue 14, finding 5)."""

from __future__ import annotations

from sqlalchemy import select

from sales import conversations, events, replay
from sales.db import Database
from sales.models import OutboxMessage


async def test_kept_and_replayed_are_told_once(database: Database) -> None:
    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        sid = session.id  # the session object expires when a told-already event rolls back
        assert await replay.kept(db, session_id=sid, first_seq=1)
        assert not await replay.kept(db, session_id=sid, first_seq=1)  # same outage
        assert await replay.replayed(db, session_id=sid, seqs=[1, 2])
        assert not await replay.replayed(db, session_id=sid, seqs=[1, 2])
        assert await replay.kept(db, session_id=sid, first_seq=5)  # the next outage
        rows = (await db.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
    assert [(r.topic, r.payload) for r in rows] == [
        (events.CHAT_KEPT, {"session_id": sid, "seq": 1}),
        (events.CHAT_REPLAYED, {"session_id": sid, "seqs": [1, 2], "count": 2}),
        (events.CHAT_KEPT, {"session_id": sid, "seq": 5}),
    ]
    assert {r.ordering_key for r in rows} == {f"chat:{sid}"}
