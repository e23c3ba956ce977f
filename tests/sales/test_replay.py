"""The sales channel hears of messages kept during an engine outage once per outage, and of
their late answers (issue 14, finding 5); a message whose turn fails every time is given up,
and told, once."""

from __future__ import annotations

from sqlalchemy import select

from sales import conversations, events, replay
from sales.db import Database
from sales.models import ChatMessage, OutboxMessage, Role


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


async def _kept_message(db, sid: str) -> ChatMessage:  # type: ignore[no-untyped-def]
    (message,) = await conversations.append(
        db, session_id=sid, role=Role.BUYER, texts=[("We need 500 panels", [])], handled=False
    )
    return message


async def test_a_turn_failing_every_time_is_given_up_after_the_attempts_and_told_once(
    database: Database,
) -> None:
    give_up = replay.GiveUp(max_attempts=3, after_s=0)
    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        sid = session.id
        message = await _kept_message(db, sid)
    for _ in range(2):
        async with database.session() as db:
            assert not await replay.failed_attempt(
                db, message=message, reason="engine answered 500", give_up=give_up
            )
    async with database.session() as db:
        assert [m.id for m in await conversations.unhandled(db, sid)] == [message.id]  # kept
        assert await replay.failed_attempt(
            db, message=message, reason="engine answered 500", give_up=give_up
        )
    async with database.session() as db:  # given up: no longer kept, counted no more
        assert not await replay.failed_attempt(db, message=message, reason="x", give_up=give_up)
        assert await conversations.unhandled(db, sid) == []
        stored = await db.get(ChatMessage, message.id, populate_existing=True)
        assert stored is not None
        assert (stored.handled, stored.attempts, stored.failure) == (
            True,
            3,
            "engine answered 500",
        )
        rows = (await db.execute(select(OutboxMessage))).scalars().all()
    assert [(r.topic, r.payload, r.ordering_key) for r in rows] == [
        (
            events.CHAT_FAILED,
            {"session_id": sid, "seq": 1, "attempts": 3, "reason": "engine answered 500"},
            f"chat:{sid}",
        )
    ]


async def test_a_young_message_is_not_given_up_however_often_it_failed(
    database: Database,
) -> None:
    """An outage of the engine's lock store fails every turn for its length: a message is given
    up only once it is CHAT_REPLAY_GIVE_UP_S old."""
    give_up = replay.GiveUp(max_attempts=2, after_s=600)
    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        sid = session.id
        message = await _kept_message(db, sid)
    for _ in range(5):
        async with database.session() as db:
            assert not await replay.failed_attempt(
                db, message=message, reason="ReadTimeout", give_up=give_up
            )
    async with database.session() as db:
        assert [m.attempts for m in await conversations.unhandled(db, sid)] == [5]
        assert (await db.execute(select(OutboxMessage))).first() is None
