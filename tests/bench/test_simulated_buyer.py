"""The simulated buyer of bench/rfq_personas.py: question matching, buttons, personas,
scoring, and whole conversations against a fake bot (no engine needed)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from bench.simulated_buyer import (
    MAX_TURNS,
    Fact,
    PersonaError,
    SimulatedBuyer,
    fold,
    load_personas,
    load_phrasebook,
    match_button,
    percentile,
    persona_from_dict,
    question_parts,
    resolve_date,
    score,
)

EN = load_phrasebook("en")


# --------------------------------------------------------------------------- question matching


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        (
            "Which product would you like a quotation for? A model number (for example "
            "PNL-6060-40W) or a short description is fine.",
            "product",
        ),
        ("What model are you interested in?", "product"),
        ("How many do you need? (for example 5,000 pcs)", "quantity"),
        ("What quantity would you like?", "quantity"),
        ("To which email address should we send the quotation?", "email"),
        ("Please confirm your e-mail address?", "email"),
        ("And a phone or WhatsApp number we can reach you on?", "phone"),
        ("What's the name of your company?", "company"),
        ("What is your company name?", "company"),
        ("May I have your name?", "contact_name"),
        ("Who is the contact person?", "contact_name"),
        ("Are you an importer, distributor, retailer or end user?", "business_type"),
        ("What type of business are you?", "business_type"),
        ("Which Incoterm do you prefer?", "incoterm"),
        ("Would you like FOB or CIF pricing?", "incoterm"),
        ("What delivery terms do you need?", "incoterm"),
        ("Which payment terms do you prefer?", "payment_terms"),
        ("How would you like to pay?", "payment_terms"),
        ("Would you like a sample before the order?", "sample_requested"),
        ("Do you need samples first?", "sample_requested"),
        ("Which certifications do you need?", "certifications"),
        ("Do you need CE or UL?", "certifications"),
        ("Do you have a target price?", "target_price"),
        ("What is your budget per piece?", "target_price"),
        ("When do you need the goods?", "required_by"),
        ("By when do you need them delivered?", "required_by"),
        ("What's your deadline?", "required_by"),
        ("Where should we deliver the goods?", "destination"),
        ("Which port should we ship to?", "destination"),
        ("What is the destination country and port?", "destination"),
        ("Would you like to add another product?", "add_item"),
        ("Anything else we should know, e.g. packaging?", "notes"),
        ("Any special requirements?", "notes"),
        (
            "Here is your request:\n- Product: PNL-6060-40W\n- Quantity: 5,000 pcs\n"
            "- Email: a@b.example\n\nShall I submit it to our sales team?",
            "summary",
        ),
        ("Is everything correct?", "summary"),
        ("Hello and welcome! How can I help?", None),
        ("Sorry, I didn't quite understand that.", None),
    ],
)
def test_questions_are_matched_to_facts(question: str, kind: str | None) -> None:
    assert EN.classify(question) == kind


def test_the_last_question_counts_over_earlier_sentences() -> None:
    text = "Thanks, I've noted 5,000 pcs for the product. Which Incoterm do you prefer?"
    assert question_parts(text)[0] == "Which Incoterm do you prefer?"
    assert EN.classify(text) == "incoterm"
    # a validation message re-asking the fact just answered, without a question mark
    assert EN.classify("That email address looks invalid.", expecting="email") == "email"
    assert EN.classify("That email address looks invalid.", expecting="quantity") is None
    # a request without a question mark
    assert EN.classify("Got it. Please enter your email address.") == "email"


def test_statements_ask_nothing() -> None:
    answer = (
        "From our documentation: DL-SURF-R-24W Surface-mounted Round Downlight 24W. Aluminium "
        "body. Product type: downlight. (source: Product DL-SURF-R-24W)."
    )
    assert EN.classify(answer) is None
    assert EN.classify("Thanks, noted 5,000 pcs.") is None


def test_words_match_whole_words_only() -> None:
    assert EN.classify("Is that important to you?") is None  # "port" inside "important"
    assert EN.classify("Do you need a report?") is None
    assert EN.classify("Here is an example. Which model?") == "product"  # not "sample"


def test_confirm_titles() -> None:
    assert EN.is_confirm("Yes, submit")
    assert EN.is_confirm("Confirm")
    assert not EN.is_confirm("Yes")
    assert not EN.is_confirm("No, discard")


# --------------------------------------------------------------------------- buttons


def _buttons(*titles: str) -> list[dict[str, str]]:
    return [{"title": t, "payload": f"/choose{{{i}}}"} for i, t in enumerate(titles)]


def test_fold() -> None:
    assert fold("L/C at sight") == "lc at sight"
    assert fold("End-user") == "end user"
    assert fold("  Sí,  enviar ") == "si enviar"


def test_match_button_prefers_exact_then_prefix() -> None:
    buttons = _buttons("CIP", "CIF (cost, insurance, freight)", "FOB")
    assert match_button(buttons, ["CIF"])["title"].startswith("CIF")  # type: ignore[index]
    assert match_button(buttons, ["DDP"]) is None
    assert match_button(_buttons("Yes, please", "No"), ["no"])["title"] == "No"  # type: ignore[index]
    assert match_button(_buttons("None of these"), ["no"]) is None


def _buyer(raw: dict[str, Any] | None = None) -> SimulatedBuyer:
    persona = persona_from_dict(raw or _persona_raw())
    return SimulatedBuyer(persona, lambda text, payload: [])


def test_buttons_are_chosen_by_the_fact() -> None:
    buyer = _buyer()
    pay = buyer.facts["payment_terms"]
    assert pay is not None
    chosen = buyer.choose_button("payment_terms", pay, _buttons("T/T", "L/C", "D/P"))
    assert chosen is not None and chosen["title"] == "L/C"
    sample = buyer.facts["sample_requested"]
    assert buyer.choose_button("sample_requested", sample, _buttons("Yes", "No"))["title"] == "Yes"  # type: ignore[arg-type,index]
    kind = buyer.facts["business_type"]
    got = buyer.choose_button("business_type", kind, _buttons("Importer", "Distributor", "Other"))  # type: ignore[arg-type]
    assert got is not None and got["title"] == "Distributor"
    incoterm = buyer.facts["incoterm"]
    assert (
        buyer.choose_button("incoterm", incoterm, _buttons("FOB", "CIF", "DDP"))["title"] == "CIF"
    )  # type: ignore[arg-type,index]
    # no matching button: the buyer types
    assert buyer.choose_button("incoterm", incoterm, _buttons("FOB", "EXW")) is None  # type: ignore[arg-type]


def test_product_buttons_match_the_exact_sku() -> None:
    buyer = _buyer()
    product = buyer.facts["items[0].product"]
    buttons = [
        {"title": "PNL-6060-40W-EM - 600x600 panel with emergency pack", "payload": "/p{1}"},
        {"title": "PNL-6060-40W - 600x600 LED panel 40W", "payload": "/p{2}"},
    ]
    assert buyer.choose_button("product", product, buttons)["payload"] == "/p{2}"  # type: ignore[arg-type,index]


# --------------------------------------------------------------------------- personas


def _persona_raw() -> dict[str, Any]:
    return {
        "name": "test-buyer",
        "language": "en",
        "description": "test",
        "opening": {
            "say": "We need 5,000 pcs of PNL-6060-40W for Hamburg, CIF.",
            "states": ["product", "quantity", "destination", "incoterm"],
        },
        "items": [
            {
                "product": {"say": "PNL-6060-40W", "expect": "PNL-6060-40W"},
                "quantity": {"say": "5,000 pcs", "expect": {"quantity": 5000, "unit": "pcs"}},
                "certifications": {"say": "CE and RoHS", "expect": ["CE", "ROHS"]},
                "target_price": {
                    "say": "USD 12.50",
                    "expect": {"amount": "12.50", "currency": "USD"},
                },
            }
        ],
        "facts": {
            "destination": {"say": "Hamburg", "expect": {"country": "DE", "place": "Hamburg"}},
            "incoterm": {"say": "CIF", "expect": "CIF"},
            "required_by": {"say": "15 March 2027", "expect": "2027-03-15"},
            "payment_terms": {"say": "L/C at sight", "expect": "LC"},
            "sample_requested": {"say": "Yes please", "expect": True},
            "company": {"say": "Nordlicht Handels GmbH", "expect": "Nordlicht Handels GmbH"},
            "contact_name": {"say": "Jana Weber", "expect": "Jana Weber"},
            "email": {"say": "jana@nordlicht.example", "expect": "jana@nordlicht.example"},
            "phone": {"say": "+49 40 1234567", "expect": "+49401234567"},
            "business_type": {"say": "distributor", "expect": "distributor"},
        },
    }


def test_the_english_personas_load_and_are_valid() -> None:
    personas = load_personas(language="en")
    assert len(personas) >= 20
    assert len({p.name for p in personas}) == len(personas)
    for persona in personas:
        assert persona.language == "en"
        load_phrasebook(persona.language)
        assert persona.opening
        # every persona can complete a full RFQ: it knows the facts a full RFQ asks for
        for fact in ("items[0].product", "items[0].quantity", "email", "destination", "incoterm"):
            assert persona.fact(fact) is not None, (persona.name, fact)
    kinds = {e.kind for p in personas for e in p.events}
    assert kinds == {"correction", "side_question"}
    assert any(len(p.items) > 1 for p in personas)


def test_only_selects_by_name() -> None:
    assert [p.name for p in load_personas(only=["nordlicht-panels"])] == ["nordlicht-panels"]
    with pytest.raises(PersonaError):
        load_personas(only=["nobody"])


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("facts", "incoterm", "expect"), "CIFF"),
        (("facts", "payment_terms", "expect"), "PAYPAL"),
        (("facts", "phone", "expect"), "040 1234567"),
        (("facts", "required_by", "expect"), "next Tuesday"),
        (("facts", "business_type", "expect"), "reseller"),
        (("facts", "destination", "expect"), {"country": "Germany"}),
        (("facts", "sample_requested", "expect"), "yes"),
    ],
)
def test_invalid_expected_values_are_refused(path: tuple[str, ...], value: Any) -> None:
    raw = _persona_raw()
    target: Any = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(PersonaError):
        persona_from_dict(raw)


def test_unknown_facts_and_paths_are_refused() -> None:
    raw = _persona_raw()
    raw["facts"]["colour"] = {"say": "red", "expect": "red"}
    with pytest.raises(PersonaError, match="unknown fact"):
        persona_from_dict(raw)
    raw = _persona_raw()
    raw["opening"]["states"] = ["items[3].product"]
    with pytest.raises(PersonaError, match="no fact"):
        persona_from_dict(raw)


def test_relative_dates_resolve_against_the_day() -> None:
    today = date(2026, 11, 21)
    assert resolve_date("2027-03-15", today) == date(2027, 3, 15)
    assert resolve_date("today+12w", today) == date(2027, 2, 13)
    assert resolve_date("today+10d", today) == date(2026, 12, 1)
    assert resolve_date("end_of_month+1", today) == date(2026, 12, 31)
    assert resolve_date("end_of_month+3", today) == date(2027, 2, 28)
    assert resolve_date(date(2027, 1, 1), today) == date(2027, 1, 1)


def test_percentile() -> None:
    assert percentile([], 90) is None
    assert percentile([5, 1, 3], 50) == 3
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 11)), 100) == 10


# --------------------------------------------------------------------------- scoring


def _record() -> dict[str, Any]:
    return {
        "reference": "RFQ-2026-000123",
        "created_at": "2026-11-21T10:00:00Z",
        "buyer": {
            "company": "Nordlicht Handels GmbH",
            "contact_name": "Jana Weber",
            "email": "jana@nordlicht.example",
            "phone": "+49401234567",
            "country": "DE",
            "business_type": "distributor",
        },
        "items": [
            {
                "sku": "PNL-6060-40W",
                "description": "600x600 LED panel 40W",
                "quantity": 5000,
                "unit": "pcs",
                "target_price": {"amount": "12.50", "currency": "USD"},
                "certifications": ["ROHS", "CE"],
            }
        ],
        "destination": {"country": "DE", "place": "Hamburg"},
        "incoterm": "CIF",
        "required_by": "2027-03-15",
        "payment_terms": "LC",
        "sample_requested": True,
        "notes": "",
    }


def _facts() -> dict[str, Fact]:
    buyer = _buyer()
    return {k: v for k, v in buyer.facts.items() if v is not None}


def test_a_perfect_record_scores_every_stated_field() -> None:
    facts = _facts()
    checks = score(facts, list(facts), _record(), date(2026, 11, 21))
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    fields = {c.field for c in checks}
    assert {
        "items[0].sku",
        "items[0].quantity",
        "items[0].unit",
        "items[0].certifications",
    } <= fields
    assert {"destination.country", "destination.place", "buyer.phone", "payment_terms"} <= fields
    assert len(checks) == 16


def test_only_stated_facts_are_scored() -> None:
    facts = _facts()
    checks = score(facts, ["items[0].product", "email"], _record(), date(2026, 11, 21))
    assert [c.field for c in checks] == ["items[0].sku", "buyer.email"]


def test_wrong_and_missing_fields_fail() -> None:
    facts = _facts()
    record = copy.deepcopy(_record())
    record["items"][0]["quantity"] = 8000
    record["items"][0]["certifications"] = ["CE"]
    record["destination"]["place"] = None
    record["buyer"]["phone"] = None
    record["incoterm"] = "FOB"
    record["required_by"] = "2027-03-16"
    record["sample_requested"] = None
    failed = {c.field for c in score(facts, list(facts), record, date(2026, 11, 21)) if not c.ok}
    assert failed == {
        "items[0].quantity",
        "items[0].certifications",
        "destination.place",
        "buyer.phone",
        "incoterm",
        "required_by",
        "sample_requested",
    }


def test_lenient_where_the_format_may_differ() -> None:
    facts = _facts()
    record = copy.deepcopy(_record())
    record["items"][0]["quantity"] = 5000.0
    record["items"][0]["target_price"] = {"amount": "12.5", "currency": "USD"}
    record["buyer"]["company"] = "nordlicht handels gmbh"
    record["buyer"]["email"] = "Jana@Nordlicht.example"
    record["payment_terms"] = "LC at sight"
    assert all(c.ok for c in score(facts, list(facts), record, date(2026, 11, 21)))


def test_items_are_matched_by_sku_whatever_their_order() -> None:
    raw = _persona_raw()
    raw["items"].append(
        {
            "product": {"say": "FL-SL-100W", "expect": "FL-SL-100W"},
            "quantity": {"say": "500 pcs", "expect": {"quantity": 500, "unit": "pcs"}},
        }
    )
    facts = {k: v for k, v in _buyer(raw).facts.items() if v is not None}
    record = _record()
    record["items"].insert(0, {"sku": "FL-SL-100W", "quantity": 500, "unit": "pcs"})
    stated = ["items[0].product", "items[0].quantity", "items[1].product", "items[1].quantity"]
    checks = score(facts, stated, record, date(2026, 11, 21))
    assert len(checks) == 6 and all(c.ok for c in checks)
    record["items"] = record["items"][1:]  # the second product was lost
    failed = [c.field for c in score(facts, stated, record, date(2026, 11, 21)) if not c.ok]
    assert failed == ["items[1].sku", "items[1].quantity", "items[1].unit"]


def test_relative_required_by_is_resolved_on_the_given_day() -> None:
    raw = _persona_raw()
    raw["facts"]["required_by"] = {"say": "in 12 weeks", "expect": "today+12w"}
    facts = {k: v for k, v in _buyer(raw).facts.items() if v is not None}
    record = _record()
    record["required_by"] = "2027-02-13"
    (check,) = score(facts, ["required_by"], record, date(2026, 11, 21))
    assert check.ok and check.expected == "2027-02-13"


# --------------------------------------------------------------------------- conversations


class FakeBot:
    """A form that asks its questions in order, answers side questions (text with '?') without
    advancing, then shows a summary and gives a reference on /affirm."""

    def __init__(self, questions: list[tuple[str, list[str]]], *, finish: bool = True) -> None:
        self.questions = questions
        self.finish = finish
        self.step = -1
        self.received: list[tuple[str | None, str | None]] = []

    def _ask(self) -> list[dict[str, Any]]:
        if self.step < len(self.questions):
            text, titles = self.questions[self.step]
            buttons = [{"title": t, "payload": f"/pick{{{t}}}"} for t in titles]
            return [{"text": text, "buttons": buttons}]
        return [
            {
                "text": "Here is your request: ... Shall I submit it to our sales team?",
                "buttons": [
                    {"title": "Yes, submit", "payload": "/affirm"},
                    {"title": "No, discard", "payload": "/deny"},
                ],
            }
        ]

    def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
        self.received.append((text, payload))
        if payload == "/affirm" and self.step >= len(self.questions):
            if self.finish:
                return [{"text": "Thank you! Your reference is RFQ-2026-000042.", "buttons": []}]
            return self._ask()
        if text and "?" in text:
            return [{"text": "Yes, it is flicker-free.", "buttons": []}, *self._ask()]
        self.step += 1
        return self._ask()


FULL_FORM = [
    ("Which product would you like a quotation for?", []),
    ("How many do you need?", []),
    ("Which Incoterm do you prefer?", ["EXW", "FOB", "CIF", "DDP"]),
    ("Where should we ship the goods to?", []),
    ("Which payment terms do you prefer?", ["T/T", "L/C", "D/P"]),
    ("Would you like a sample first?", ["Yes", "No"]),
    ("What is your company name?", []),
    ("To which email address should we send the quotation?", []),
    ("What is your favourite colour?", []),
    ("Anything else we should know?", []),
]


def test_a_conversation_answers_each_question_and_confirms() -> None:
    bot = FakeBot(FULL_FORM)
    persona = persona_from_dict(_persona_raw())
    conv = SimulatedBuyer(persona, bot).run()
    assert conv.reference == "RFQ-2026-000042"
    assert conv.completed and not conv.error
    sent = bot.received
    assert sent[0] == (persona.opening, None)
    assert sent[1] == ("PNL-6060-40W", None)
    assert sent[2] == ("5,000 pcs", None)
    assert sent[3] == ("CIF", "/pick{CIF}")  # clicked
    assert sent[5] == ("L/C", "/pick{L/C}")
    assert sent[6] == ("Yes", "/pick{Yes}")
    assert sent[7] == ("Nordlicht Handels GmbH", None)
    assert sent[9] == (EN.phrase("fallback"), None)  # the colour question: unmapped
    assert sent[10] == (EN.phrase("notes_none"), None)
    assert sent[-1] == ("Yes, submit", "/affirm")
    assert conv.buyer_turns == len(sent) == 12
    assert conv.unmapped == 1
    assert conv.reasks == 0
    assert set(conv.stated) == {
        "items[0].product",
        "items[0].quantity",
        "destination",
        "incoterm",
        "payment_terms",
        "sample_requested",
        "company",
        "email",
    }


def test_a_correction_and_a_side_question_are_sent_after_their_fact() -> None:
    raw = _persona_raw()
    raw["opening"] = {"say": "I need a quote", "states": []}
    raw["events"] = [
        {
            "after": "quantity",
            "kind": "correction",
            "say": "Sorry, actually 8,000 pieces.",
            "corrects": "quantity",
            "new": {"say": "8,000 pcs", "expect": {"quantity": 8000, "unit": "pcs"}},
        },
        {
            "after": "product",
            "say": "Is it flicker-free?",
            "reply_keywords": ["flicker"],
        },
    ]
    bot = FakeBot(FULL_FORM[:2])
    buyer = SimulatedBuyer(persona_from_dict(raw), bot)
    conv = buyer.run()
    texts = [t for t, _ in bot.received]
    assert texts == [
        "I need a quote",
        "PNL-6060-40W",
        "Is it flicker-free?",
        "5,000 pcs",
        "Sorry, actually 8,000 pieces.",
        "Yes, submit",
    ]
    assert conv.side_questions == conv.side_answered == 1
    raw["events"][1]["reply_keywords"] = ["lead time", "flicker"]  # any one
    conv = SimulatedBuyer(persona_from_dict(raw), FakeBot(FULL_FORM[:2])).run()
    assert conv.side_answered == 1
    raw["events"][1]["reply_keywords"] = [["flicker"], ["Pst", "SVM"]]  # both groups needed
    conv = SimulatedBuyer(persona_from_dict(raw), FakeBot(FULL_FORM[:2])).run()
    assert conv.side_questions == 1 and conv.side_answered == 0
    assert buyer.expected()["items[0].quantity"].expect == {"quantity": 8000, "unit": "pcs"}
    assert conv.completed


def test_a_fact_the_persona_lacks_is_declined_and_counted() -> None:
    raw = _persona_raw()
    del raw["facts"]["phone"]
    bot = FakeBot([("What's your phone number?", [])])
    conv = SimulatedBuyer(persona_from_dict(raw), bot).run()
    assert bot.received[1] == (EN.phrase("decline"), None)
    assert conv.unknown == 1 and conv.completed


def test_a_second_product_is_added_when_the_bot_offers() -> None:
    raw = _persona_raw()
    raw["opening"] = {"say": "I need a quote", "states": []}
    raw["items"].append(
        {
            "product": {"say": "FL-SL-100W", "expect": "FL-SL-100W"},
            "quantity": {"say": "500 pcs", "expect": {"quantity": 500, "unit": "pcs"}},
        }
    )
    questions = [
        ("Which product would you like a quotation for?", []),
        ("How many do you need?", []),
        ("Would you like to add another product?", ["Yes", "No"]),
        ("Which product would you like a quotation for?", []),
        ("How many FL-SL-100W do you need?", []),
        ("Would you like to add another product?", ["Yes", "No"]),
    ]
    bot = FakeBot(questions)
    conv = SimulatedBuyer(persona_from_dict(raw), bot).run()
    assert [t for t, _ in bot.received][1:7] == [
        "PNL-6060-40W",
        "5,000 pcs",
        "Yes",
        "FL-SL-100W",
        "500 pcs",
        "No",
    ]
    assert "items[1].quantity" in conv.stated and conv.completed


def test_a_conversation_that_never_ends_stops_at_the_cap() -> None:
    class Endless(FakeBot):
        def _ask(self) -> list[dict[str, Any]]:
            text, _titles = self.questions[self.step % len(self.questions)]
            return [{"text": text, "buttons": []}]

    bot = Endless(FULL_FORM)
    conv = SimulatedBuyer(persona_from_dict(_persona_raw()), bot).run()
    assert not conv.completed and not conv.error
    assert conv.buyer_turns == MAX_TURNS


def test_a_bot_asking_the_same_question_again_and_again_is_stuck() -> None:
    bot = FakeBot(FULL_FORM, finish=False)  # the summary again after each confirm
    conv = SimulatedBuyer(persona_from_dict(_persona_raw()), bot).run()
    assert not conv.completed
    assert conv.error.startswith("stuck: the bot asked summary 6 times")
    assert conv.reasks == 5


def test_no_rfq_question_yet_gets_a_nudge_not_an_unmapped() -> None:
    class GreetingFirst(FakeBot):
        def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
            if not self.received:
                self.received.append((text, payload))
                return [{"text": "Hello and welcome! How can I help?", "buttons": []}]
            return super().__call__(text, payload)

    bot = GreetingFirst(FULL_FORM[:1])
    conv = SimulatedBuyer(persona_from_dict(_persona_raw()), bot).run()
    assert bot.received[1] == (EN.phrase("start"), None)
    assert conv.nudges == 1 and conv.unmapped == 0 and conv.completed


def test_a_not_understood_reply_gets_the_rfq_button_clicked() -> None:
    class Confused(FakeBot):
        def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
            if not self.received:
                self.received.append((text, payload))
                return [
                    {
                        "text": "Sorry, I didn't quite understand that. I can prepare a request "
                        "for quotation or answer questions about our products. Could you rephrase?",
                        "buttons": [
                            {"title": "Request a quotation", "payload": "/request_quote"},
                            {"title": "What can you do?", "payload": "/help"},
                        ],
                    }
                ]
            return super().__call__(text, payload)

    bot = Confused(FULL_FORM[:1])
    conv = SimulatedBuyer(persona_from_dict(_persona_raw()), bot).run()
    assert bot.received[1] == ("Request a quotation", "/request_quote")
    assert conv.nudges == 1 and conv.unmapped == 0 and conv.completed


def test_an_exception_ends_the_conversation_with_an_error() -> None:
    def broken(text: str | None, payload: str | None) -> list[dict[str, Any]]:
        raise RuntimeError("engine down")

    conv = SimulatedBuyer(persona_from_dict(_persona_raw()), broken).run()
    assert not conv.completed and "engine down" in conv.error


def test_sentences() -> None:
    from bench.simulated_buyer import sentences

    assert sentences("Got it. Which Incoterm? (FOB, CIF)") == [
        "Got it.",
        "Which Incoterm?",
        "(FOB, CIF)",
    ]
    assert sentences("Anything else, e.g. packaging?") == ["Anything else, e.g. packaging?"]
    assert sentences("Here:\n- a\n- b\n\nOK?") == ["Here:", "- a", "- b", "OK?"]
    assert sentences("好的。请问数量是多少？") == ["好的。", "请问数量是多少？"]


def test_a_combined_contact_question_gets_every_fact_asked() -> None:
    question = (
        "Who should we address the quotation to? Please give your company, your name and your "
        "email (and a phone number if you like)."
    )
    assert EN.classify(question) == "email"
    # in the order the question names them ("who should we address" names the person first)
    assert EN.asked_together("email", question) == ["contact_name", "company", "email", "phone"]
    bot = FakeBot([(question, [])])
    conv = SimulatedBuyer(persona_from_dict(_persona_raw()), bot).run()
    assert bot.received[1] == (
        "Jana Weber, Nordlicht Handels GmbH, jana@nordlicht.example, +49 40 1234567",
        None,
    )
    assert {"company", "contact_name", "email", "phone"} <= set(conv.stated)
    # a fact another answer already states is not repeated
    raw = _persona_raw()
    raw["facts"]["contact_name"] = {
        "say": "Jana Weber of Nordlicht Handels GmbH",
        "expect": "Jana Weber",
        "also_states": ["company"],
    }
    bot = FakeBot([("May I have your name and your email?", [])])
    SimulatedBuyer(persona_from_dict(raw), bot).run()
    assert bot.received[1] == ("Jana Weber of Nordlicht Handels GmbH, jana@nordlicht.example", None)


def test_single_questions_are_not_combined() -> None:
    assert EN.asked_together("certifications", "Which certifications do the products need?") == [
        "certifications"
    ]
    assert EN.asked_together("email", "To which email address should we send it?") == ["email"]


def test_certification_buttons_match_the_set_of_codes() -> None:
    buyer = _buyer()
    certs = buyer.facts["items[0].certifications"]  # CE, ROHS
    buttons = [
        {"title": "CE + RoHS", "payload": "CE and RoHS"},
        {"title": "UKCA", "payload": "UKCA"},
        {"title": "UL / ETL", "payload": "UL"},
    ]
    assert buyer.choose_button("certifications", certs, buttons)["title"] == "CE + RoHS"  # type: ignore[arg-type,index]
    assert buyer.choose_button("certifications", certs, buttons[1:]) is None  # type: ignore[arg-type]
    more = Fact(say="CE, RoHS and ENEC", expect=["CE", "ROHS", "ENEC"])
    assert buyer.choose_button("certifications", more, buttons) is None  # a subset: typed


# --------------------------------------------------------------------------- other languages


def test_chinese_keywords_match_inside_a_run_of_characters() -> None:
    zh = load_phrasebook("zh")
    assert zh.classify("请问您需要多少个？") == "quantity"
    assert zh.classify("货物发往哪里？") == "destination"
    # a Latin keyword keeps its word edges, also next to Chinese characters
    assert zh.mentions("certifications", "需要CE认证吗？")
    assert zh.mentions("incoterm", "按FOB报价")
    assert not zh.mentions("incoterm", "请按FOBX报价")
    # a question without a question mark, asked with 请
    assert zh.classify("请告诉我们货物发往哪里以及最晚何时需要交货。") == "required_by"


def test_chinese_buttons_are_matched_by_their_characters() -> None:
    zh = load_phrasebook("zh")
    assert zh.is_confirm("确认并发送")
    assert not zh.is_confirm("修改内容")
    buttons = _buttons("T/T电汇", "即期信用证", "赊账（O/A）")
    assert match_button(buttons, ["T/T"], spaced=False)["title"] == "T/T电汇"  # type: ignore[index]
    assert match_button(buttons, ["T/T"]) is None  # "T/T" is not a word of "T/T电汇"
    assert match_button(buttons, ["赊账"], spaced=False)["title"] == "赊账（O/A）"  # type: ignore[index]
    assert match_button(_buttons("需要", "不需要"), ["不需要"], spaced=False)["title"] == "不需要"  # type: ignore[index]


def test_a_combined_question_is_answered_with_the_languages_separator() -> None:
    raw = _persona_raw()
    raw["language"] = "zh"
    raw["facts"]["contact_name"] = {"say": "陈志明", "expect": "陈志明"}
    raw["facts"]["company"] = {"say": "高雄光源贸易有限公司", "expect": "高雄光源贸易有限公司"}
    raw["facts"]["email"] = {"say": "chen@kaoguang.example", "expect": "chen@kaoguang.example"}
    question = (
        "报价单应发给哪位？请提供您的姓名、公司名称以及电子邮箱（如方便，也可留下电话号码）。"
    )
    bot = FakeBot([(question, [])])
    SimulatedBuyer(persona_from_dict(raw), bot).run()
    assert bot.received[1] == (
        "陈志明，高雄光源贸易有限公司，chen@kaoguang.example，+49 40 1234567",
        None,
    )


def test_accented_keywords_and_buttons() -> None:
    fr, es = load_phrasebook("fr"), load_phrasebook("es")
    assert fr.classify("Où faut-il livrer la marchandise ?") == "destination"
    # "ou" (or) is not "où" (where)
    assert fr.classify("Faut-il le marquage CE ou UL ?") == "certifications"
    assert es.classify("¿Para cuándo necesita la mercancía?") == "required_by"
    assert es.is_confirm("Confirmar y enviar")
    assert not es.is_confirm("Sí")
    buttons = _buttons("T/T (transferencia)", "Carta de crédito a la vista", "Cuenta abierta")
    assert match_button(buttons, ["carta de crédito"])["title"].startswith("Carta")  # type: ignore[index]


def test_dates_said_without_a_year_resolve_to_the_next_one() -> None:
    today = date(2026, 11, 22)
    assert resolve_date("end_of:4", today) == date(2027, 4, 30)
    assert resolve_date("end_of:11", today) == date(2026, 11, 30)
    assert resolve_date("end_of:2", date(2027, 3, 1)) == date(2028, 2, 29)
    assert resolve_date("next:6-15", today) == date(2027, 6, 15)
    assert resolve_date("next:11-22", today) == date(2026, 11, 22)
    assert resolve_date("next:11-21", today) == date(2027, 11, 21)
    for bad in ("end_of:13", "next:2-30", "next:0-1"):
        with pytest.raises(PersonaError):
            resolve_date(bad, today)
