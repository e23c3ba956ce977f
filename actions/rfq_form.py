"""Validation of the RFQ form's slots: thin, the rules live in sales.normalizers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import runtime
from sales.normalizers import contact, quantity

MAX_PRODUCT_TEXT = 300


def _format_quantity(amount: Any, unit: str | None) -> str:
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,}"
    return f"{number} {unit or 'pcs'}"


class ValidateRfqForm(FormValidationAction):
    def name(self) -> str:
        return "validate_rfq_form"

    async def validate_product(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(text) < 2:
            dispatcher.utter_message(text="Could you name the product or its model number?")
            return {"product": None}
        if len(text) > MAX_PRODUCT_TEXT:
            dispatcher.utter_message(
                text=f"Please describe the product in at most {MAX_PRODUCT_TEXT} characters."
            )
            return {"product": None}
        return {"product": text}

    async def validate_quantity(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        parsed = quantity.parse_quantity(str(value or ""))
        if not parsed.ok or parsed.value is None:
            dispatcher.utter_message(text=parsed.error or "How many pieces do you need?")
            return {"quantity": None}
        return {"quantity": _format_quantity(parsed.value.amount, parsed.value.unit)}

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        parsed = contact.parse_email(str(value or ""))
        if not parsed.ok:
            dispatcher.utter_message(text=parsed.error or "That email address looks invalid.")
            return {"email": None}
        return {"email": parsed.value}


def kb_sku(text: str) -> str | None:
    """The catalog SKU named in the buyer's words, if the knowledge base knows one."""
    kb = runtime.get().kb
    if kb is None:
        return None
    skus = kb.find_skus(text)
    return skus[0] if skus else None
