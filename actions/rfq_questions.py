"""The RFQ form's question for the slot it asks next, in the buyer's language.

validate_rfq_form decides the next slot and asks it in the same webhook call (Rasa's form finds
no `action_ask_<slot>` or `utter_ask_<slot>` in the domain, so it asks nothing itself): one call
a form turn instead of one to validate and one to ask. What is asked:

- which product a count correction is for ("Which product should the 2,500 pcs be for: ...?");
- the quantity, of the product being asked about when there is one;
- on a second request, whether the contact details stay the same (with two buttons);
- a field with others of its group still missing: one question for all of them
  ("Where should the goods go and by when?"), the target price with the terms;
- any other slot of the form: its `utter_ask_<slot>` response from the message catalog
  (i18n/messages/<lang>/responses.yaml), rendered by the engine's catalog NLG;
- the items (complete by themselves, never asked): nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from i18n import t
from i18n.formatting import listed
from sales.rfq import fields
from sales.rfq.domain import required_slots
from sales.rfq.formats import ItemChoices, QuantityText
from sales.rfq.state import PENDING_QUANTITY, contact_line, still_missing_with

# Asked with a question of ours, or (the items) not asked.
OWN_QUESTION = frozenset({PENDING_QUANTITY, "quantity", "contact_confirmed"})
NOT_ASKED = frozenset({"items"})
# The catalog responses the form asks with (tests/bot/test_rasa.py: in every language).
RESPONSES = frozenset(
    f"utter_ask_{slot}" for slot in required_slots() if slot not in OWN_QUESTION | NOT_ASKED
)
CONTACT = fields.group_of("contact_name")
TERMS = fields.group_of("incoterm")


@dataclass(frozen=True)
class Question:
    """A text of ours (with buttons), or a catalog response the engine renders."""

    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    response: str | None = None


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def grouped_question(slot: str, state: Mapping[str, Any], lang: str = "en") -> str | None:
    """One question for every missing field of ``slot``'s group, or None for a single one."""
    missing = still_missing_with(slot, state)
    if len(missing) < 2:
        return None
    if slot in TERMS and not any(i.get("target_price") for i in state.get("items") or []):
        # the target price: optional, asked once with the terms (a price given in passing
        # anywhere is read on its own)
        missing = [*missing, "target_price"]
    listed_fields = listed([t(f"rfq.asked_as.{f}", lang) for f in missing], lang)
    if slot in CONTACT:
        phone = state.get("phone") is None and not state.get("phone_declined")
        key = "rfq.ask_contact_with_phone" if phone else "rfq.ask_contact"
        return t(key, lang, fields=listed_fields)
    return t("rfq.ask_group", lang, fields=_capitalised(listed_fields))


def _pending_quantity(state: Mapping[str, Any], lang: str) -> Question:
    pending = state.get(PENDING_QUANTITY) or {}
    quantity = QuantityText(pending.get("quantity") or 0, pending.get("unit"))
    items = ItemChoices(state.get("items") or [])
    return Question(
        text=t(
            "rfq.repair.which_item",
            lang,
            quantity=quantity.render(lang),
            items=items.render(lang),
        )
    )


def _quantity(state: Mapping[str, Any], lang: str) -> Question:
    product = state.get("product") or {}
    what = product.get("sku") or product.get("description")
    text = t("rfq.ask_quantity_of", lang, product=what) if what else t("rfq.ask_quantity", lang)
    return Question(text=text)


def _contact_confirmed(state: Mapping[str, Any], lang: str) -> Question:
    return Question(
        text=t("rfq.reuse_contact", lang, details=contact_line(state, lang)),
        buttons=[
            {"title": t("rfq.button.same_contact", lang), "payload": "yes"},
            {"title": t("rfq.button.new_contact", lang), "payload": "no"},
        ],
    )


def question(slot: str, state: Mapping[str, Any], lang: str) -> Question | None:
    """What the form says to ask for ``slot`` when the RFQ's slots are ``state``."""
    if slot == PENDING_QUANTITY:
        return _pending_quantity(state, lang)
    if slot == "quantity":
        return _quantity(state, lang)
    if slot == "contact_confirmed":
        return _contact_confirmed(state, lang)
    if (text := grouped_question(slot, state, lang)) is not None:
        return Question(text=text)
    name = f"utter_ask_{slot}"
    return Question(response=name) if name in RESPONSES else None


def ask(dispatcher: CollectingDispatcher, slot: str, state: Mapping[str, Any], lang: str) -> None:
    """Say the question for ``slot`` (nothing for a slot without one)."""
    asked = question(slot, state, lang)
    if asked is None:
        return
    if asked.response is not None:
        # rendered by the engine in ``lang``: the language slot may change in this very call
        dispatcher.utter_message(response=asked.response, language=lang)
    else:
        dispatcher.utter_message(text=asked.text, buttons=asked.buttons)
