"""The form's question for the slot it asks next (actions/rfq_questions.py), and
validate_rfq_form asking it in the call that validates the answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.rfq_form import ValidateRfqForm
from actions.rfq_questions import Question, question
from i18n import LANGUAGES
from sales.rfq.state import PENDING_QUANTITY

from .conftest import tracker
from .test_rfq_form import DOMAIN, _slots

TUBES = {"description": "LED tubes", "sku": "T8-G-1200-18W", "quantity": "5000", "unit": "pcs"}
FLOODS = {"description": "floodlights", "sku": "FL-SL-100W", "quantity": "300", "unit": "pcs"}
PANEL = {
    "description": "panel",
    "sku": "PNL-6060-40W",
    "category": "panel",
    "quantity": "500",
    "unit": "pcs",
    "target_price": None,
}
# everything but the buyer's email
ALMOST = {
    "items": [PANEL],
    "destination": {"country": "DE", "place": "Hamburg"},
    "required_by": "2027-03-15",
    "incoterm": "FOB",
    "payment_terms": "TT",
    "sample_requested": False,
    "certifications": ["CE"],
    "contact_name": "Jana Weber",
    "company": "Nordlicht GmbH",
    "business_type": "importer",
    "phone_declined": True,
}


def _text(asked: Question | None) -> str:
    assert asked is not None and asked.text is not None
    return asked.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_which_product_names_the_count_and_every_product(lang: str) -> None:
    state = {"items": [TUBES, FLOODS], PENDING_QUANTITY: {"quantity": "2500", "unit": "pcs"}}
    text = _text(question(PENDING_QUANTITY, state, lang))
    assert "T8-G-1200-18W" in text and "FL-SL-100W" in text
    assert re.search(r"2\D?500", text)  # in the language's number format


def test_questions_in_french() -> None:
    assert _text(question("quantity", {"product": {"sku": "FL-SL-100W"}}, "fr")) == (
        "De combien de FL-SL-100W avez-vous besoin ? (par exemple 5\u202f000 pièces)"
    )
    assert _text(question("quantity", {}, "fr")).startswith("De quelle quantité avez-vous besoin ?")
    assert _text(question("destination", {}, "fr")) == (
        "Où faut-il livrer la marchandise (un port ou une ville et le pays) et pour quand en "
        "avez-vous besoin ?"
    )


def test_english_quantity_question_without_a_product() -> None:
    assert _text(question("quantity", {}, "en")) == "How many do you need? (for example 5,000 pcs)"


def test_reuse_contact_question_in_german_keeps_canonical_payloads() -> None:
    state = {"contact_name": "Jana Weber", "email": "jana@example.de"}
    asked = question("contact_confirmed", state, "de")
    assert _text(asked) == (
        "Soll ich dieselben Kontaktdaten wie beim letzten Mal verwenden: "
        "Jana Weber, jana@example.de?"
    )
    assert asked is not None
    assert [(b["title"], b["payload"]) for b in asked.buttons] == [
        ("Ja", "yes"),
        ("Nein, neue Daten", "no"),
    ]


def test_a_field_alone_or_without_a_group_is_its_catalog_response() -> None:
    # the product and the certifications have no question of ours; a group's last missing
    # field is asked alone, with the buttons of its response
    assert question("product", {}, "en") == Question(response="utter_ask_product")
    assert question("certifications", {}, "en") == Question(response="utter_ask_certifications")
    terms_but_one = {"incoterm": "FOB", "payment_terms": "TT"}
    assert question("sample_requested", terms_but_one, "en") == Question(
        response="utter_ask_sample_requested"
    )
    assert "Incoterm" in _text(question("incoterm", {}, "en"))  # the whole group


def test_the_items_are_not_asked() -> None:
    assert question("items", {}, "en") is None


async def test_the_validation_asks_the_next_question_after_its_messages(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    slots = {"language": "de", "requested_slot": "destination", "product": None, "items": [PANEL]}
    events = await ValidateRfqForm().run(
        dispatcher, tracker(text="nach Hamburg", slots=slots), DOMAIN
    )
    changed = _slots(events)
    assert changed["destination"]["place"] == "Hamburg"
    assert changed["requested_slot"] == "required_by"
    last = dispatcher.messages[-1]
    # the single missing field of its group: its response, rendered by the engine in German
    assert (last["response"], last["language"]) == ("utter_ask_required_by", "de")


async def test_a_complete_form_asks_nothing(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    slots: dict[str, Any] = {**ALMOST, "requested_slot": "email"}
    events = await ValidateRfqForm().run(
        dispatcher, tracker(text="jana@nordlicht.de", slots=slots), DOMAIN
    )
    changed = _slots(events)
    assert changed["email"] == "jana@nordlicht.de" and changed["requested_slot"] is None
    assert dispatcher.messages == []
