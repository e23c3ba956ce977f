"""Small talk and "say that again": a short answer, no failed ask, nothing lost."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.asides import (
    ASIDE_CONFIDENCE,
    ASIDES,
    ActionAside,
    ActionRepeatLast,
    asks_only,
    last_bot_turn,
)
from actions.rfq_extract import ActionExtractRfqFacts
from actions.rfq_form import ValidateRfqForm
from actions.rfq_questions import question
from i18n import LANGUAGES, t

from .conftest import tracker
from .test_rfq_repairs import CONTACT_OPEN, DOMAIN, _slots


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("intent", "key"),
    [
        ("greet", "rfq.repair.aside_greet"),
        ("thank", "rfq.repair.aside_thank"),
        ("goodbye", "rfq.repair.aside_goodbye"),
        ("repeat", "rfq.repair.repeat"),
    ],
)
async def test_an_aside_is_answered_in_the_buyer_language(intent: str, key: str, lang: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAside().run(
        dispatcher, tracker(text="...", intent=intent, slots={"language": lang}), {}
    )
    assert [m["text"] for m in dispatcher.messages] == [t(key, lang)]


async def test_are_you_a_bot_during_the_form_gets_the_bot_answer() -> None:
    dispatcher = CollectingDispatcher()
    await ActionAside().run(dispatcher, tracker(text="are you a bot?", intent="bot_challenge"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_iamabot"]


@pytest.mark.parametrize("intent", sorted(ASIDES))
async def test_an_aside_is_no_failed_answer(rt, intent: str) -> None:  # type: ignore[no-untyped-def]
    """The form asks its question again: no "not understood", no failure counted, nothing
    skipped."""
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher,
        tracker(
            text="thanks!", intent=intent, slots={**CONTACT_OPEN, "requested_slot": "contact_name"}
        ),
        DOMAIN,
    )
    slots = _slots(events)
    # only the open question again (the form's return after the aside's rule)
    asked = question("contact_name", CONTACT_OPEN, "en")
    assert asked is not None and [m["text"] for m in dispatcher.messages] == [asked.text]
    assert "rfq_failures" not in slots and "rfq_skipped" not in slots
    assert slots["requested_slot"] == "contact_name"


def _conversation(*turns: tuple[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for who, said in turns:
        if who == "user":
            events.append({"event": "user", "text": said})
        else:
            events.append({"event": "bot", "text": said[0], "data": {"buttons": said[1]}})
    return events


def test_the_last_bot_turn_is_what_answered_the_previous_message() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    events = _conversation(
        ("user", "hi"),
        ("bot", ("Hello!", [])),
        ("user", "I need 500 panels"),
        ("bot", ("Where to?", [])),
        ("bot", ("Samples?", buttons)),
        ("user", "sorry, what?"),
    )
    assert [e["text"] for e in last_bot_turn(events)] == ["Where to?", "Samples?"]
    assert last_bot_turn(events[:1]) == []


def _what_outside_the_form(events: list[dict[str, Any]]) -> Tracker:
    """ "what?" (intent repeat) after ``events``, no form active."""
    return Tracker.from_dict(
        {
            "sender_id": "s1",
            "slots": {"language": "en"},
            "latest_message": {"text": "what?", "intent": {"name": "repeat"}},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def test_repeat_outside_the_form_says_the_last_messages_again() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    events = _conversation(
        ("bot", ("Shall I discard this request?", buttons)),
        ("user", "what?"),
    )
    dispatcher = CollectingDispatcher()
    tr = _what_outside_the_form(events)
    await ActionRepeatLast().run(dispatcher, tr, {})
    assert [(m["text"], m["buttons"]) for m in dispatcher.messages] == [
        (t("rfq.repair.repeat", "en"), []),
        ("Shall I discard this request?", buttons),
    ]


async def test_repeat_after_a_question_asks_it_again_with_its_own_action() -> None:
    """After the summary, "what?" runs the summary again: a "yes" then confirms as before."""
    events = [
        {"event": "action", "name": "action_rfq_summary"},
        {"event": "bot", "text": "Here is your request ...", "data": {"buttons": []}},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "what?"},
    ]
    tr = _what_outside_the_form(events)
    dispatcher = CollectingDispatcher()
    result = await ActionRepeatLast().run(dispatcher, tr, {})
    assert result == [{"event": "followup", "timestamp": None, "name": "action_rfq_summary"}]
    assert [m["text"] for m in dispatcher.messages] == [t("rfq.repair.repeat", "en")]


@pytest.mark.parametrize("action", ["action_submit_rfq", "action_discard_rfq", None])
def test_no_action_that_stores_or_discards_is_run_again(action: str | None) -> None:
    assert not asks_only(action)


def _unsure(text: str, intent: str, slots: dict[str, Any]) -> Tracker:
    """``text`` classified as ``intent`` with a confidence below ASIDE_CONFIDENCE."""
    return Tracker.from_dict(
        {
            "sender_id": "s1",
            "slots": slots,
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": ASIDE_CONFIDENCE - 0.11},
                "message_id": f"m-{text}",
            },
            "events": [{"event": "user", "text": text}],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "rfq_form"},
            "latest_action_name": "action_listen",
        }
    )


async def test_an_unsure_aside_is_read_as_an_answer(rt) -> None:  # type: ignore[no-untyped-def]
    """ "lots of them" came out as goodbye (0.49) when the quantity was asked: no "I'll keep your
    request", but the reason the answer cannot be read, and a failed ask counted."""
    slots = {
        "product": {
            "description": "100W floodlight",
            "sku": "FL-SL-100W",
            "category": "floodlight",
        },
        "requested_slot": "quantity",
    }
    tr = _unsure("lots of them", "goodbye", slots)
    aside = CollectingDispatcher()
    assert await ActionAside().run(aside, tr, {}) == [] and aside.messages == []
    extracted = await ActionExtractRfqFacts().run(CollectingDispatcher(), tr, {})
    errors = _slots(extracted).get("rfq_errors") or {}
    assert "quantity" in errors
    tr = _unsure("lots of them", "goodbye", {**slots, "rfq_errors": errors})
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(dispatcher, tr, DOMAIN)
    assert _slots(events)["rfq_failures"] == {"quantity": 1}
    assert "couldn't read" in dispatcher.messages[0]["text"]
