"""The RFQ form keeps the RFQ in progress in the order database once the buyer has given an
email address (for the abandoned-RFQ mail, sales/rfq_drafts.py), and not before."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.rfq_form import ValidateRfqForm
from sales.conversations import create_session
from sales.models import RfqDraft

from .conftest import tracker

DOMAIN: dict = {"slots": {}, "forms": {"rfq_form": {"required_slots": []}}}  # type: ignore[type-arg]
ITEMS = [{"sku": "PNL-6060-40W", "description": "panel", "quantity": 5000, "unit": "pcs"}]


async def test_the_form_keeps_a_draft_once_an_address_is_given(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await create_session(db, locale="en")
    sid = session.id
    before = tracker(
        text="5000 pcs of PNL-6060-40W",
        sender=sid,
        slots={"items": ITEMS, "requested_slot": "destination"},
        events=[{"event": "slot", "name": "items", "value": ITEMS}],
    )
    await ValidateRfqForm().run(CollectingDispatcher(), before, DOMAIN)
    async with rt.db.session() as db:
        assert await db.get(RfqDraft, sid) is None  # no address yet
    email = "jana.weber@nordlicht.example"
    given = tracker(
        text=email,
        sender=sid,
        slots={"items": ITEMS, "email": email, "requested_slot": "email"},
        events=[{"event": "slot", "name": "email", "value": email}],
    )
    await ValidateRfqForm().run(CollectingDispatcher(), given, DOMAIN)
    async with rt.db.session() as db:
        draft = await db.get(RfqDraft, sid)
    assert draft is not None and draft.email == email
    assert draft.summary == {"product": "PNL-6060-40W", "quantity": "5,000 pcs"}
