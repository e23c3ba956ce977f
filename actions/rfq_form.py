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
from actions.answers import answer_question
from actions.asides import ASIDES, intent_of
from actions.language import language
from actions.rfq_extract import (
    BOOKKEEPING,
    NOT_FACTS,
    QUESTION,
    answers_discard_question,
    set_since_user_message,
    slot_state,
)
from i18n import localize, t
from i18n.formatting import date_text, listed, number_text
from i18n.lexicon import is_decline
from sales import handoff, rfq_drafts
from sales.rfq import fields, repairs, rules
from sales.rfq.extract import is_question
from sales.rfq.formats import ItemChoices, QuantityText
from sales.rfq.state import PENDING_QUANTITY, contact_line, missing, still_missing_with

PERSON = "request_human"
STOP = "stop"


def answered_since_user_message(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_answer_question":
            return True
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


class ActionAskContactConfirmed(Action):
    def name(self) -> str:
        return "action_ask_contact_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        details = contact_line(slot_state(tracker), lang)
        dispatcher.utter_message(
            text=t("rfq.reuse_contact", lang, details=details),
            buttons=[
                {"title": t("rfq.button.same_contact", lang), "payload": "yes"},
                {"title": t("rfq.button.new_contact", lang), "payload": "no"},
            ],
        )
        return []


class ActionAskQuantity(Action):
    def name(self) -> str:
        return "action_ask_quantity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        product = tracker.get_slot("product") or {}
        what = product.get("sku") or product.get("description")
        text = t("rfq.ask_quantity_of", lang, product=what) if what else t("rfq.ask_quantity", lang)
        dispatcher.utter_message(text=text)
        return []


class ActionAskRfqPendingQuantity(Action):
    """ "Which product should the 2,500 pcs be for: PNL-6060-40W (5,000 pcs) or ...?" """

    def name(self) -> str:
        return f"action_ask_{PENDING_QUANTITY}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        lang = language(tracker)
        pending = tracker.get_slot(PENDING_QUANTITY) or {}
        items = tracker.get_slot("items") or []
        quantity = QuantityText(pending.get("quantity") or 0, pending.get("unit"))
        text = t(
            "rfq.repair.which_item",
            lang,
            quantity=quantity.render(lang),
            items=ItemChoices(items).render(lang),
        )
        dispatcher.utter_message(text=text)
        return []


CONTACT = fields.group_of("contact_name")
TERMS = fields.group_of("incoterm")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def grouped_question(slot: str, state: dict[str, Any], lang: str = "en") -> str | None:
    """One question for every missing field of ``slot``'s group, or None for a single one."""
    fields = still_missing_with(slot, state)
    if len(fields) < 2:
        return None
    if slot in TERMS and not any(i.get("target_price") for i in state.get("items") or []):
        # the target price: optional, asked once with the terms (a price given in passing
        # anywhere is read on its own)
        fields = [*fields, "target_price"]
    listed_fields = listed([t(f"rfq.asked_as.{f}", lang) for f in fields], lang)
    if slot in CONTACT:
        phone = state.get("phone") is None and not state.get("phone_declined")
        key = "rfq.ask_contact_with_phone" if phone else "rfq.ask_contact"
        return t(key, lang, fields=listed_fields)
    return t("rfq.ask_group", lang, fields=_capitalised(listed_fields))


class _AskGrouped(Action):
    """Asks for ``slot`` together with the rest of its group that is still missing; a single
    missing field gets its own question (with buttons where the choices are few)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = grouped_question(self.slot, slot_state(tracker), language(tracker))
        if text is None:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        else:
            dispatcher.utter_message(text=text)
        return []


class ActionAskDestination(_AskGrouped):
    slot = "destination"


class ActionAskRequiredBy(_AskGrouped):
    slot = "required_by"


class ActionAskIncoterm(_AskGrouped):
    slot = "incoterm"


class ActionAskPaymentTerms(_AskGrouped):
    slot = "payment_terms"


class ActionAskSampleRequested(_AskGrouped):
    slot = "sample_requested"


class ActionAskCompany(_AskGrouped):
    slot = "company"


class ActionAskContactName(_AskGrouped):
    slot = "contact_name"


class ActionAskEmail(_AskGrouped):
    slot = "email"


class ActionAskBusinessType(_AskGrouped):
    slot = "business_type"
