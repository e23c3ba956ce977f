"""The adversarial buyer generator of bench/adversarial_buyers.py: generation, the buyer's
misbehaviour against a fake bot, the invariant checks, the report; and one end-to-end run
through the real stack."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
import yaml

from bench.adversarial_buyers import (
    BEHAVIOURS,
    LANGUAGES,
    MESSAGES,
    AdversarialBuyer,
    AdvTurn,
    Case,
    catalog_products,
    destroyed,
    evaluate,
    false_value,
    generate,
    generate_many,
    load_language,
    loops,
    play,
    table,
    totals,
    unanswered,
)
from bench.simulated_buyer import Conversation, load_phrasebook, resolve_date, validate

TODAY = date(2026, 11, 22)
HAN = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- generation


def test_generation_is_deterministic_per_seed() -> None:
    a = generate(7, 3, today=TODAY)
    b = generate(7, 3, today=TODAY)
    assert a == b
    assert a.persona.opening and a.behaviours
    others = [generate(8, 3, today=TODAY), generate(7, 4, today=TODAY)]
    assert all(o.persona != a.persona for o in others)


def test_the_language_follows_the_index_unless_given() -> None:
    cases = generate_many(12, 1, today=TODAY)
    assert [c.language for c in cases] == list(LANGUAGES) * 2
    assert {c.language for c in generate_many(6, 1, languages=["de", "fr"], today=TODAY)} == {
        "de",
        "fr",
    }
    assert generate(1, 0, "pt", today=TODAY).language == "pt"


def test_every_language_and_behaviour_is_produced() -> None:
    cases = generate_many(360, 5, today=TODAY)
    per_language: dict[str, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
    for case in cases:
        per_language[case.language].update(case.behaviours)
        assert 2 <= len(case.behaviours) <= 4
    for language, counts in per_language.items():
        missing = set(BEHAVIOURS) - set(counts)
        assert not missing, f"{language} never got {missing}"


def test_generated_facts_are_valid_and_from_the_catalog() -> None:
    catalog = catalog_products()
    for case in generate_many(300, 11, today=TODAY):
        validate(case.persona)  # every expected value is a normalised one the scorer knows
        for item in case.persona.items:
            sku = item.facts["product"].expect
            assert sku in catalog and int(catalog[sku]["moq"]) <= 1000
            quantity = item.facts["quantity"].expect
            assert quantity["unit"] == "containers" or quantity["quantity"] >= 1000
        due = resolve_date(case.persona.facts["required_by"].expect, TODAY)
        assert (due - TODAY).days >= 90  # past every lead time of the catalog
        for path in case.persona.opening_states:
            assert case.persona.fact(path) is not None


def _of(behaviour: str, seed: int = 3, language: str | None = None) -> Case:
    return generate(seed, 0, language or "en", behaviours=[behaviour], today=TODAY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_behaviour_shapes_the_buyer(language: str) -> None:
    data = load_language(language)
    multi = _of("multi_product", language=language)
    assert len(multi.persona.items) >= 2
    assert len(set(multi.persona.opening_states)) >= 4  # every product and its quantity
    typo = _of("typo", language=language)
    product = typo.persona.items[0].facts["product"]
    typos = next(p["typo"] for p in data["products"] if p["sku"] == product.expect)
    assert product.say in typos
    mixed = _of("mixed_script", language=language)
    company = mixed.persona.facts["company"].say
    assert bool(HAN.search(company)) is (language != "zh")
    decline = _of("decline", language=language)
    assert "phone" not in decline.persona.facts
    assert decline.decline_phone in data["declines"]["phone"]
    unknown = _of("unknown_value", language=language)
    said = unknown.persona.items[0].facts["certifications"].say
    assert any(s in said for s in data["certifications"]["unknown_schemes"])
    assert "items[0].certifications" in unknown.retries
    correction = _of("correction", language=language)
    assert [e.kind for e in correction.persona.events] == ["correction"]
    side = _of("side_question", language=language)
    assert [e.kind for e in side.persona.events] == ["side_question"]
    assert _of("summary_correction", language=language).summary_correction is not None
    assert _of("partial_group", language=language).partial in ("email", "phone")
    terse = _of("terse", language=language)
    assert terse.persona.opening in data["openings"]["terse"]
    assert _of("long_mixed", language=language).typing


def test_volunteered_facts_are_in_the_opening() -> None:
    for seed in range(20):
        case = _of("volunteer", seed=seed)
        volunteered = [
            p for p in case.persona.opening_states if not p.endswith((".product", ".quantity"))
        ]
        assert len(volunteered) >= 2, case.persona.opening
        destination = case.persona.facts["destination"]
        if "destination" in volunteered:
            assert destination.say in case.persona.opening


def test_the_phrasings_of_every_language_load() -> None:
    for language in LANGUAGES:
        data = load_language(language)
        for key in ("products", "quantities", "destinations", "incoterms", "dates", "openings"):
            assert data[key], f"{language}: {key}"
        for key in ("phone", "target_price"):
            assert data["declines"][key]


# --------------------------------------------------------------------------- a fake bot


def _catalog(language: str, area: str) -> dict[str, Any]:
    return yaml.safe_load((MESSAGES / language / f"{area}.yaml").read_text(encoding="utf-8"))


class FakeBot:
    """Asks the form's questions in the catalog's words of ``language``, one per buyer message
    whatever the answer, then the summary, then gives a reference. Records what it was sent."""

    def __init__(self, language: str, *, reference: str = "RFQ-2026-000042") -> None:
        responses = _catalog(language, "responses")
        rfq = _catalog(language, "rfq")

        def response(key: str) -> dict[str, Any]:
            value = responses[key]
            if isinstance(value, str):
                return {"text": value, "buttons": []}
            return {"text": value["text"], "buttons": list(value.get("buttons") or [])}

        fields = [rfq["asked_as"][k] for k in ("contact_name", "company", "email")]
        listed = rfq["list_and"].format(
            items=rfq["list_separator"].join(fields[:-1]), last=fields[-1]
        )
        fewer = rfq["list_and"].format(items=fields[0], last=fields[1])
        self.script = [
            {"text": rfq["ask_quantity"], "buttons": []},
            response("utter_ask_destination"),
            response("utter_ask_required_by"),
            response("utter_ask_incoterm"),
            response("utter_ask_payment_terms"),
            response("utter_ask_sample_requested"),
            response("utter_ask_certifications"),
            {"text": rfq["ask_contact_with_phone"].format(fields=listed), "buttons": []},
            # asked again, as after a partial answer
            {"text": rfq["ask_contact_with_phone"].format(fields=fewer), "buttons": []},
            response("utter_ask_business_type"),
        ]
        self.summary = {
            "text": rfq["summary"]["title"] + "\n" + rfq["summary"]["confirm"],
            "buttons": [
                {"title": rfq["button"]["confirm_and_send"], "payload": "/confirm"},
                {"title": rfq["button"]["change_something"], "payload": "/change"},
                {"title": rfq["button"]["cancel"], "payload": "/cancel"},
            ],
        }
        self.registered = rfq["registered"].format(reference=reference)
        self.step = 0
        self.received: list[tuple[str | None, str | None]] = []
        self.last_mode = "bot"

    def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
        self.received.append((text, payload))
        if payload == "/cancel":
            raise AssertionError("the buyer clicked Cancel")
        if payload == "/confirm":
            return [{"text": self.registered, "buttons": []}]
        if self.step < len(self.script):
            self.step += 1
            return [self.script[self.step - 1]]
        self.step += 1
        return [self.summary]


def _record(case: Case, buyer_facts: dict[str, Any]) -> dict[str, Any]:
    """The inquiry a perfect bot would have stored for ``buyer_facts``."""
    facts = buyer_facts
    items = []
    for i in range(len(case.persona.items)):
        get = facts.get
        quantity = get(f"items[{i}].quantity")
        cert = get(f"items[{i}].certifications")
        price = get(f"items[{i}].target_price")
        items.append(
            {
                "sku": get(f"items[{i}].product").expect,
                "quantity": str(quantity.expect["quantity"]),
                "unit": quantity.expect["unit"],
                "certifications": cert.expect if cert else [],
                "target_price": price.expect if price else None,
            }
        )
    phone = facts.get("phone")
    return {
        "reference": "RFQ-2026-000042",
        "created_at": f"{TODAY.isoformat()}T10:00:00Z",
        "buyer": {
            "company": facts["company"].expect,
            "contact_name": facts["contact_name"].expect,
            "email": facts["email"].expect,
            "phone": phone.expect if phone else None,
            "business_type": facts["business_type"].expect,
            "country": None,
        },
        "items": items,
        "destination": facts["destination"].expect,
        "incoterm": facts["incoterm"].expect,
        "required_by": resolve_date(facts["required_by"].expect, TODAY).isoformat(),
        "payment_terms": facts["payment_terms"].expect,
        "sample_requested": facts["sample_requested"].expect,
        "notes": None,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_buyer_with_every_behaviour_runs_to_the_end_against_a_fake_bot(language: str) -> None:
    case = generate(9, 1, language, behaviours=BEHAVIOURS, today=TODAY)
    bot = FakeBot(language)
    records: list[dict[str, Any]] = []

    def fetch(reference: str) -> dict[str, Any]:
        assert reference == "RFQ-2026-000042"
        return records[0]

    # first pass: learn what the buyer states, to build the record a perfect bot would store
    probe = AdversarialBuyer(case, FakeBot(language))
    probe.run()
    records.append(_record(case, probe.expected()))

    outcome = play(case, bot, fetch)
    conv = outcome.conversation
    assert outcome.completed, conv.error
    assert not conv.error
    said = [t for t, _ in bot.received if t]
    assert said[0] == case.persona.opening
    # the corrections, the side question, the partial answer, the decline were all sent
    summary_text = case.summary_correction[0] if case.summary_correction else ""
    assert summary_text in said
    assert any(e.say in said for e in case.persona.events)
    assert any(case.decline_phone in t for t in said if case.decline_phone)
    assert any(n.startswith("partial: only") for n in (t.note for t in conv.turns))
    assert all(p != "/cancel" for _, p in bot.received)
    assert outcome.violations() == {
        "destroyed": 0,
        "unanswered": 0,
        "loop": 0,
        "false_name": 0,
        "false_company": 0,
    }
    assert outcome.fields_ok == len(outcome.checks) > 5
    assert any(c.field == "buyer.phone" and c.expected is None for c in outcome.checks)


def test_generated_buyers_of_every_language_finish_against_the_fake_bot() -> None:
    for case in generate_many(48, 21, today=TODAY):
        outcome = play(case, FakeBot(case.language), lambda ref: {"buyer": {}, "items": []})
        assert outcome.conversation.reference, (case.name, outcome.conversation.error)
        assert not outcome.conversation.error, case.name
        assert outcome.unanswered == 0 and outcome.destroyed == 0


def test_the_buyer_never_clicks_a_discard_button() -> None:
    case = generate(2, 0, "en", behaviours=["long_mixed"], today=TODAY)

    class DiscardOffer(FakeBot):
        def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
            assert payload not in ("/discard", "/cancel"), "the buyer discarded"
            messages = super().__call__(text, payload)
            if self.step == 3:
                messages = [
                    {
                        "text": "Shall I discard this request?",
                        "buttons": [
                            {"title": "Yes, discard it", "payload": "/discard"},
                            {"title": "No, let's go on", "payload": "/keep"},
                        ],
                    }
                ]
            return messages

    outcome = play(case, DiscardOffer("en"), lambda ref: None)
    assert not outcome.conversation.error.startswith("AssertionError")


def test_an_offer_of_a_person_is_declined_and_a_side_answer_leads_back_to_the_form() -> None:
    case = generate(2, 0, "en", behaviours=["side_question"], today=TODAY)
    case.persona.events[0].after = "items[0].quantity"
    case.persona.opening_states = ("items[0].product",)

    class Helpful(FakeBot):
        def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
            if text == case.persona.events[0].say:  # answers, asks nothing
                self.received.append((text, payload))
                return [{"text": "It is IP65, per the datasheet.", "buttons": []}]
            if self.step == 2 and payload != "/go_on":
                self.received.append((text, payload))
                offer = "This doesn't seem to work well in chat. Would you like a colleague?"
                buttons = [
                    {"title": "Talk to a person", "payload": "/handoff"},
                    {"title": "No, let's go on", "payload": "/go_on"},
                ]
                return [{"text": offer, "buttons": buttons}]
            return super().__call__(text, payload)

    bot = Helpful("en")
    outcome = play(case, bot, lambda ref: None)
    assert outcome.conversation.reference, outcome.conversation.error
    assert (("No, let's go on", "/go_on")) in bot.received
    assert all(p != "/handoff" for _, p in bot.received)
    turns = outcome.conversation.turns
    side = next(i for i, t in enumerate(turns) if t.note.startswith("side question"))
    assert turns[side + 1].asked == "destination"  # the question open before the side question


def test_a_question_asked_again_gets_the_answer_in_other_words() -> None:
    case = generate(3, 0, "de", behaviours=["terse"], today=TODAY)
    case.persona.opening_states = ("items[0].product",)
    quantity = case.persona.items[0].facts["quantity"]
    other = case.retries["items[0].quantity"]
    assert other.say != quantity.say and other.expect == quantity.expect

    class Stubborn(FakeBot):
        def __call__(self, text: str | None, payload: str | None) -> list[dict[str, Any]]:
            if self.step == 1 and text != other.say:
                self.received.append((text, payload))
                return [self.script[0]]  # the quantity question again
            return super().__call__(text, payload)

    bot = Stubborn("de")
    play(case, bot, lambda ref: None)
    said = [t for t, _ in bot.received]
    assert said[1:3] == [quantity.say, other.say]
    assert case.retries["items[0].quantity"] == other  # the case itself is left as it was


def test_an_incoterm_said_after_a_new_destination_names_the_new_place() -> None:
    found = 0
    for seed in range(200):
        case = generate(seed, 0, "fr", behaviours=["correction"], today=TODAY)
        moved = case.incoterm_after_move
        if moved is None:
            continue
        found += 1
        new_place = case.persona.events[0].new.say.split(",")[0]
        assert new_place in moved.say and moved.expect == case.persona.facts["incoterm"].expect
        case.persona.opening_states = ("items[0].product", "items[0].quantity")
        case.persona.events[0].after = "items[0].quantity"
        case.typing = True  # no Incoterm button clicked
        bot = FakeBot("fr")
        play(case, bot, lambda ref: None)
        said = [t for t, _ in bot.received if t]
        assert any(moved.say in t for t in said), said
    assert found


def test_a_target_price_is_declined_when_asked_with_the_terms() -> None:
    case = next(
        c
        for seed in range(100)
        if (c := generate(seed, 0, "en", behaviours=["decline"], today=TODAY)).declines_target
        and not c.target_declined_early
    )
    assert case.declines_target not in case.persona.opening
    terms = (
        "Do you have a target price per unit? Which Incoterm (FOB, CIF, DDP...), which payment "
        "terms (T/T, L/C...) and would you like samples first?"
    )

    class AsksTerms(FakeBot):
        def __init__(self) -> None:
            super().__init__("en")
            self.script[1] = {"text": terms, "buttons": []}

    bot = AsksTerms()
    play(case, bot, lambda ref: None)
    answer = next(t for t, _ in bot.received[2:] if t and case.declines_target in t)
    assert case.persona.facts["incoterm"].say in answer


# --------------------------------------------------------------------------- invariants


def _turn(buyer: str, *bot: str, mode: str = "bot", note: str = "") -> AdvTurn:
    return AdvTurn(
        buyer=buyer, asked=None, bot=[{"text": t, "buttons": []} for t in bot], note=note, mode=mode
    )


def test_a_discard_the_buyer_never_asked_for_is_counted_in_any_language() -> None:
    zh = _catalog("zh", "responses")["utter_rfq_discarded"]
    en = _catalog("en", "responses")["utter_rfq_discarded"]
    turns = [_turn("hi", "Which product?"), _turn("skip", en), _turn("再见", zh)]
    assert destroyed(turns) == 2
    asked = [_turn("hi", "Which product?"), _turn("cancel it", en, note="discard: asked")]
    assert destroyed(asked) == 0
    assert destroyed([_turn("hi", "Which product would you like?")]) == 0


def test_a_buyer_message_without_an_answer_is_counted_unless_a_person_has_the_chat() -> None:
    turns = [_turn("hi", "Hello"), _turn("5000 pcs"), _turn("hello?", mode="waiting_for_agent")]
    assert unanswered(turns) == 1
    assert unanswered([AdvTurn(buyer="x", asked=None, bot=[{"text": " "}])]) == 1
    buttons_only = AdvTurn(
        buyer="x", asked=None, bot=[{"text": "", "buttons": [{"title": "Yes", "payload": "y"}]}]
    )
    assert unanswered([buttons_only]) == 0


def test_the_same_question_three_times_in_a_row_is_a_loop() -> None:
    en = load_phrasebook("en")
    email = "To which email address should we send the quotation?"
    assert loops([_turn("a", email), _turn("b", email)], en) == []
    three = [_turn("a", email), _turn("b", "That doesn't look right. " + email), _turn("c", email)]
    found = loops(three, en)
    assert len(found) == 1 and found[0][0] == 1 and found[0][1] == ("email",)
    # the same text that asks nothing the phrasebook knows counts as well
    huh = "Sorry, I didn't quite understand that."
    assert len(loops([_turn("x", huh)] * 3, en)) == 1
    # a side question's answer neither counts nor breaks a run
    side = _turn("What is the IP rating?", "IP65. " + email, note="side question (answered)")
    assert loops([_turn("a", email), side, _turn("b", email)], en) == []
    assert len(loops([_turn("a", email), side, _turn("b", email), _turn("c", email)], en)) == 1
    fixed = _turn("Actually 8,000 pcs", "Noted. " + email, note="correction of items[0].quantity")
    assert loops([_turn("a", email), fixed, _turn("b", email)], en) == []
    # one long run is one loop; different questions in between are none
    assert len(loops([_turn("a", email)] * 6, en)) == 1
    other = "Which payment terms would you like?"
    assert loops([_turn("a", email), _turn("b", other), _turn("c", email)], en) == []


def test_the_quantity_of_each_product_is_a_question_of_its_own() -> None:
    en = load_phrasebook("en")
    turns = [_turn(str(n), f"How many {p} do you need?") for n, p in enumerate("ABC")]
    assert loops(turns, en) == []
    again = "The minimum order quantity for A is 200 pcs. How many A do you need?"
    assert len(loops([turns[0], _turn("1", again), _turn("2", again)], en)) == 1


def test_a_grouped_question_that_shrinks_is_no_loop() -> None:
    en = load_phrasebook("en")
    ask = "Who should we address the quotation to? Please give "
    full = ask + "your name, your company and your email."
    fewer = ask + "your name and your company."
    last = ask + "your company."
    assert loops([_turn("a", full), _turn("b", fewer), _turn("c", last)], en) == []


@pytest.mark.parametrize(
    ("stored", "stated", "false"),
    [
        (None, [], False),
        ("", ["Jana Weber"], False),
        ("Jana Weber", ["Jana Weber"], False),
        ("jana weber", ["Jana Weber"], False),
        ("Julien Lefevre", ["Julien Lefèvre"], False),
        ("No phone number, thanks", ["Jana Weber"], True),
        ("Jana", ["Jana Weber"], True),
        ("5000 pcs", [], True),
        ("What is the IP rating of PNL-6060-40W", [], True),
        ("Sin teléfono", [], True),
    ],
)
def test_false_names(stored: str | None, stated: list[str], false: bool) -> None:
    assert (false_value(stored, stated) is not None) is false


def test_evaluate_flags_a_stored_name_the_buyer_never_gave() -> None:
    case = generate(4, 0, "en", behaviours=["decline"], today=TODAY)
    conv = Conversation(case.persona)
    conv.turns = [_turn(case.persona.opening, "Thank you! Your request is RFQ-2026-000042.")]
    conv.reference = "RFQ-2026-000042"
    conv.stated = ["items[0].product"]
    record = {
        "created_at": "2026-11-22T10:00:00Z",
        "buyer": {"contact_name": case.decline_phone, "company": None, "phone": "+4940123"},
        "items": [{"sku": case.persona.items[0].facts["product"].expect}],
    }
    outcome = evaluate(case, conv, record, phone_declined=True)
    assert outcome.false_name == case.decline_phone
    assert outcome.false_company is None
    assert outcome.violations()["false_name"] == 1
    phone = next(c for c in outcome.checks if c.field == "buyer.phone")
    assert not phone.ok
    assert outcome.failed


def _certified(case: Case, stored: list[str]) -> bool:
    conv = Conversation(case.persona)
    conv.reference = "RFQ-2026-000042"
    conv.stated = ["items[0].product", "items[0].certifications"]
    record = {
        "created_at": "2026-11-22T10:00:00Z",
        "buyer": {},
        "items": [{"sku": case.persona.items[0].facts["product"].expect, "certifications": stored}],
    }
    outcome = evaluate(case, conv, record)
    return next(c for c in outcome.checks if c.field == "items[0].certifications").ok


def test_an_unlisted_scheme_may_be_kept_as_written_but_the_known_codes_must_be_there() -> None:
    for seed in range(40):
        case = generate(seed, 0, "es", behaviours=["unknown_value"], today=TODAY)
        scheme = case.unknown_schemes["items[0].certifications"]
        known = case.persona.items[0].facts["certifications"].expect
        assert scheme in case.persona.items[0].facts["certifications"].say
        assert _certified(case, known)
        assert _certified(case, [*known, scheme])
        assert not _certified(case, [*known, "UL"])
        if known:
            assert not _certified(case, [scheme])


def test_a_terse_certification_answer_expects_just_the_code_said() -> None:
    for seed in range(30):
        case = generate(seed, 0, "en", behaviours=["terse"], today=TODAY)
        fact = case.persona.items[0].facts["certifications"]
        if " " not in fact.say:
            assert fact.expect == [fact.say.upper()]


def test_the_report_has_a_row_per_language_and_behaviour() -> None:
    outcomes = []
    for case in generate_many(12, 2, today=TODAY):
        outcomes.append(play(case, FakeBot(case.language), lambda ref: None))
    text = table(outcomes)
    for language in LANGUAGES:
        assert re.search(rf"^{language}\s+2\s", text, re.M)
    for behaviour in {b for o in outcomes for b in o.case.behaviours}:
        assert re.search(rf"^{behaviour}\s+\d", text, re.M)
    assert "destroyed" in text and "false_name" in text
    t = totals(outcomes)
    assert t["conversations"] == 12 and t["completed"] == 0  # no record was found


# --------------------------------------------------------------------------- end to end

E2E_LANGUAGE_COUNT = 4  # conversations per language


@pytest.mark.e2e
@pytest.mark.timeout(3600)
def test_seeded_adversarial_buyers_break_no_invariant_on_the_real_stack(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bench.adversarial_buyers import run_cases, transcript
    from bench.stack_fixture import BENCH_STAFF_TOKEN, running_stack

    cases = generate_many(E2E_LANGUAGE_COUNT * len(LANGUAGES), 12)
    with running_stack(chat_rate_burst=1000, chat_rate_per_minute=6000) as (_stack, settings):
        outcomes = run_cases(
            f"http://127.0.0.1:{settings.app_port}", BENCH_STAFF_TOKEN, cases, concurrency=4
        )
    bad = [o for o in outcomes if any(o.violations().values())]
    for o in bad:
        (tmp_path / f"{o.case.name}.txt").write_text(transcript(o), encoding="utf-8")
    t = totals(outcomes)
    summary = {k: t[k] for k in ("destroyed", "false_name", "false_company", "loop", "unanswered")}
    assert summary == dict.fromkeys(summary, 0), f"{summary}; transcripts in {tmp_path}"
