from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.rfq_extract import ActionExtractRfqFacts
from actions.rfq_form import ValidateRfqForm, may_be_rejected, with_events

from .conftest import tracker

DOMAIN: dict = {"slots": {}, "forms": {"rfq_form": {"required_slots": []}}}  # type: ignore[type-arg]


def _slots(events) -> dict:  # type: ignore[no-untyped-def]
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_extraction_reads_a_message_once(rt) -> None:  # type: ignore[no-untyped-def]
    action, dispatcher = ActionExtractRfqFacts(), CollectingDispatcher()
    first = tracker(text="5000 pcs of PNL-6060-40W to Hamburg", form=False)
    events = await action.run(dispatcher, first, DOMAIN)
    slots = _slots(events)
    assert slots["items"][0]["sku"] == "PNL-6060-40W"
    assert slots["destination"]["place"] == "Hamburg"
    assert slots["rfq_id"]
    again = tracker(
        text="5000 pcs of PNL-6060-40W to Hamburg",
        form=False,
        slots={"rfq_extracted_for": slots["rfq_extracted_for"]},
    )
    assert await action.run(dispatcher, again, DOMAIN) == []


async def test_side_questions_fill_nothing(rt) -> None:  # type: ignore[no-untyped-def]
    events = await ActionExtractRfqFacts().run(
        CollectingDispatcher(),
        tracker(text="is PNL-6060-40W flicker-free?", intent="ask_question"),
        DOMAIN,
    )
    assert events == []


async def test_unreadable_quantity_gets_its_reason_then_the_form_goes_on(rt) -> None:  # type: ignore[no-untyped-def]
    form = ValidateRfqForm()
    failures = None
    said = []
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        events = await form.run(
            dispatcher,
            tracker(
                text="lots of them",
                slots={
                    "requested_slot": "quantity",
                    "product": {"description": "x", "sku": "FL-SL-100W", "category": "floodlight"},
                    "rfq_errors": {"quantity": "I couldn't read that as a quantity."},
                    "rfq_failures": failures,
                },
                events=[{"event": "slot", "name": "rfq_errors", "value": {"quantity": "x"}}],
            ),
            DOMAIN,
        )
        slots = _slots(events)
        failures = slots["rfq_failures"]
        said.append((slots, dispatcher.messages))
    (first, first_said), (second, second_said) = said
    # the first time: the reason, and the count asked again
    assert first_said[0]["text"] == "I couldn't read that as a quantity."
    assert first["requested_slot"] == "quantity"
    assert not any(m["buttons"] for m in first_said)
    # the second time: no third ask; the item is kept, its count to be confirmed, a person offered
    assert "to be confirmed" in second_said[0]["text"]
    assert second["requested_slot"] != "quantity" and second["product"] is None
    assert second["items"][-1]["quantity"] is None
    assert any(b["payload"] == "/request_human" for m in second_said for b in m["buttons"])
    assert failures == {"quantity": 2}


async def test_quantity_below_moq_is_refused_with_the_moq(rt) -> None:  # type: ignore[no-untyped-def]
    item = {
        "description": "floodlight",
        "sku": "FL-SL-100W",
        "category": "floodlight",
        "quantity": "20",
        "unit": "pcs",
        "target_price": None,
    }
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher,
        tracker(
            text="20 pcs",
            slots={"requested_slot": "quantity", "items": [item]},
            events=[{"event": "slot", "name": "items", "value": [item]}],
        ),
        DOMAIN,
    )
    slots = _slots(events)
    assert slots["items"] == [] and slots["product"]["sku"] == "FL-SL-100W"
    assert slots["requested_slot"] == "quantity"
    assert "minimum order quantity" in dispatcher.messages[0]["text"]


async def test_a_date_sooner_than_the_lead_time_names_the_earliest(rt) -> None:  # type: ignore[no-untyped-def]
    item = {
        "description": "panel",
        "sku": "PNL-6060-40W",
        "category": "panel",
        "quantity": "500",
        "unit": "pcs",
        "target_price": None,
    }
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher,
        tracker(
            text="next week",
            slots={"requested_slot": "required_by", "items": [item], "required_by": "2026-11-28"},
            events=[{"event": "slot", "name": "required_by", "value": "2026-11-28"}],
            read=True,
        ),
        DOMAIN,
    )
    assert _slots(events)["required_by"] is None
    assert "earliest date" in dispatcher.messages[0]["text"]
    assert "16 December 2026" in dispatcher.messages[0]["text"]  # today + 25 days lead time


def _form_run(text: str, intent: str, before_form: list[dict], slots: dict) -> Tracker:  # type: ignore[type-arg]
    """The tracker Rasa sends validate_rfq_form: the turn's events, then the requested slot and
    the form's run (FormAction._temporary_tracker)."""
    return Tracker.from_dict(
        {
            "sender_id": "s1",
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": intent}, "message_id": "m1"},
            "events": [
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text},
                *before_form,
                {"event": "slot", "name": "requested_slot", "value": slots["requested_slot"]},
                {"event": "action", "name": "rfq_form"},
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "rfq_form"},
            "latest_action_name": "rfq_form",
        }
    )


OPEN_QUANTITY = {
    "requested_slot": "quantity",
    "product": {"description": "x", "sku": "FL-SL-100W", "category": "floodlight"},
}


async def test_a_side_question_right_after_the_message_fills_nothing_so_rasa_rejects(rt) -> None:  # type: ignore[no-untyped-def]
    # the reading's bookkeeping (rfq_errors, rfq_extracted_for) is not returned: a slot set
    # would make Rasa take the turn as the form's, and the side question's rule would not run
    events = await ValidateRfqForm().run(
        CollectingDispatcher(), _form_run("thanks!", "thank", [], OPEN_QUANTITY), DOMAIN
    )
    assert _slots(events) == {"requested_slot": "quantity"}


async def test_after_the_side_question_the_form_keeps_the_reading_and_asks_again(rt) -> None:  # type: ignore[no-untyped-def]
    aside = [
        {"event": "action_execution_rejected", "name": "rfq_form"},
        {"event": "action", "name": "action_aside"},
        {"event": "bot", "text": "You're welcome!"},
    ]
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher, _form_run("thanks!", "thank", aside, OPEN_QUANTITY), DOMAIN
    )
    slots = _slots(events)
    assert slots["rfq_extracted_for"] == "m1" and slots["requested_slot"] == "quantity"
    assert "quantity" not in slots and "rfq_failures" not in slots
    assert [m["text"] for m in dispatcher.messages] == [
        "How many FL-SL-100W do you need? (for example 5,000 pcs)"
    ]


async def test_an_answer_right_after_the_message_is_read_in_the_validation(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher, _form_run("5000 pcs", "inform", [], OPEN_QUANTITY), DOMAIN
    )
    slots = _slots(events)
    assert slots["items"][0]["quantity"] == "5000" and slots["product"] is None
    assert slots["rfq_extracted_for"] == "m1" and slots["requested_slot"] == "destination"
    assert "Where should the goods go" in dispatcher.messages[-1]["text"]


def test_only_a_run_right_after_the_buyer_s_message_may_be_rejected() -> None:
    assert may_be_rejected(_form_run("x", "inform", [], OPEN_QUANTITY))
    came_back = [{"event": "action", "name": "action_explain_why"}]
    assert not may_be_rejected(_form_run("x", "ask_why", came_back, OPEN_QUANTITY))
    activated = [{"event": "active_loop", "name": "rfq_form"}]
    assert not may_be_rejected(_form_run("x", "request_quote", activated, OPEN_QUANTITY))
    nothing_asked = {**OPEN_QUANTITY, "requested_slot": None}
    assert not may_be_rejected(_form_run("x", "inform", [], nothing_asked))


_NAMES = st.sampled_from(["quantity", "incoterm", "email", "requested_slot", "items"])
_VALUES = st.one_of(
    st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=3)
)
_SLOT_EVENTS = st.lists(
    st.builds(lambda n, v: {"event": "slot", "name": n, "value": v}, _NAMES, _VALUES), max_size=4
)


@given(before=_SLOT_EVENTS, after=_SLOT_EVENTS, read=_SLOT_EVENTS)
def test_the_reading_is_seen_after_the_message_and_the_request_left_as_it_came(
    before: list[dict[str, object]],
    after: list[dict[str, object]],
    read: list[dict[str, object]],
) -> None:
    user = {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "inform"}}}
    events = [*before, user, *after]
    slots = {e["name"]: e["value"] for e in [*before, *after]}
    asked = Tracker(
        "s", dict(slots), {"text": "hi"}, [dict(e) for e in events], False, None, {}, None
    )
    frozen = copy.deepcopy((asked.events, asked.slots, asked.latest_message))
    seen = with_events(asked, read)
    # the request's tracker is as it came: its events, slots and message
    assert (asked.events, asked.slots, asked.latest_message) == frozen
    if not read:
        assert seen is asked
        return
    # the reading follows the buyer's message; a slot set after it keeps its later value
    assert seen.events == [*before, user, *read, *after]
    later = {e["name"] for e in after}
    expected = dict(slots)
    expected.update({e["name"]: e["value"] for e in read if e["name"] not in later})
    assert seen.slots == expected
    assert seen.sender_id == asked.sender_id and seen.latest_message == asked.latest_message
