"""An empty answer from the engine to a turn it did not record is no answer (issue 14, found by
the fault tests: with Redis, its lock store, down the engine answered every turn 200 with
nothing and the app stored that, so 25 of 30 buyer messages were never answered nor replayed).
The message is kept and the sales channel told, as when the engine is down; a turn the engine
recorded that said nothing stays answered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.broker import LocalBroker
from api.chat.gateway import ChatGateway, EngineDown
from api.chat.ratelimit import RateLimiter
from api.chat.turn_records import TurnRecords
from api.engine import BotMessage
from sales import conversations
from sales.db import Database
from sales.models import ChatMessage, OutboxMessage

# Rasa 3.6's SQLTrackerStore table, as the engine creates it
EVENTS = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
    " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
    " action_name VARCHAR(255), data TEXT)"
)


class SilentEngine:
    """Answers every turn with nothing, as the engine's channel does when a turn fails."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    async def send(
        self, sender: str, message: str, *, language=None, message_id=None, replay=False
    ) -> list[BotMessage]:  # type: ignore[no-untyped-def]
        self.sent.append((message_id, replay))
        return []

    async def model_loaded(self) -> bool:
        return True  # up (its lock store is what is down)


@pytest.fixture
def tracker_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(EVENTS))
    engine.dispose()
    return url


def record_turn(tracker_url: str, sender: str, message_id: str) -> None:
    data = {"event": "user", "text": "hi", "message_id": message_id}
    engine = create_engine(tracker_url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, 'user', :d)"),
            {"s": sender, "d": json.dumps(data)},
        )
    engine.dispose()


@pytest.fixture
async def gateway(migrated_sqlite_url: str, tracker_url: str) -> AsyncIterator[ChatGateway]:
    db = Database(migrated_sqlite_url)
    records = TurnRecords(tracker_url)
    gateway = ChatGateway(
        db=db,
        engine=SilentEngine(),  # type: ignore[arg-type]
        broker=LocalBroker(),
        limiter=RateLimiter(600, 100),
        max_text=2000,
        records=records,
    )
    try:
        yield gateway
    finally:
        await records.close()
        await db.dispose()


async def _session(gateway: ChatGateway):  # type: ignore[no-untyped-def]
    async with gateway.db.session() as db:
        session, _ = await conversations.create_session(db, locale="en")
    return session


async def _buyer_message(gateway: ChatGateway, session_id: str) -> ChatMessage:
    async with gateway.db.session() as db:
        (message,) = await conversations.messages_after(db, session_id)
    return message


async def test_an_empty_answer_to_an_unrecorded_turn_keeps_the_message(
    gateway: ChatGateway,
) -> None:
    session = await _session(gateway)
    with pytest.raises(EngineDown):
        await gateway.handle(session, text="We need 500 panels")
    assert not (await _buyer_message(gateway, session.id)).handled  # kept for the replay
    async with gateway.db.session() as db:
        topics = [m.topic for m in (await db.execute(OutboxMessage.__table__.select())).all()]
    assert topics == ["chat.kept"]


async def test_an_empty_answer_to_a_recorded_turn_is_the_answer(
    gateway: ChatGateway, tracker_url: str
) -> None:
    session = await _session(gateway)
    record_turn(tracker_url, session.id, f"{session.id}-1")
    record_turn(tracker_url, session.id, f"{session.id}-10")  # another turn: not this one
    turn = await gateway.handle(session, text="ok")
    assert turn.messages == []
    assert (await _buyer_message(gateway, session.id)).handled


async def test_a_tracker_store_that_cannot_be_read_changes_nothing(tmp_path: Path) -> None:
    records = TurnRecords(f"sqlite:///{tmp_path / 'empty.db'}")  # no events table
    try:
        assert await records.missing("s", "s-1") is False
    finally:
        await records.close()
