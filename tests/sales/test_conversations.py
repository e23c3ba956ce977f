from __future__ import annotations

import asyncio

import pytest

from sales import conversations
from sales.db import Database
from sales.models import Role


async def test_session_token_is_checked_and_only_its_hash_stored(database: Database) -> None:
    async with database.session() as db:
        session, token = await conversations.create_session(db, locale="de-DE")
    assert token not in session.token_hash
    assert session.language == "de"
    async with database.session() as db:
        assert (await conversations.authenticate(db, session.id, token)).id == session.id
        with pytest.raises(conversations.BadToken):
            await conversations.authenticate(db, session.id, token + "x")
        with pytest.raises(conversations.BadToken):
            await conversations.authenticate(db, session.id, None)
        with pytest.raises(conversations.SessionNotFound):
            await conversations.authenticate(db, "0" * 32, token)


async def test_sequence_numbers_are_unique_and_ordered_under_concurrency(
    database: Database,
) -> None:
    async with database.session() as db:
        session, _ = await conversations.create_session(db)

    async def add(i: int) -> None:
        async with database.session() as db:
            await conversations.append(
                db, session_id=session.id, role=Role.BUYER, texts=[(f"m{i}", []), (f"n{i}", [])]
            )

    await asyncio.gather(*(add(i) for i in range(10)))
    async with database.session() as db:
        messages = await conversations.messages_after(db, session.id)
        later = await conversations.messages_after(db, session.id, after=15)
    assert [m.seq for m in messages] == list(range(1, 21))
    assert [m.seq for m in later] == list(range(16, 21))


async def test_last_buttons_and_unhandled(database: Database) -> None:
    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        await conversations.append(
            db,
            session_id=session.id,
            role=Role.BOT,
            texts=[("Submit?", [{"title": "Yes", "payload": "/affirm"}])],
        )
        (buyer,) = await conversations.append(
            db, session_id=session.id, role=Role.BUYER, texts=[("hello", [])], handled=False
        )
        assert await conversations.last_buttons(db, session.id) == [
            {"title": "Yes", "payload": "/affirm"}
        ]
        assert [m.id for m in await conversations.unhandled(db, session.id)] == [buyer.id]
        await conversations.mark_handled(db, [buyer.id])
        assert await conversations.unhandled(db, session.id) == []


async def test_an_answer_is_stored_once_and_found_by_the_client_id(database: Database) -> None:
    """Issue 14, finding 5: two attempts at one turn (a retry, another instance) store one
    answer; a client's id names one buyer message per session."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy.exc import IntegrityError

    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        (buyer,) = await conversations.append(
            db,
            session_id=session.id,
            role=Role.BUYER,
            texts=[("hello", [])],
            handled=False,
            client_message_id="c-1",
        )
        # a rollback (the repeated id below) expires the loaded objects: keep their values
        sid, buyer_id, buyer_seq = session.id, buyer.id, buyer.seq
        soon = datetime.now(UTC) + timedelta(seconds=1)
        assert await conversations.sessions_with_unhandled(db, before=soon) == [sid]
        with pytest.raises(IntegrityError):
            await conversations.append(
                db,
                session_id=sid,
                role=Role.BUYER,
                texts=[("hello again", [])],
                client_message_id="c-1",
            )
        found = await conversations.by_client_id(db, sid, "c-1")
        assert found is not None and found.id == buyer_id
        assert await conversations.by_client_id(db, sid, "c-2") is None
        stored = await conversations.answer(db, buyer=found, texts=[("Hi!", []), ("How?", [])])
        assert stored is not None and [m.reply_to for m in stored] == [buyer_seq, buyer_seq]
        assert await conversations.answer(db, buyer=found, texts=[("Hi again!", [])]) is None
        replies = await conversations.replies_to(db, sid, buyer_seq)
        assert [m.text for m in replies] == ["Hi!", "How?"]
        assert await conversations.unhandled(db, sid) == []
        assert await conversations.sessions_with_unhandled(db, before=soon) == []
        # another session may use the same client id
        other, _ = await conversations.create_session(db)
        await conversations.append(
            db,
            session_id=other.id,
            role=Role.BUYER,
            texts=[("hello", [])],
            client_message_id="c-1",
        )
