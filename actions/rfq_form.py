"""The RFQ form: which field to ask next, business checks (MOQ, achievable date), what to say
when an answer cannot be read, and the next question (actions/rfq_questions.py). The facts are
read by actions/rfq_extract.py: outside the form through Rasa's slot extraction, during the form
in this validation's own call."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.answers import answer_question
from actions.asides import ASIDES, intent_of
from actions.language import language
from actions.rfq_extract import (
    BOOKKEEPING,
    FORM,
    NOT_FACTS,
    QUESTION,
    answers_discard_question,
    read_message,
    set_since_user_message,
    slot_state,
)
from actions.rfq_questions import ask
from i18n import localize, t
from i18n.formatting import date_text, number_text
from i18n.lexicon import is_decline
from sales import handoff, rfq_drafts
from sales.rfq import repairs, rules
from sales.rfq.extract import is_question
from sales.rfq.state import PENDING_QUANTITY, missing

PERSON = "request_human"
STOP = "stop"
REQUESTED_SLOT = "requested_slot"


def answered_since_user_message(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_answer_question":
            return True
    return False


def with_events(tracker: Tracker, events: list[dict[str, Any]]) -> Tracker:
    """``tracker`` as it would be had Rasa's slot extraction returned ``events``: they follow the
    buyer's latest message, and a slot set after them keeps its later value."""
    if not events:
        return tracker
    # a new list of events and dict of slots: the two things changed here (rasa-sdk's own copy
    # deep-copied every event of the conversation, about 1 ms a form turn; the request's
    # tracker is read again only for its events)
    seen = copy.copy(tracker)
    seen.events = list(tracker.events)
    seen.slots = dict(tracker.slots)
    users = [i for i, e in enumerate(seen.events) if e.get("event") == "user"]
    at = users[-1] + 1 if users else len(seen.events)
    later = {e.get("name") for e in seen.events[at:] if e.get("event") == "slot"}
    seen.events[at:at] = events
    seen.slots.update({e["name"]: e["value"] for e in events if e["name"] not in later})
    return seen


def fills_slots(events: list[dict[str, Any]]) -> bool:
    """Whether Rasa counts ``events`` as slots validated (its requested slot aside)."""
    return any(e.get("event") == "slot" and e.get("name") != REQUESTED_SLOT for e in events)


def may_be_rejected(tracker: Tracker) -> bool:
    """Whether Rasa rejects this run of the form when the validation fills no slot: a run right
    after the buyer's message with a slot requested (rasa's FormAction.validate), not the form's
    activation (which validates what is already filled) nor its return after another action
    (which only asks again)."""
    if not tracker.get_slot(REQUESTED_SLOT):
        return False
    runs = [
        i
        for i, e in enumerate(tracker.events)
        if e.get("event") == "action" and e.get("name") == FORM
    ]
    for event in reversed(tracker.events[: runs[-1]] if runs else tracker.events):
        if event.get("event") == "active_loop":
            return False  # activated in this turn
        if event.get("event") == "action":
            return event.get("name") == "action_listen"
    return False


def _offer_person(dispatcher: CollectingDispatcher, lang: str) -> None:
    dispatcher.utter_message(
        text=t("rfq.offer_person", lang),
        buttons=[
            {"title": t("rfq.button.talk_to_person", lang), "payload": "/request_human"},
            {"title": t("rfq.button.go_on", lang), "payload": "/deny"},
        ],
    )


class ValidateRfqForm(FormValidationAction):
    def name(self) -> str:
        return "validate_rfq_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return missing(slot_state(tracker))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Read the buyer's message (during the form Rasa's slot extraction does not call
        action_extract_rfq_facts: the mappings' condition), check the facts, and ask the next
        question: the form's whole turn in one webhook call."""
        read = await read_message(dispatcher, tracker)
        seen = with_events(tracker, read)
        events = await self._validate(dispatcher, seen)
        if fills_slots(events) or not may_be_rejected(tracker):
            events = [*read, *events]
        # else Rasa rejects the form, discarding this call's events and messages, and the
        # side question's rule runs: the reading's bookkeeping must not make it a form turn
        requested = next(
            (e.get("value") for e in reversed(events) if e.get("name") == REQUESTED_SLOT), None
        )
        if requested:
            state = slot_state(seen)
            state.update({e["name"]: e.get("value") for e in events if e.get("name") in state})
            ask(dispatcher, requested, state, language(seen))
        return events

    async def _validate(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        intent = intent_of(tracker.latest_message)
        recent = set_since_user_message(tracker)
        state = slot_state(tracker)
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        if answers_discard_question(tracker):
            # "No, let's go on": the request stays, the open question is asked again
            dispatcher.utter_message(text=t("rfq.repair.kept", language(tracker)))
            todo = missing(state)
            return [SlotSet("requested_slot", todo[0] if todo else None)]
        elsewhere = (
            (intent in NOT_FACTS and not (intent == STOP and is_decline(text)))
            or intent in ASIDES
            or (intent == QUESTION and is_question(text))
            or (intent == PERSON and handoff.wants_a_person(text))
        )
        if elsewhere and not set(recent) - BOOKKEEPING:
            # a side question, "why?", a person...: its rule answers (the form steps aside
            # when it reads nothing), then the form goes on with the open question
            todo = missing(state)
            return [SlotSet("requested_slot", todo[0] if todo else None)]
        rt = runtime.get()
        lang = language(tracker)
        changes: dict[str, Any] = {}
        if "items" in recent and rt.kb is not None:
            changes.update(self._check_moq(state, dispatcher, rt.kb, lang))
        if "required_by" in recent and state.get("required_by") and rt.kb is not None:
            changes.update(self._check_date(state, dispatcher, rt.kb, rt.today(), lang))
        state.update(changes)

        requested = tracker.get_slot("requested_slot")
        if requested == PENDING_QUANTITY and state.get(requested) and requested not in recent:
            # "which product?" not answered with one: the quantities stay, asked once only
            dispatcher.utter_message(text=t("rfq.repair.quantity_unchanged", lang))
            changes[PENDING_QUANTITY] = None
            state[PENDING_QUANTITY] = None
        elif requested and state.get(requested) is None:
            errors = tracker.get_slot("rfq_errors") or {}
            facts = set(recent) - BOOKKEEPING
            answered = answered_since_user_message(tracker)  # by a side-question rule
            if not facts and not answered and is_question(text):
                # a question the classifier did not recognise: answer it, then ask again
                await answer_question(dispatcher, tracker, text)
                todo = missing(state)
                return [SlotSet("requested_slot", todo[0] if todo else None)]
            if requested in errors or not facts:
                changes.update(self._repair(dispatcher, tracker, requested, state, text, lang))
                state.update(changes)
        todo = missing(state)
        # the facts read from this message count as validated (as rasa-sdk's own validation
        # returns them): a message that sets only, say, phone_declined is no rejected turn
        validated = {k: v for k, v in recent.items() if k not in BOOKKEEPING} | changes
        if state.get("email") and validated:  # kept for the abandoned-RFQ mail (sales/mail)
            async with rt.db.session() as db:
                await rfq_drafts.remember(
                    db, session_id=tracker.sender_id, state=state, language=lang
                )
        events = [SlotSet(name, value) for name, value in validated.items()]
        return [*events, SlotSet("requested_slot", todo[0] if todo else None)]

    @staticmethod
    def _repair(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        requested: str,
        state: dict[str, Any],
        text: str,
        lang: str,
    ) -> dict[str, Any]:
        """An answer the form could not take: a decline, or words it cannot read. The same
        question is asked at most twice (sales/rfq/repairs.py)."""
        repair = repairs.declined(requested, state, text)
        changes: dict[str, Any] = dict(repair.changes) if repair else {}
        offer_person = False
        if repair is None or repair.failed:
            failures = dict(tracker.get_slot("rfq_failures") or {})
            failures[requested] = failures.get(requested, 0) + 1
            changes["rfq_failures"] = failures
            if failures[requested] >= repairs.MAX_ASKS:
                if repairs.can_go_on_without(requested, {**state, **changes}):
                    repair = repairs.give_up(requested, {**state, **changes}, text)
                    changes.update(repair.changes)
                offer_person = True
        if repair is None:
            # the extraction stored its reasons already in the buyer's language
            errors = tracker.get_slot("rfq_errors") or {}
            dispatcher.utter_message(text=errors.get(requested) or t("rfq.not_understood", lang))
        else:
            for message in repair.said:
                dispatcher.utter_message(text=localize(message, lang))
        if offer_person:
            _offer_person(dispatcher, lang)
        return changes

    @staticmethod
    def _check_moq(
        state: dict[str, Any], dispatcher: CollectingDispatcher, catalog: Any, lang: str
    ) -> dict[str, Any]:
        items = list(state.get("items") or [])
        for item in items:
            reason = rules.below_moq(item, catalog)
            if reason:
                dispatcher.utter_message(text=localize(reason, lang))
                items.remove(item)
                pending = {k: item.get(k) for k in ("description", "sku", "category")}
                return {"items": items, "product": pending}
        return {}

    @staticmethod
    def _check_date(
        state: dict[str, Any],
        dispatcher: CollectingDispatcher,
        catalog: Any,
        today: date,
        lang: str,
    ) -> dict[str, Any]:
        wanted = date.fromisoformat(state["required_by"])
        earliest = rules.earliest_date(state.get("items") or [], catalog, today)
        if wanted >= earliest:
            return {}
        days = rules.lead_time_days(state.get("items") or [], catalog)
        dispatcher.utter_message(
            text=t(
                "rfq.too_soon",
                lang,
                date=date_text(wanted, lang),
                days=number_text(days, lang),
                earliest=date_text(earliest, lang),
            )
        )
        return {"required_by": None}
