"""The form's repairs as the actions do them: declines, the second failed ask, a discard that
waits for the buyer's confirmation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rfq_extract import ActionExtractRfqFacts
from actions.rfq_form import ValidateRfqForm
from actions.rfq_questions import question
from actions.submit_rfq import ActionAskDiscard, ActionDiscardRfq, ActionKeepRfq, ActionSubmitRfq
from sales import conversations, inquiries
from sales.rfq.state import SKIPPED, missing

from .conftest import tracker
from .test_submit_rfq import SLOTS

DOMAIN: dict[str, Any] = {"slots": {}, "forms": {"rfq_form": {"required_slots": []}}}
CONTACT_OPEN = {**SLOTS, "contact_name": None, "company": None, "email": None}
CONTACT_OPEN.pop("business_type")


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def _after_discard_question(text: str, intent: str, slots: dict[str, Any]) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "s1",
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": intent}, "message_id": "m2"},
            "events": [
                {"event": "action", "name": "action_ask_discard"},
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text},
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "rfq_form"},
            "latest_action_name": "action_listen",
        }
    )


async def _validate(text: str, slots: dict[str, Any], intent: str = "inform") -> tuple:  # type: ignore[type-arg]
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher, tracker(text=text, intent=intent, slots=slots, read=True), DOMAIN
    )
    return _slots(events), [m["text"] for m in dispatcher.messages], dispatcher.messages


@pytest.mark.parametrize(
    ("text", "lang"),
    [("skip", "en"), ("不用", "zh"), ("prefiero no decirlo", "es"), ("nein danke", "de")],
)
async def test_declining_the_contact_question_twice_goes_on_to_the_summary(
    rt, text: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    slots = {**CONTACT_OPEN, "requested_slot": "contact_name", "language": lang}
    first, said, _ = await _validate(text, slots, intent="stop")
    assert first["phone_declined"] is True
    assert first["rfq_failures"] == {"contact_name": 1}
    assert first["requested_slot"] == "contact_name"  # explained, asked once more
    assert said and not any("discard" in s.lower() for s in said)
    slots |= {k: v for k, v in first.items() if k != "requested_slot"}
    second, said, messages = await _validate(text, slots)
    assert second["requested_slot"] is None  # the summary comes next
    assert set(second[SKIPPED]) >= {"contact_name", "company", "email"}
    assert not any(second[SKIPPED][f] for f in ("contact_name", "company", "email"))
    assert any(b["payload"] == "/request_human" for m in messages for b in m["buttons"])
    assert "contact_name" not in second and "company" not in second  # no value from a decline


async def test_an_unreadable_answer_is_kept_as_written_after_the_second_ask(rt) -> None:  # type: ignore[no-untyped-def]
    slots = {**SLOTS, "destination": None, "requested_slot": "destination"}
    slots["rfq_errors"] = {"destination": "I don't know that place."}
    first, said, messages = await _validate("the usual warehouse", slots)
    assert said[0] == "I don't know that place." and first["requested_slot"] == "destination"
    assert [m["response"] for m in messages[1:]] == ["utter_ask_destination"]  # asked again
    slots["rfq_failures"] = first["rfq_failures"]
    second, said, _ = await _validate("the usual warehouse", slots)
    assert second[SKIPPED] == {"destination": "the usual warehouse"}
    assert "“the usual warehouse”" in said[0]
    assert second["requested_slot"] is None


async def test_only_the_phone_declined_asks_for_the_rest_without_a_failure(rt) -> None:  # type: ignore[no-untyped-def]
    slots = {**CONTACT_OPEN, "requested_slot": "contact_name"}
    result, said, _ = await _validate("no phone number, thanks", slots)
    assert result["phone_declined"] is True and "rfq_failures" not in result
    assert result["requested_slot"] == "contact_name"
    assert said[0] == "No problem, we'll go on without it."
    assert said[1:] == [question("contact_name", {**slots, **result}, "en").text]  # type: ignore[union-attr]


async def test_the_discard_question_with_buttons(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await ActionAskDiscard().run(
        dispatcher, tracker(text="cancel", intent="stop", slots=SLOTS), DOMAIN
    )
    assert events == []
    (message,) = dispatcher.messages
    assert "discard" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


async def test_a_decline_classified_as_stop_goes_back_to_the_form(rt) -> None:  # type: ignore[no-untyped-def]
    slots = {**CONTACT_OPEN, "requested_slot": "contact_name"}
    dispatcher = CollectingDispatcher()
    events = await ActionAskDiscard().run(
        dispatcher, tracker(text="skip", intent="stop", slots=slots), DOMAIN
    )
    assert events == [{"event": "followup", "name": "rfq_form", "timestamp": None}]
    assert dispatcher.messages == []


async def test_nothing_to_lose_asks_nothing(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionAskDiscard().run(
        dispatcher, tracker(text="stop", intent="stop", slots={}, form=False), DOMAIN
    )
    assert dispatcher.messages[0]["buttons"] == []


async def test_no_to_the_discard_question_keeps_everything(rt) -> None:  # type: ignore[no-untyped-def]
    slots = {**CONTACT_OPEN, "requested_slot": "contact_name"}
    no = _after_discard_question("no", "deny", slots)
    assert await ActionExtractRfqFacts().run(CollectingDispatcher(), no, DOMAIN) == []
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(dispatcher, no, DOMAIN)
    assert _slots(events) == {"requested_slot": "contact_name"}
    assert dispatcher.messages[0]["text"] == "Good, your request stays as it is."


async def test_keep_outside_the_form_shows_the_summary_again(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionKeepRfq().run(dispatcher, tracker(slots=SLOTS, form=False), DOMAIN)
    assert "Here is your request for quotation" in dispatcher.messages[0]["text"]


async def test_discard_resets_the_draft(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await ActionDiscardRfq().run(dispatcher, tracker(slots=SLOTS, form=False), DOMAIN)
    assert dispatcher.messages[0]["response"] == "utter_rfq_discarded"
    assert _slots(events)["items"] is None


async def test_a_request_without_contact_details_is_stored(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db)
    slots = {**CONTACT_OPEN, SKIPPED: {"contact_name": "", "company": "", "email": ""}}
    slots["business_type"] = "distributor"
    assert missing(slots) == []
    dispatcher = CollectingDispatcher()
    await ActionSubmitRfq().run(
        dispatcher, tracker(text="/affirm", intent="affirm", slots=slots, sender=session.id), {}
    )
    text = "\n".join(m["text"] or "" for m in dispatcher.messages)
    reference = re.search(r"RFQ-\d{4}-\d{6}", text).group(0)  # type: ignore[union-attr]
    async with rt.db.session() as db:
        record = inquiries.to_record(await inquiries.get(db, reference))  # type: ignore[arg-type]
    assert record["buyer"]["email"] is None and record["buyer"]["company"] is None
    assert "Not given: contact_name, company, email." in record["notes"]


async def test_a_buyer_who_cannot_say_how_many_is_asked_twice_then_the_form_goes_on(rt) -> None:  # type: ignore[no-untyped-def]
    product = {"description": "floodlight", "sku": "FL-SL-100W", "category": "floodlight"}
    slots = {**SLOTS, "product": product, "requested_slot": "quantity"}
    first, said, _ = await _validate("not sure yet", slots)
    assert first["requested_slot"] == "quantity" and said
    slots["rfq_failures"] = first["rfq_failures"]
    second, said, messages = await _validate("really no idea", slots)
    assert second["requested_slot"] is None  # the summary comes next: no third ask
    assert second["product"] is None
    item = second["items"][-1]
    assert item["sku"] == "FL-SL-100W" and item["quantity"] is None
    assert item["quantity_as_written"] == "really no idea"
    assert "to be confirmed" in said[0]
    assert any(b["payload"] == "/request_human" for m in messages for b in m["buttons"])
    draft = missing({**slots, **second})
    assert draft == []
