"""The RFQ form: which field to ask next, business checks (MOQ, achievable date), and what to
say when an answer cannot be read. The facts themselves come from action_extract_rfq_facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.rfq_extract import NOT_FACTS, QUESTION, slot_state
from sales.normalizers import human_date
from sales.rfq import rules
from sales.rfq.state import contact_line, missing

MAX_FAILURES = 3
# In the order a person would give them.
CONTACT_LABELS = {"contact_name": "your name", "company": "your company", "email": "your email"}


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


def _offer_person(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(
        text="This doesn't seem to work well in chat. Would you like a colleague from our sales "
        "team to help you?",
        buttons=[
            {"title": "Talk to a person", "payload": "/request_human"},
            {"title": "No, let's go on", "payload": "/deny"},
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
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        recent = set_since_user_message(tracker)
        state = slot_state(tracker)
        if (intent in NOT_FACTS or intent == QUESTION) and not recent:
            # after a side question (answered by its rule): go on with the open question
            todo = missing(state)
            return [SlotSet("requested_slot", todo[0] if todo else None)]
        rt = runtime.get()
        changes: dict[str, Any] = {}
        if "items" in recent and rt.kb is not None:
            changes.update(self._check_moq(state, dispatcher, rt.kb))
        if "required_by" in recent and state.get("required_by") and rt.kb is not None:
            changes.update(self._check_date(state, dispatcher, rt.kb, rt.today()))
        state.update(changes)

        requested = tracker.get_slot("requested_slot")
        if requested and state.get(requested) is None:
            errors = tracker.get_slot("rfq_errors") or {}
            if requested in errors or not recent:
                if requested in errors:
                    dispatcher.utter_message(text=errors[requested])
                failures = dict(tracker.get_slot("rfq_failures") or {})
                failures[requested] = failures.get(requested, 0) + 1
                changes["rfq_failures"] = failures
                if failures[requested] == MAX_FAILURES:
                    _offer_person(dispatcher)
        todo = missing(state)
        events = [SlotSet(name, value) for name, value in changes.items()]
        return [*events, SlotSet("requested_slot", todo[0] if todo else None)]

    @staticmethod
    def _check_moq(
        state: dict[str, Any], dispatcher: CollectingDispatcher, catalog: Any
    ) -> dict[str, Any]:
        items = list(state.get("items") or [])
        for item in items:
            reason = rules.below_moq(item, catalog)
            if reason:
                dispatcher.utter_message(text=reason)
                items.remove(item)
                pending = {k: item.get(k) for k in ("description", "sku", "category")}
                return {"items": items, "product": pending}
        return {}

    @staticmethod
    def _check_date(
        state: dict[str, Any], dispatcher: CollectingDispatcher, catalog: Any, today: date
    ) -> dict[str, Any]:
        wanted = date.fromisoformat(state["required_by"])
        earliest = rules.earliest_date(state.get("items") or [], catalog, today)
        if wanted >= earliest:
            return {}
        days = rules.lead_time_days(state.get("items") or [], catalog)
        dispatcher.utter_message(
            text=f"{human_date(wanted)} is too soon: our production lead time is {days} days, so "
            f"the earliest date we can have the goods ready is {human_date(earliest)}."
        )
        return {"required_by": None}


class ActionAskContactConfirmed(Action):
    def name(self) -> str:
        return "action_ask_contact_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        details = contact_line(slot_state(tracker))
        dispatcher.utter_message(
            text=f"Shall I use the same contact details as before: {details}?",
            buttons=[
                {"title": "Yes", "payload": "yes"},
                {"title": "No, new details", "payload": "no"},
            ],
        )
        return []


class ActionAskQuantity(Action):
    def name(self) -> str:
        return "action_ask_quantity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        product = tracker.get_slot("product") or {}
        what = product.get("sku") or product.get("description") or "them"
        dispatcher.utter_message(text=f"How many {what} do you need? (for example 5,000 pcs)")
        return []


class _AskContact(Action):
    """One question for every contact detail still missing; then one at a time."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        wanted = [label for s, label in CONTACT_LABELS.items() if tracker.get_slot(s) is None]
        phone = tracker.get_slot("phone") is None and not tracker.get_slot("phone_declined")
        if len(wanted) > 1:
            listed = ", ".join(wanted[:-1]) + " and " + wanted[-1]
            extra = " (and a phone number if you like)" if phone else ""
            text = f"Who should we address the quotation to? Please give {listed}{extra}."
        else:
            text = {
                "contact_name": "And your name, please?",
                "company": "Which company are you with?",
                "email": "To which email address should we send the quotation?",
            }[self.slot]
        dispatcher.utter_message(text=text)
        return []


class ActionAskCompany(_AskContact):
    slot = "company"


class ActionAskContactName(_AskContact):
    slot = "contact_name"


class ActionAskEmail(_AskContact):
    slot = "email"
