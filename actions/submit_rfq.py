"""The RFQ's end: the summary with confirm / change / cancel, submission, reset; and the
answer to "why do you need this?"."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.rfq_extract import slot_state
from sales.rfq import submission
from sales.rfq.state import DRAFT_SLOTS, summary

log = logging.getLogger(__name__)

SUMMARY_BUTTONS = [
    {"title": "Confirm and send", "payload": "/affirm"},
    {"title": "Change something", "payload": "/rfq_edit"},
    {"title": "Cancel", "payload": "/stop"},
]
WHY = {
    "product": "we want to quote the right model (a description is fine if you don't know it)",
    "quantity": "prices depend on quantity tiers, and each product has a minimum order quantity",
    "destination": "freight, duties and the certifications you need depend on the destination",
    "incoterm": "it decides which costs and risks the quotation includes (FOB, CIF, DDP...)",
    "required_by": "we check it against our production lead time before we promise anything",
    "certifications": "each market needs its own marks (CE, UKCA, UL...)",
    "payment_terms": "the payment terms are part of the offer and can change the price",
    "sample_requested": "samples are made and shipped separately, before the order",
    "business_type": "distributors, contractors and end users get different terms and support",
    "company": "the quotation is addressed to your company",
    "contact_name": "our sales engineer needs to know whom to contact",
    "email": "we send the quotation there; we never share your address",
}


def _reset_draft() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (*DRAFT_SLOTS, "rfq_errors", "rfq_failures")]


class ActionRfqSummary(Action):
    def name(self) -> str:
        return "action_rfq_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=summary(slot_state(tracker)) + "\n\nShall I send it to our sales team?",
            buttons=SUMMARY_BUTTONS,
        )
        return []


class ActionSubmitRfq(Action):
    def name(self) -> str:
        return "action_submit_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        state = slot_state(tracker)
        if not state.get("items") or not state.get("email"):
            dispatcher.utter_message(
                text="There is no complete request to send yet. Tell me what you need and I'll "
                "prepare it."
            )
            return []
        rt = runtime.get()
        result = await submission.submit(
            rt.db,
            slots=state,
            session_id=tracker.sender_id,
            language=tracker.get_slot("language"),
            idempotency_key=f"rfq:{tracker.sender_id}:{state.get('rfq_id') or 'none'}",
            today=rt.today(),
            catalog=rt.kb,
            book=rt.price_book,
            pdf_link=rt.pdf_link,
        )
        log.info("inquiry submitted", extra={"reference": result.inquiry, "quote": result.quote})
        for text, buttons in result.messages:
            dispatcher.utter_message(text=text, buttons=buttons)
        return [
            *_reset_draft(),
            SlotSet("last_inquiry", result.inquiry),
            SlotSet("last_quote", result.quote),
        ]


class ActionAcceptQuote(Action):
    def name(self) -> str:
        return "action_accept_quote"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reference = tracker.get_slot("last_quote")
        if not reference:
            dispatcher.utter_message(text="There is no quotation to accept in this conversation.")
            return []
        text = await submission.accept(
            runtime.get().db, reference=reference, session_id=tracker.sender_id
        )
        dispatcher.utter_message(text=text)
        return []


class ActionQuotePdf(Action):
    def name(self) -> str:
        return "action_quote_pdf"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reference = tracker.get_slot("last_quote")
        rt = runtime.get()
        if not reference or rt.pdf_link is None:
            dispatcher.utter_message(
                text="There is no quotation in this conversation yet; once it is ready I'll "
                "give you its PDF."
            )
            return []
        dispatcher.utter_message(text=f"Here is the PDF of {reference}: {rt.pdf_link(reference)}")
        return []


class ActionResetRfq(Action):
    def name(self) -> str:
        return "action_reset_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return _reset_draft()


class ActionExplainWhy(Action):
    def name(self) -> str:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reason = WHY.get(tracker.get_slot("requested_slot") or "")
        dispatcher.utter_message(
            text=f"I ask because {reason}." if reason else "I only ask for what a quotation needs."
        )
        return []
