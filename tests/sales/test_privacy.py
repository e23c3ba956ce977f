"""Erasure of one buyer's personal data and retention (issue 14, finding 6), on SQLite and
PostgreSQL; the tracker store is an ``events`` table like Rasa's SQL tracker store."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
    update,
)

from sales import inquiries, knowledge_gaps, outbox, privacy, quotes, rfq_drafts
from sales.conversations import append, create_session
from sales.db import Database, create_engine
from sales.models import (
    ChatMessage,
    ChatSession,
    Handoff,
    Inquiry,
    KnowledgeGap,
    OutboxMessage,
    RfqDraft,
    Role,
    utcnow,
)
from sales.pricing import load_price_book

from .quotes.test_service import DEMO_BOOK, TODAY, rfq

JANA = "jana.weber@nordlicht.example"
OTTO = "otto@other.example"


@pytest.fixture
async def tracker(migrated_db_url: str) -> str:
    """Rasa's events table, in the test database (no table of ours has that name)."""
    metadata = MetaData()
    Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("sender_id", String(255), nullable=False, index=True),
        Column("type_name", String(255), nullable=False),
        Column("timestamp", Float),
        Column("data", Text),
    )
    engine = create_engine(migrated_db_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()
    return migrated_db_url


async def tracker_rows(url: str, sender: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as conn:
        count = await conn.scalar(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        )
    await engine.dispose()
    return int(count or 0)


async def buyer(database: Database, tracker_url: str, *, email: str, name: str) -> str:
    """A chat session with an inquiry and its quote, a transcript, a handoff with a call-back
    number, a knowledge gap, buyer text waiting in the outbox, and tracker events."""
    async with database.session() as db:
        session, _ = await create_session(db, locale="en")
        sid = session.id
        await append(
            db, session_id=sid, role=Role.BUYER, texts=[(f"I am {name}, mail {email}", [])]
        )
        await append(db, session_id=sid, role=Role.BOT, texts=[("Thanks!", [])])
    draft = rfq(session_id=sid)
    draft = replace(draft, buyer=replace(draft.buyer, email=email, contact_name=name))
    async with database.session() as db:
        inquiry, _ = await inquiries.create(db, draft=replace(draft, notes=f"call {name}"))
    async with database.session() as db:
        await quotes.quote_inquiry(
            db, reference=inquiry.reference, book=load_price_book(DEMO_BOOK), today=TODAY
        )
    async with database.session() as db:
        db.add(
            Handoff(
                session_id=sid,
                reason="asked",
                summary={"who": name, "email": email},
                callback_request="+49 40 1234567",
            )
        )
        await knowledge_gaps.record(
            db,
            question=f"does {name} get a discount?",
            session_id=sid,
            language="en",
            best_score=0.1,
            best_source=None,
        )
        outbox.enqueue(
            db,
            topic="chat.buyer_message",
            payload={"session_id": sid, "text": f"I am {name}"},
            ordering_key=f"chat:{sid}",
        )
        await db.commit()
    engine = create_engine(tracker_url)
    async with engine.begin() as conn:
        for kind in ("user", "bot", "action"):
            await conn.execute(
                text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, :t, :d)"),
                {"s": sid, "t": kind, "d": f'{{"text": "{name}"}}'},
            )
    await engine.dispose()
    return sid


async def counts(database: Database, sid: str) -> dict[str, int]:
    async with database.session() as db:

        async def n(model: object, condition: object) -> int:
            return int(await db.scalar(select(func.count()).select_from(model).where(condition)))  # type: ignore[arg-type]

        return {
            "sessions": await n(ChatSession, ChatSession.id == sid),
            "messages": await n(ChatMessage, ChatMessage.session_id == sid),
            "handoffs": await n(Handoff, Handoff.session_id == sid),
            "gaps": await n(KnowledgeGap, KnowledgeGap.session_id == sid),
            "outbox": await n(OutboxMessage, OutboxMessage.ordering_key == f"chat:{sid}"),
            "rfq_drafts": await n(RfqDraft, RfqDraft.session_id == sid),
        }


async def test_erasure_by_email_covers_every_store_and_spares_others(
    database: Database, tracker: str
) -> None:
    jana = await buyer(database, tracker, email=JANA, name="Jana Weber")
    otto = await buyer(database, tracker, email=OTTO, name="Otto Krug")
    # a second conversation where Jana only typed her address
    async with database.session() as db:
        other, _ = await create_session(db)
        await append(
            db, session_id=other.id, role=Role.BUYER, texts=[(f"reach me at {JANA.upper()}", [])]
        )
    # and a third, a request for quotation left half-way after giving her address in the form
    async with database.session() as db:
        third, _ = await create_session(db)
        assert await rfq_drafts.remember(
            db, session_id=third.id, state={"email": JANA, "product": "PNL-6060-40W"}, language="de"
        )
    async with database.session() as db:
        report = await privacy.erase_buyer(db, tracker_url=tracker, email=f" {JANA.title()} ")
    assert report.stores == {
        privacy.ORDER_DATABASE: {
            "inquiries_anonymised": 1,
            "knowledge_gaps": 1,
            "chat_messages": 3,
            "handoffs": 1,
            "rfq_drafts": 1,
            "slack_threads": 0,
            "outbox": 1,
            "chat_sessions": 3,
        },
        privacy.TRACKER_STORE: {"events": 3},
    }
    for sid in (jana, other.id, third.id):
        assert set((await counts(database, sid)).values()) == {0}
        assert await tracker_rows(tracker, sid) == 0
    # the inquiry stays for the figures: items, totals and quotes, without the person
    async with database.session() as db:
        rows = (await db.scalars(select(Inquiry).order_by(Inquiry.id))).all()
        kept = await inquiries.get(db, rows[0].reference)
        assert kept is not None
        record = inquiries.to_record(kept)
        assert record["buyer"]["email"] is None and record["buyer"]["contact_name"] is None
        assert record["buyer"]["company"] is None and record["buyer"]["phone"] is None
        assert record["session_id"] is None and record["notes"] == ""
        assert record["buyer"]["country"] == "DE" and record["items"][0]["quantity"] == 5000
        assert record["quotes"] and Decimal(record["items"][0]["target_price"]["amount"]) > 0
        assert "Jana" not in str(record) and "nordlicht" not in str(record).lower()
        # Otto is untouched
        otto_inquiry = await inquiries.get(db, rows[1].reference)
        assert otto_inquiry is not None and otto_inquiry.email == OTTO
    assert await counts(database, otto) == {
        "sessions": 1, "messages": 2, "handoffs": 1, "gaps": 1, "outbox": 1, "rfq_drafts": 0,
    }  # fmt: skip
    assert await tracker_rows(tracker, otto) == 3
    # again: nothing more to erase
    async with database.session() as db:
        again = await privacy.erase_buyer(db, tracker_url=tracker, email=JANA)
    assert again.total == 0


async def test_erasure_by_session_id(database: Database, tracker: str) -> None:
    jana = await buyer(database, tracker, email=JANA, name="Jana Weber")
    async with database.session() as db:
        report = await privacy.erase_buyer(db, tracker_url=tracker, session_id=jana)
    assert report.stores[privacy.ORDER_DATABASE]["chat_sessions"] == 1
    assert report.stores[privacy.ORDER_DATABASE]["inquiries_anonymised"] == 1
    assert report.stores[privacy.TRACKER_STORE] == {"events": 3}
    assert set((await counts(database, jana)).values()) == {0}
    async with database.session() as db:
        assert await db.scalar(select(func.count()).where(Inquiry.email == JANA)) == 0


async def test_an_unreachable_tracker_store_changes_nothing(
    database: Database, tracker: str, tmp_path: Path
) -> None:
    jana = await buyer(database, tracker, email=JANA, name="Jana Weber")
    (tmp_path / "a-file").write_text("")
    unreachable = f"sqlite:///{tmp_path / 'a-file' / 'tracker.db'}"
    with pytest.raises(privacy.TrackerStoreUnavailable):
        async with database.session() as db:
            await privacy.erase_buyer(db, tracker_url=unreachable, session_id=jana)
    assert (await counts(database, jana))["messages"] == 2


async def test_retention_erases_what_is_older_than_the_limit(
    database: Database, tracker: str
) -> None:
    old = await buyer(database, tracker, email=JANA, name="Jana Weber")
    recent = await buyer(database, tracker, email=OTTO, name="Otto Krug")
    long_ago = utcnow() - timedelta(days=40)
    async with database.session() as db:
        await db.execute(
            update(ChatSession).where(ChatSession.id == old).values(updated_at=long_ago)
        )
        await db.execute(
            update(Inquiry).where(Inquiry.session_id == old).values(updated_at=long_ago)
        )
        await db.execute(
            update(KnowledgeGap).where(KnowledgeGap.session_id == old).values(created_at=long_ago)
        )
        await db.commit()
    async with database.session() as db:
        report = await privacy.apply_retention(db, tracker_url=tracker, days=30)
    orders = report.stores[privacy.ORDER_DATABASE]
    assert orders["chat_sessions"] == 1 and orders["inquiries_anonymised"] == 1
    assert orders["knowledge_gaps"] == 1 and report.stores[privacy.TRACKER_STORE]["events"] == 3
    assert set((await counts(database, old)).values()) == {0}
    assert await counts(database, recent) == {
        "sessions": 1, "messages": 2, "handoffs": 1, "gaps": 1, "outbox": 1, "rfq_drafts": 0,
    }  # fmt: skip
    async with database.session() as db:
        emails = (await db.scalars(select(Inquiry.email).order_by(Inquiry.id))).all()
    assert emails == [None, OTTO]
    async with database.session() as db:
        assert (await privacy.apply_retention(db, tracker_url=tracker, days=30)).total == 0


async def test_a_tracker_store_without_events_table_counts_zero(
    database: Database, migrated_db_url: str
) -> None:
    jana = await buyer_without_tracker(database)
    async with database.session() as db:
        report = await privacy.erase_buyer(db, tracker_url=migrated_db_url, session_id=jana)
    assert report.stores[privacy.TRACKER_STORE] == {"events": 0}
    assert report.stores[privacy.ORDER_DATABASE]["chat_sessions"] == 1


async def buyer_without_tracker(database: Database) -> str:
    async with database.session() as db:
        session, _ = await create_session(db)
        await append(db, session_id=session.id, role=Role.BUYER, texts=[("hello", [])])
    return session.id
