"""Reads RFQ facts from every buyer message (Rasa runs it through a custom slot mapping)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.asides import intent_of
from actions.language import SLOT as LANGUAGE_SLOT
from actions.language import language as session_language
from i18n import language_of, localize
from sales.rfq import fields
from sales.rfq.entities import fill_gaps
from sales.rfq.extract import extract, is_question
from sales.rfq.state import BUYER_SLOTS, DRAFT_SLOTS, has_draft

# Messages that are about something else: they fill no RFQ field.
NOT_FACTS = frozenset(fields.NOT_FACTS_INTENTS)
# Classified as a question, but read as an answer when it does not look like one.
QUESTION = "ask_question"
FORM = "rfq_form"


def slot_state(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in (*DRAFT_SLOTS, *BUYER_SLOTS, "last_inquiry")}


# Slots the extraction sets on every message; they are not facts of the RFQ.
BOOKKEEPING = frozenset({"rfq_errors", "rfq_extracted_for", "rfq_id", "requested_slot"})


def set_since_user_message(tracker: Tracker) -> dict[str, Any]:
    """Slots set since the buyer's latest message (also when the form resumes after a side
    question, where rasa-sdk's `slots_to_validate` sees nothing)."""
    recent: dict[str, Any] = {}
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") not in recent:
            recent[event["name"]] = event.get("value")
    return recent


ASK_DISCARD = "action_ask_discard"
YES_NO = frozenset({"affirm", "deny"})


def previous_action(tracker: Tracker) -> str | None:
    """The bot's last action before the buyer's latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return str(event.get("name"))
    return None


def answers_discard_question(tracker: Tracker) -> bool:
    """A yes or no to "Shall I discard this request?": no fact of the RFQ."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return intent in YES_NO and previous_action(tracker) == ASK_DISCARD


def expecting(tracker: Tracker) -> str | None:
    if (tracker.active_loop or {}).get("name") != FORM:
        return None
    return tracker.get_slot("requested_slot")


def _language_events(tracker: Tracker, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The session language the app sent with the message, copied to the `language` slot."""
    metadata = message.get("metadata") or {}
    wanted = metadata.get("language") if isinstance(metadata, dict) else None
    if not wanted:
        return []
    wanted = language_of(wanted)
    return [] if tracker.get_slot(LANGUAGE_SLOT) == wanted else [SlotSet(LANGUAGE_SLOT, wanted)]


class ActionExtractRfqFacts(Action):
    def name(self) -> str:
        return "action_extract_rfq_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return await read_message(dispatcher, tracker)


async def read_message(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The buyer's latest message read once: its language and the RFQ facts in it. Outside the
    form Rasa calls action_extract_rfq_facts for it (a custom slot mapping); during the form
    validate_rfq_form calls it, in the same webhook call (the mappings' condition
    `active_loop: null` keeps Rasa from calling the action then)."""
    message = tracker.latest_message or {}
    language = _language_events(tracker, message)
    # this message's language: the one just set, else the session's
    lang = language[0]["value"] if language else session_language(tracker)
    return language + await _facts(dispatcher, tracker, message, lang)


async def _facts(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    message: dict[str, Any],
    lang: str,
) -> list[dict[str, Any]]:
    intent = intent_of(message)
    text = message.get("text") or ""
    if intent in NOT_FACTS or not text or text.startswith("/"):
        return []
    if answers_discard_question(tracker):
        return []
    if intent == QUESTION and (
        is_question(text) or not (expecting(tracker) or has_draft(slot_state(tracker)))
    ):
        return []  # a question; outside an RFQ nothing to read ("bitte FOB statt FCA" is)
    # Rasa runs slot extraction again when a form activates, and the form's validation reads
    # too: each message is read once.
    message_id = message.get("message_id") or f"{text}@{len(tracker.events)}"
    if tracker.get_slot("rfq_extracted_for") == message_id:
        return []
    rt = runtime.get()
    if rt.kb is None:
        return []
    state = slot_state(tracker)
    found = await asyncio.to_thread(
        extract,
        text,
        state=state,
        expecting=expecting(tracker),
        today=rt.today(),
        catalog=rt.kb,
    )
    # the NLU's entities fill what the text reading did not find
    await asyncio.to_thread(
        fill_gaps,
        found,
        message.get("entities") or [],
        text=text,
        state=state,
        expecting=expecting(tracker),
        today=rt.today(),
        catalog=rt.kb,
    )
    events = [
        SlotSet(name, value) for name, value in found.slots.items() if state.get(name) != value
    ]
    # slots travel as JSON: the reasons are stored already in the buyer's language
    events.append(SlotSet("rfq_errors", localize(found.errors, lang) or None))
    events.append(SlotSet("rfq_extracted_for", message_id))
    if found.slots and not state.get("rfq_id"):
        events.append(SlotSet("rfq_id", uuid.uuid4().hex))
    for note in found.notes:
        dispatcher.utter_message(text=localize(note, lang))
    return events
