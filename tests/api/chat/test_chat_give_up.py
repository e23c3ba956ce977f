"""A kept buyer message whose turn the engine fails every time while it is up is not retried for
ever (issue 14): after the attempts and age of GiveUp it is given up, the sales channel told once,
and the session goes on with its next message; the replay job passes over a failing session to
the next one. While the engine is down nothing is counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from api.broker import LocalBroker
from api.chat.gateway import ChatGateway, EngineDown, TurnFailed
from api.chat.ratelimit import RateLimiter
from api.chat.replay import replay_kept
from api.engine import BotMessage, EngineUnavailable
from sales import conversations, events
from sales.db import Database
from sales.models import ChatMessage, ChatSession, OutboxMessage, Role
from sales.replay import GiveUp

POISON = "the message the engine fails on"


class Engine:
    """Answers every turn but one (``POISON`` raises inside the engine: answered 500 every
    time); ``up`` is what its status says (False: down, every turn refused)."""

    def __init__(self) -> None:
        self.up = True
        self.sent: list[tuple[str | None, bool]] = []

    async def send(
        self, sender: str, message: str, *, language=None, message_id=None, replay=False
    ) -> list[BotMessage]:  # type: ignore[no-untyped-def]
        self.sent.append((message_id, replay))
        if not self.up:
            raise EngineUnavailable("ConnectError")
        if message == POISON:
            raise EngineUnavailable("engine answered 500")
        return [BotMessage(text=f"answer to {message}")]

    async def model_loaded(self) -> bool:
        return self.up


@pytest.fixture
async def gateway(migrated_sqlite_url: str) -> AsyncIterator[ChatGateway]:
    db = Database(migrated_sqlite_url)
    gateway = ChatGateway(
        db=db,
        engine=Engine(),  # type: ignore[arg-type]
        broker=LocalBroker(),
        limiter=RateLimiter(600, 100),
        max_text=2000,
        give_up=GiveUp(max_attempts=3, after_s=0),
    )
    try:
        yield gateway
    finally:
        await db.dispose()


async def _session(gateway: ChatGateway) -> ChatSession:
    async with gateway.db.session() as db:
        session, _ = await conversations.create_session(db, locale="en")
    return session


async def _transcript(gateway: ChatGateway, session_id: str) -> list[tuple[str, str]]:
    async with gateway.db.session() as db:
        return [(m.role, m.text) for m in await conversations.messages_after(db, session_id)]


async def _topics(gateway: ChatGateway) -> list[str]:
    async with gateway.db.session() as db:
        rows = (await db.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        return [r.topic for r in rows]


async def test_a_failing_turn_is_given_up_and_the_session_goes_on(gateway: ChatGateway) -> None:
    session = await _session(gateway)
    with pytest.raises(TurnFailed):  # attempt 1: the buyer is told a person will follow up
        await gateway.handle(session, text=POISON)
    with pytest.raises(TurnFailed):  # attempt 2: the next message waits behind it
        await gateway.handle(session, text="We need 500 panels")
    assert await gateway.replay(session.id) == 1  # attempt 3: given up, the next one answered
    assert await _transcript(gateway, session.id) == [
        (Role.BUYER.value, POISON),
        (Role.BUYER.value, "We need 500 panels"),
        (Role.BOT.value, "answer to We need 500 panels"),
    ]
    async with gateway.db.session() as db:
        assert await conversations.unhandled(db, session.id) == []
        poison = (
            await db.execute(select(ChatMessage).where(ChatMessage.text == POISON))
        ).scalar_one()
    assert (poison.handled, poison.attempts, poison.failure) == (True, 3, "engine answered 500")
    assert await _topics(gateway) == [events.CHAT_KEPT, events.CHAT_FAILED, events.CHAT_REPLAYED]
    turn = await gateway.handle(session, text="and 20 drivers")  # the session goes on
    assert [m.text for m in turn.messages] == ["answer to and 20 drivers"]
    assert await _topics(gateway) == [events.CHAT_KEPT, events.CHAT_FAILED, events.CHAT_REPLAYED]


async def test_nothing_is_counted_while_the_engine_is_down(gateway: ChatGateway) -> None:
    session = await _session(gateway)
    gateway.engine.up = False  # type: ignore[attr-defined]
    with pytest.raises(EngineDown) as raised:
        await gateway.handle(session, text=POISON)
    assert not isinstance(raised.value, TurnFailed)
    for _ in range(5):
        with pytest.raises(EngineDown):
            await gateway.replay(session.id)
    async with gateway.db.session() as db:
        (kept,) = await conversations.unhandled(db, session.id)
    assert kept.attempts == 0  # an outage gives up on nothing
    assert await _topics(gateway) == [events.CHAT_KEPT]


async def test_the_replay_job_passes_over_a_failing_session_to_the_next(
    gateway: ChatGateway,
) -> None:
    engine = gateway.engine
    engine.up = False  # type: ignore[attr-defined]
    failing, waiting = await _session(gateway), await _session(gateway)
    for session, text in ((failing, POISON), (waiting, "We need 500 panels")):
        with pytest.raises(EngineDown):
            await gateway.handle(session, text=text)
    engine.up = True  # type: ignore[attr-defined]
    # the failing session is the oldest: before, its failure ended the pass every time
    assert await replay_kept(gateway, gateway.db, older_than_s=0) == 1
    assert (await _transcript(gateway, waiting.id))[-1] == (
        Role.BOT.value,
        "answer to We need 500 panels",
    )
    for _ in range(2):  # attempts 2 and 3: given up
        assert await replay_kept(gateway, gateway.db, older_than_s=0) == 0
    async with gateway.db.session() as db:
        assert await conversations.sessions_with_unhandled(db, before=_now()) == []
    assert events.CHAT_FAILED in await _topics(gateway)


def _now() -> datetime:
    return datetime.now(UTC)
