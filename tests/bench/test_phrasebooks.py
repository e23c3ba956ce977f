"""Every language's personas and keyword table: the persona files load and validate, each
language has enough personas, and each keyword table recognises the bot's own questions as the
message catalog words them (i18n/messages/<lang>/: utter_ask_* responses and the RFQ
form's questions, grouped questions, checks and summary)."""

from __future__ import annotations

import string
from functools import cache
from itertools import combinations
from typing import Any

import pytest

from actions.rfq_questions import grouped_question
from bench.simulated_buyer import (
    Fact,
    Persona,
    Phrasebook,
    SimulatedBuyer,
    fold,
    load_personas,
    load_phrasebook,
    match_button,
)
from i18n import response, t
from i18n.catalog import catalog
from sales.rfq.state import QUESTION_GROUPS

LANGUAGES = ("en", "es", "de", "zh", "pt", "fr")
NEW_LANGUAGES = LANGUAGES[1:]
MIN_PERSONAS = 5
SINGLE_QUESTIONS = (
    "product",
    "destination",
    "incoterm",
    "required_by",
    "certifications",
    "payment_terms",
    "sample_requested",
    "business_type",
    "contact_name",
    "company",
    "email",
)
CONTACT = QUESTION_GROUPS[-1]


def book(lang: str) -> Phrasebook:
    return load_phrasebook(lang)


@cache
def _all_personas() -> tuple[Persona, ...]:
    return tuple(load_personas())


def personas_of(lang: str | None = None) -> tuple[Persona, ...]:
    """Every language's personas (or one's); the files are read once for the whole module."""
    return tuple(p for p in _all_personas() if lang is None or p.language == lang)


# --------------------------------------------------------------------------- personas


@pytest.mark.parametrize("lang", NEW_LANGUAGES)
def test_each_language_has_its_personas(lang: str) -> None:
    personas = personas_of(lang)
    assert len(personas) >= MIN_PERSONAS
    for persona in personas:
        assert persona.language == lang
        assert persona.name.startswith(f"{lang}-"), persona.name
        for fact in ("items[0].product", "items[0].quantity", "email", "destination", "incoterm"):
            assert persona.fact(fact) is not None, (persona.name, fact)
    # the mix the benchmark is meant to cover, in every language
    assert any(len(p.items) > 1 for p in personas)
    assert {e.kind for p in personas for e in p.events} == {"correction", "side_question"}
    assert any(len(p.opening_states) >= 4 for p in personas)


def test_all_persona_files_load_with_unique_names() -> None:
    personas = personas_of()
    assert {p.language for p in personas} == set(LANGUAGES)
    assert len({p.name for p in personas}) == len(personas)


@pytest.mark.parametrize("lang", NEW_LANGUAGES)
def test_personas_speak_their_language(lang: str) -> None:
    """An opening in the language's script and words, not English."""
    english = {"please", "need", "quote", "quotation", "we", "the", "and", "for"}
    for persona in personas_of(lang):
        words = set(fold(persona.opening).split())
        assert len(words & english) <= 1, (persona.name, words & english)
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in persona.opening), persona.name


# --------------------------------------------------------------------------- the bot's questions


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slot", SINGLE_QUESTIONS)
def test_single_questions_are_recognised(lang: str, slot: str) -> None:
    question = response(f"utter_ask_{slot}", lang)
    assert book(lang).classify(question["text"]) == slot, question["text"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quantity_questions_are_recognised(lang: str) -> None:
    phrasebook = book(lang)
    assert phrasebook.classify(t("rfq.ask_quantity", lang)) == "quantity"
    for product in ("PNL-6060-40W", "HB-UFO-150W"):
        assert phrasebook.classify(t("rfq.ask_quantity_of", lang, product=product)) == "quantity"


def _group_cases() -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(language, slot asked, the other missing fields of its group, phone missing too)."""
    cases = []
    for lang in LANGUAGES:
        for group in QUESTION_GROUPS:
            for slot in group:
                others = [f for f in group if f != slot]
                for n in range(1, len(others) + 1):
                    for missing in combinations(others, n):
                        for phone in (True, False) if group == CONTACT else (False,):
                            cases.append((lang, slot, missing, phone))
    return cases


@pytest.mark.parametrize(("lang", "slot", "missing", "phone"), _group_cases())
def test_grouped_questions_are_recognised_with_every_field(
    lang: str, slot: str, missing: tuple[str, ...], phone: bool
) -> None:
    group = next(g for g in QUESTION_GROUPS if slot in g)
    state: dict[str, Any] = dict.fromkeys(group, "given") | dict.fromkeys(missing)
    state["phone"] = None if phone else "+49401234567"
    question = grouped_question(slot, state, lang)
    assert question is not None
    phrasebook = book(lang)
    kind = phrasebook.classify(question)
    asked = {slot, *missing} | ({"phone"} if phone else set())
    if "incoterm" in group:  # no product has a target price yet: it is asked with the terms
        asked.add("target_price")
    assert kind in asked, question
    together = set(phrasebook.asked_together(kind, question))
    if lang == "en":  # "Who should we address the quotation to?" counts as asking the name too
        assert together - asked <= {"contact_name"}, question
        assert together >= asked, question
    else:
        assert together == asked, question


@pytest.mark.parametrize("lang", NEW_LANGUAGES)
def test_checks_ask_again_what_was_just_answered(lang: str) -> None:
    phrasebook = book(lang)
    too_soon = t("rfq.too_soon", lang, date="1.1.2027", days="30", earliest="2.2.2027")
    assert phrasebook.classify(too_soon, expecting="required_by") == "required_by"
    below_moq = t("rfq.below_moq", lang, sku="PNL-6060-40W", quantity="200")
    assert phrasebook.classify(below_moq, expecting="quantity") == "quantity"


# The reader's and the normalisers' messages that ask for the answer again, by the fact asked.
ASKED_AGAIN = {
    "quantity": (
        "quantity.empty",
        "quantity.too_long",
        "quantity.write_out",
        "quantity.range",
        "quantity.unreadable",
        "quantity.whole_units",
        "quantity.unknown_unit",
        "reader.how_many",
    ),
    "required_by": ("date.empty", "date.too_long", "date.unreadable", "date.past", "date.too_soon"),
    "destination": ("destination.empty", "destination.unknown", "destination.unknown_suggest"),
    "incoterm": (
        "incoterm.empty",
        "incoterm.too_long",
        "incoterm.unknown",
        "incoterm.door_to_door",
    ),
    "payment_terms": (
        "payment.empty",
        "payment.too_long",
        "payment.unreadable",
        "payment.split_unclear",
        "payment.percent_total",
    ),
    "business_type": ("business.empty", "business.unreadable", "business.too_long"),
    "certifications": ("certifications.empty", "certifications.too_long"),
    "email": ("email.empty", "email.too_long", "email.invalid", "reader.email_wrong"),
    "phone": (
        "phone.empty",
        "phone.country_code",
        "phone.too_short",
        "phone.invalid_in",
        "reader.phone_wrong",
    ),
    "company": ("company_name.empty", "company_name.too_short", "company_name.unreadable"),
    "contact_name": ("person_name.empty", "person_name.too_short", "person_name.unreadable"),
    "product": ("reader.product_unclear",),
}


def _validation(key: str, lang: str) -> str:
    """A validation message with its placeholders filled."""
    template = catalog(lang).get(f"validation.{key}") or catalog("en")[f"validation.{key}"]
    params = {name: "XYZ" for _, name, _, _ in string.Formatter().parse(template) if name}
    if "accepted" in params:
        params["accepted"] = t("validation.payment.accepted", lang)
    if "choices" in params and key.startswith("business."):
        params["choices"] = t("validation.business.choices", lang)
    if "reason" in params and key.startswith("email."):
        params["reason"] = t("validation.email.reason.no_at", lang)
    return t(f"validation.{key}", lang, **params)


@pytest.mark.parametrize("lang", NEW_LANGUAGES)
@pytest.mark.parametrize(
    ("kind", "key"), [(kind, key) for kind, keys in ASKED_AGAIN.items() for key in keys]
)
def test_an_answer_the_bot_could_not_take_is_asked_again(lang: str, kind: str, key: str) -> None:
    text = _validation(key, lang)
    assert book(lang).classify(text, expecting=kind) == kind, text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_greetings_and_offers_ask_for_no_fact(lang: str) -> None:
    phrasebook = book(lang)
    for name in ("utter_greet", "utter_default", "utter_help", "utter_assistant_back"):
        assert phrasebook.classify(response(name, lang)["text"]) is None, name
    assert phrasebook.classify(t("rfq.offer_person", lang)) is None
    assert phrasebook.classify(t("rfq.not_understood", lang)) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_summary_is_recognised_by_its_question_and_its_button(lang: str) -> None:
    phrasebook = book(lang)
    if lang != "en":  # the English table knows the summary by its button only
        assert phrasebook.classify(t("rfq.summary.confirm", lang)) == "summary"
    assert phrasebook.is_confirm(t("rfq.button.confirm_and_send", lang))
    others = [
        t(f"rfq.button.{name}", lang)
        for name in (
            "change_something",
            "cancel",
            "talk_to_person",
            "go_on",
            "same_contact",
            "new_contact",
        )
    ]
    for name in SINGLE_QUESTIONS:
        others += [b["title"] for b in response(f"utter_ask_{name}", lang)["buttons"]]
    others += [b["title"] for b in response("utter_greet", lang)["buttons"]]
    assert [o for o in others if phrasebook.is_confirm(o)] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rfq_button_is_clicked_by_its_title(lang: str) -> None:
    buttons = response("utter_default", lang)["buttons"]
    chosen = match_button(buttons, book(lang).start_titles, book(lang).word_boundaries)
    assert chosen is not None and chosen["payload"] == "/request_quote"


# --------------------------------------------------------------------------- buttons


def _payload_of(lang: str, slot: str, kind: str, value: Any) -> str | None:
    """The payload of the button the buyer of ``lang`` clicks for ``value``."""
    persona = personas_of("en")[0]
    buyer = SimulatedBuyer(persona, lambda text, payload: [], phrasebook=book(lang))
    fact = Fact(say="-", expect=value)
    chosen = buyer.choose_button(kind, fact, response(f"utter_ask_{slot}", lang)["buttons"])
    return None if chosen is None else chosen["payload"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("code", "payload"), [("TT", "T/T"), ("LC", "L/C at sight"), ("OA", "open account")]
)
def test_payment_buttons_are_clicked_by_their_title(lang: str, code: str, payload: str) -> None:
    assert _payload_of(lang, "payment_terms", "payment_terms", code) == payload


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("code", "payload"),
    [
        ("importer", "importer"),
        ("distributor", "distributor"),
        ("wholesaler", "wholesaler"),
        ("contractor", "contractor"),
        ("retailer", "retailer"),
        ("end_user", "end user"),
    ],
)
def test_business_type_buttons_are_clicked_by_their_title(
    lang: str, code: str, payload: str
) -> None:
    assert _payload_of(lang, "business_type", "business_type", code) == payload


@pytest.mark.parametrize("lang", LANGUAGES)
def test_yes_and_no_buttons(lang: str) -> None:
    assert _payload_of(lang, "sample_requested", "sample_requested", True) == "yes"
    assert _payload_of(lang, "sample_requested", "sample_requested", False) == "no"
    assert _payload_of(lang, "incoterm", "incoterm", "DDP") == "DDP"
