from __future__ import annotations

import re

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.submit_rfq import ActionAcceptQuote, ActionSubmitRfq
from sales import conversations, inquiries
from sales.models import Inquiry, Quote

from .conftest import tracker

SLOTS = {
    "items": [
        {
            "description": "600x600 40W panels",
            "sku": "PNL-6060-40W",
            "category": "panel",
            "quantity": "5000",
            "unit": "pcs",
            "target_price": None,
        }
    ],
    "destination": {"country": "DE", "place": "Hamburg"},
    "incoterm": "CIF",
    "required_by": "2027-03-15",
    "certifications": ["CE", "ROHS"],
    "payment_terms": "TT",
    "sample_requested": False,
    "business_type": "distributor",
    "contact_name": "Jana Weber",
    "company": "Nordlicht Handels GmbH",
    "email": "jana.weber@nordlicht.example",
    "rfq_id": "abc",
}


async def test_submission_stores_prices_and_is_idempotent(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db)
    action = ActionSubmitRfq()
    replies = []
    for _ in range(2):  # a retried action call
        dispatcher = CollectingDispatcher()
        events = await action.run(
            dispatcher,
            tracker(text="/affirm", intent="affirm", slots=SLOTS, sender=session.id, form=False),
            {},
        )
        replies.append("\n".join(m["text"] for m in dispatcher.messages))
    refs = {re.search(r"RFQ-\d{4}-\d{6}", r).group(0) for r in replies}  # type: ignore[union-attr]
    assert len(refs) == 1
    (reference,) = refs
    async with rt.db.session() as db:
        assert (await db.execute(select(func.count()).select_from(Inquiry))).scalar_one() == 1
        assert (await db.execute(select(func.count()).select_from(Quote))).scalar_one() == 1
        record = inquiries.to_record(await inquiries.get(db, reference))  # type: ignore[arg-type]
    assert record["lead_score"] is not None
    assert record["items"][0]["sku"] == "PNL-6060-40W"
    assert record["quotes"] and record["quotes"][0].startswith("Q-")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["last_inquiry"] == reference and slots["last_quote"] == record["quotes"][0]
    assert slots["items"] is None and "company" not in slots  # draft cleared, buyer kept
    # in policy: the buyer gets the quote and its PDF link at once, and can accept it
    assert record["status"] == "quoted"
    assert "https://quotes.example/q/" in replies[0]
    accepted = CollectingDispatcher()
    await ActionAcceptQuote().run(
        accepted, tracker(slots={"last_quote": slots["last_quote"]}, sender=session.id), {}
    )
    assert "accepted" in accepted.messages[0]["text"]
    async with rt.db.session() as db:
        assert (await inquiries.get(db, reference)).status == "won"  # type: ignore[union-attr]


async def test_nothing_to_submit(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    assert await ActionSubmitRfq().run(dispatcher, tracker(slots={}), {}) == []
    assert "no complete request" in dispatcher.messages[0]["text"]


async def test_an_item_to_be_confirmed_is_stored_and_quoted_by_a_person(rt) -> None:  # type: ignore[no-untyped-def]
    unknown = {
        "description": "100W floodlight",
        "sku": "FL-SL-100W",
        "category": "floodlight",
        "quantity": None,
        "unit": None,
        "target_price": None,
        "quantity_as_written": "depends on the project, maybe a few hundred",
    }
    slots = {**SLOTS, "items": [*SLOTS["items"], unknown]}
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db)
    dispatcher = CollectingDispatcher()
    await ActionSubmitRfq().run(
        dispatcher,
        tracker(text="/affirm", intent="affirm", slots=slots, sender=session.id, form=False),
        {},
    )
    reply = "\n".join(m["text"] for m in dispatcher.messages)
    reference = re.search(r"RFQ-\d{4}-\d{6}", reply).group(0)  # type: ignore[union-attr]
    async with rt.db.session() as db:
        record = inquiries.to_record(await inquiries.get(db, reference))  # type: ignore[arg-type]
        # never priced on a guessed count: no quote; the sales team prepares it
        assert (await db.execute(select(func.count()).select_from(Quote))).scalar_one() == 0
    assert [i["quantity"] for i in record["items"]] == [5000, None]
    assert "Quantity of FL-SL-100W to be confirmed" in record["notes"]
    assert "maybe a few hundred" in record["notes"]
    assert "https://quotes.example/q/" not in reply
