"""RFQs in progress kept once the buyer gives an email address in the form, on SQLite and
PostgreSQL: the address, the language and what was asked for, nothing else; updated as the
form goes on; none without a valid address; deleted when the inquiry is written."""

from __future__ import annotations

from datetime import datetime

from sales import inquiries, rfq_drafts
from sales.conversations import create_session
from sales.db import Database
from sales.models import RfqDraft

from .quotes.test_service import rfq

STATE = {
    "items": [
        {"sku": "PNL-6060-40W", "description": "600x600 panel", "quantity": 5000, "unit": "pcs"}
    ],
    "contact_name": "Jana Weber",
    "company": "Nordlicht Handels GmbH",
    "phone": "+49 40 1234567",
    "email": "Jana.Weber@nordlicht.example",
    "destination": {"country": "DE", "place": "Hamburg"},
}


def test_the_summary_holds_products_and_quantities_only() -> None:
    state = {**STATE, "product": "FL-SL-100W", "quantity": "about 300"}
    summary = rfq_drafts.summary_of(state, "en")
    assert summary == {"product": "PNL-6060-40W; FL-SL-100W", "quantity": "5,000 pcs; about 300"}
    assert rfq_drafts.summary_of({"email": "x@example.com"}, "en") == {}
    assert rfq_drafts.address_of({"email": "not an address"}) is None
    assert rfq_drafts.address_of({"email": " jana@nordlicht.example "}) == "jana@nordlicht.example"


async def _session(database: Database) -> str:
    async with database.session() as db:
        session, _ = await create_session(db, locale="de")
        return session.id


async def _drafts(database: Database) -> list[RfqDraft]:
    async with database.session() as db:
        return list((await db.scalars(RfqDraft.__table__.select())).all())  # type: ignore[arg-type]


async def test_kept_updated_and_deleted_by_the_inquiry(database: Database) -> None:
    sid = await _session(database)
    async with database.session() as db:
        assert not await rfq_drafts.remember(
            db, session_id=sid, state={"items": STATE["items"]}, language="de"
        )  # no address yet: nothing kept
        assert await rfq_drafts.remember(db, session_id=sid, state=STATE, language="de")
    async with database.session() as db:
        draft = await db.get(RfqDraft, sid)
        assert draft is not None
        first_change = draft.updated_at
        assert (draft.email, draft.language) == ("Jana.Weber@nordlicht.example", "de")
        assert draft.summary == {"product": "PNL-6060-40W", "quantity": "5.000 Stück"}
        assert isinstance(first_change, datetime)
        columns = {c.name for c in RfqDraft.__table__.columns}
        assert columns == {"session_id", "email", "language", "summary", "created_at", "updated_at"}
    more = {
        **STATE,
        "items": [*STATE["items"], {"sku": "DL-R-12W", "quantity": 800, "unit": "pcs"}],
    }
    async with database.session() as db:
        assert await rfq_drafts.remember(db, session_id=sid, state=more, language="de")
    async with database.session() as db:
        draft = await db.get(RfqDraft, sid)
        assert draft is not None and draft.summary["product"] == "PNL-6060-40W; DL-R-12W"
        assert draft.updated_at >= first_change

    other = await _session(database)
    async with database.session() as db:
        assert await rfq_drafts.remember(db, session_id=other, state=STATE, language="en")
    async with database.session() as db:
        await inquiries.create(db, draft=rfq(session_id=sid))
    async with database.session() as db:
        assert await db.get(RfqDraft, sid) is None  # sent: no longer in progress
        assert await db.get(RfqDraft, other) is not None


async def test_a_session_that_is_not_a_chat_keeps_nothing(database: Database) -> None:
    async with database.session() as db:
        kept = await rfq_drafts.remember(db, session_id="no-such", state=STATE, language="en")
    # PostgreSQL refuses the row (no such chat session); SQLite keeps it only without the
    # foreign-key check, and then the abandoned-RFQ mail finds no session and sends nothing
    assert kept is (len(await _drafts(database)) == 1)
