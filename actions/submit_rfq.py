"""Submitting and resetting the RFQ: the inquiry is written through sales.inquiries."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import runtime
from actions.rfq_form import kb_sku
from sales import inquiries
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.normalizers import quantity

RFQ_SLOTS = ("product", "quantity", "email")


def form_started_at(tracker: Tracker) -> float | None:
    """When the current RFQ form was activated: with the sender, the idempotency key."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == "rfq_form":
            return event.get("timestamp")
    return None


def draft_from(tracker: Tracker) -> InquiryDraft:
    product = tracker.get_slot("product")
    parsed = quantity.parse_quantity(tracker.get_slot("quantity") or "")
    if not product or not parsed.ok or parsed.value is None:
        raise ValueError("the RFQ is incomplete")
    amount, unit = parsed.value.amount, parsed.value.unit
    return InquiryDraft(
        session_id=tracker.sender_id,
        language="en",
        items=(
            ItemDraft(
                description=product, quantity=amount, unit=unit or "pcs", sku=kb_sku(product)
            ),
        ),
        buyer=BuyerDraft(email=tracker.get_slot("email")),
    )


def _reset() -> list[EventType]:
    return [SlotSet(slot, None) for slot in RFQ_SLOTS]


class ActionSubmitRfq(Action):
    def name(self) -> str:
        return "action_submit_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            draft = draft_from(tracker)
        except ValueError:
            dispatcher.utter_message(
                text="I'm missing some details of your request; let's go through them again."
            )
            return _reset()
        started = form_started_at(tracker)
        key = f"rfq:{tracker.sender_id}:{started}" if started is not None else None
        async with runtime.get().db.session() as db:
            inquiry, _created = await inquiries.create(db, draft=draft, idempotency_key=key)
        dispatcher.utter_message(
            text=(
                f"Thank you! Your request is registered as {inquiry.reference}. Our sales team "
                f"will send the quotation to {inquiry.email}. Please quote {inquiry.reference} "
                "in any follow-up."
            )
        )
        return [*_reset(), SlotSet("last_inquiry", inquiry.reference)]


class ActionResetRfq(Action):
    def name(self) -> str:
        return "action_reset_rfq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return _reset()
