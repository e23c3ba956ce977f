"""Understanding a question as a request (issue 13, fixes after the held-out answer set):
plural and misspelt attribute words, values that name an attribute, countries our market rules
do not cover, a need's temperature and market as hard constraints, "the 400W one" / "the DALI
one" referents, and range words kept as data."""

from __future__ import annotations

import pytest

from knowledge.answers import answer, asked_temperature, temperature_range
from knowledge.attributes import find_attributes, one_edit_apart
from knowledge.categories import find_category
from knowledge.index import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Quais os prazos de entrega?", ["lead_time_days"]),  # plural of "prazo"
        ("le 150W, quels montages possibles ?", ["mounting"]),
        ("Was wiegt er und welche Optiken gibt es?", ["weight_kg", "beam_angle_deg"]),
        ("whats the warrenty on it?", ["warranty_years"]),  # one letter wrong
        ("does it come in 3000K?", ["cct_options"]),  # a value names its attribute
        ("the height of the pole", []),  # "height" is not "weight": too short for a typo
    ],
)
def test_attribute_words_in_plural_misspelt_or_as_values(
    question: str, expected: list[str]
) -> None:
    assert find_attributes(question) == expected


def test_one_edit_apart() -> None:
    assert one_edit_apart("warrenty", "warranty")
    assert one_edit_apart("lifetme", "lifetime")
    assert one_edit_apart("wxrxanty", "warranty") is False
    assert one_edit_apart("warratny", "warranty")  # neighbours swapped
    assert one_edit_apart("packaging", "parking") is False


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("¿Puedo vender en Chile?", ["CL"]),
        ("nach Kolumbien exportieren", ["CO"]),
        ("能卖到智利吗", ["CL"]),
        ("Can I sell it in Germany or Austria?", []),  # a market, an EU member
        ("Saudi Arabia and Brazil", []),
    ],
)
def test_countries_our_market_rules_do_not_cover(
    demo_kb: KnowledgeBase, question: str, expected: list[str]
) -> None:
    assert demo_kb.market_directory.unknown_countries(question) == expected


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_a_market_we_have_no_rules_for_is_an_honest_dont_know(
    demo_kb: KnowledgeBase, language: str
) -> None:
    question = {
        "en": "Can I sell HB-UFO-100W in Chile, what approval do they need?",
        "es": "¿Puedo vender el HB-UFO-100W en Chile? ¿Qué certificación piden?",
        "de": "Dürfen wir HB-UFO-100W nach Chile exportieren, welche Zulassung?",
    }[language]
    result = answer(demo_kb, question, language=language)
    assert not result.confident
    assert "HB-UFO-100W" in result.text and "UL" in result.text  # what the record holds
    assert "SASO" not in result.text and "INMETRO" not in result.text  # no other market's rules


def test_temperatures_of_a_need_and_of_a_record() -> None:
    assert asked_temperature("a cold store at -35°C") == -35
    assert asked_temperature("铸造车间环境温度60度左右") == 60
    assert asked_temperature("a 60° beam") is None
    assert temperature_range({"operating_temp": "-20°C to +70°C (lamp head), driver ≤ +50°C"}) == (
        -20,
        70,
    )


def test_a_recommendation_keeps_to_the_stated_temperature_and_says_why(
    demo_kb: KnowledgeBase,
) -> None:
    result = answer(demo_kb, "which of your high bays fits a cold store at -35°C?", language="en")
    assert result.confident
    assert "HB-UFO-150W-HT" not in result.text  # rated down to -20°C only
    assert "HB-UFO-100W-EC" not in result.text
    assert "-40" in result.text  # the operating range that makes it fit


def test_a_recommendation_for_a_market_lists_what_can_be_sold_there(
    demo_kb: KnowledgeBase,
) -> None:
    result = answer(demo_kb, "Il me faut un tube LED pour un entrepôt, marché US", language="fr")
    assert "T8-AB-1200-15W" in result.text
    assert "T8-G-1200-18W" not in result.text  # no UL/ETL listing


def test_the_watt_one_is_the_one_model_of_that_power(demo_kb: KnowledgeBase) -> None:
    result = answer(
        demo_kb, "Was wiegt der 400W?", language="de", context=["Habt ihr etwas für Sportplätze?"]
    )
    assert "FL-SP-400W" in result.text and "11,5" in result.text


def test_the_dali_one_of_the_range_talked_about(demo_kb: KnowledgeBase) -> None:
    result = answer(
        demo_kb,
        "celui en DALI, quelle plage de courant ?",
        language="fr",
        context=["On regarde vos drivers pour nos luminaires de bureau"],
    )
    assert "DRV-DALI-40W" in result.text and "1050" in result.text


def test_range_words_from_the_data_file() -> None:
    assert find_category("Einbaustrahler fürs Bad") == "downlight"
    assert find_category("Lieferzeit für Hallenstrahler") == "high_bay"
    assert find_category("Vous faites des projecteurs ?") == "floodlight"


def test_new_record_fields_are_answered_and_absent_ones_said_missing(
    demo_kb: KnowledgeBase,
) -> None:
    cut = answer(demo_kb, "DL-R200-18W: medida de corte?", language="es")
    assert cut.confident and "175-180" in cut.text
    t5 = answer(demo_kb, "T5-G-1149-16W: Sockel und wie viele Schaltzyklen?", language="de")
    assert "G5" in t5.text and not t5.confident


def test_a_range_named_with_a_market_lists_what_is_sold_there(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "Einbaustrahler fürs Bad, Projekt in UK", language="de")
    assert result.confident
    assert "DL-SLIM6-12W-NA" not in result.text and "DL-CCT3-8W" not in result.text  # no UKCA/CE


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("How many FL-SL-100W did you ship to Kenya last year?", "en"),
        ("DRV-TRIAC-20W 的MTBF是多少小时？", "zh"),
        ("¿Cuántas unidades del SL-M-60W vendieron el año pasado?", "es"),
        ("In welcher RAL-Farbe ist das Gehäuse des SL-M-100W lackiert?", "de"),
    ],
)
def test_a_question_its_record_does_not_answer_is_not_answered_with_the_summary(
    demo_kb: KnowledgeBase, question: str, language: str
) -> None:
    result = answer(demo_kb, question, language=language)
    assert not result.confident and result.sources == []
    assert "LED" not in result.text  # no line of the record's summary


def test_a_request_for_the_whole_record_still_gets_it(demo_kb: KnowledgeBase) -> None:
    for question in ("Tell me about the HB-UFO-150W", "HB-UFO-150W datasheet", "HB-UFO-150W"):
        result = answer(demo_kb, question)
        assert result.confident and "HB-UFO-150W" in result.text, question
    result = answer(demo_kb, "Is the HB-UFO-240W suitable for cold stores?")
    assert result.confident and "cold stores" in result.text  # the record says it


@pytest.mark.parametrize(
    ("question", "present", "missing"),
    [
        ("DL-FR90-9W : finitions de collerette ?", "satin nickel", None),
        ("DRV-STR-150W-P: how do you program it?", "NFC", None),
        ("What is the BUG rating and the pole height of SL-NA-150W?", "B1-U0-G2", "mounting"),
        ("PNL-6060-40W-EM: battery charge time?", None, "charge"),
        ("T8-HE-1200-14W failure rate?", None, "failure rate"),
    ],
)
def test_new_attributes_answered_from_the_record_or_said_missing(
    demo_kb: KnowledgeBase, question: str, present: str | None, missing: str | None
) -> None:
    result = answer(demo_kb, question)
    if present:
        assert present in result.text
    if missing:
        assert missing in result.text and "does not give" in result.text
        assert not result.confident
    else:
        assert result.confident


def test_a_state_is_its_countrys_market(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "Can we sell the DL-SLIM6-12W-NA in California?")
    assert result.text.startswith("Yes")
    assert "JA8" in result.text and "ETL" in result.text


def test_that_one_is_the_model_the_conversation_described(demo_kb: KnowledgeBase) -> None:
    result = answer(
        demo_kb,
        "what does that one weigh, and can it run on 347V?",
        context=["Do you have linear high bays?"],
    )
    assert "HB-LIN-220W" in result.text and "6.8" in result.text and "347" in result.text
    assert "HB-UFO" not in result.text
    # a word every model of the range has describes none of them: the range answers
    plain = answer(demo_kb, "what does it weigh?", context=["Do you have high bays?"])
    assert "HB-UFO-100W" in plain.text and "HB-LIN-220W" in plain.text


def test_a_three_digit_voltage_asks_the_input_voltage() -> None:
    assert find_attributes("can it run on 347V?") == ["input_voltage"]
    assert find_attributes("0-10V dimming?") == ["dimming"]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quando sai a próxima versão do HB-UFO-200W com 170 lm/W?", "pt"),
        ("When is the next version of the SL-M-100W coming?", "en"),
        ("HB-UFO-150W 有现货吗？", "zh"),
        ("Ist der DL-R150-12W auf Lager?", "de"),
    ],
)
def test_stock_and_models_not_yet_made_are_an_honest_dont_know(
    demo_kb: KnowledgeBase, question: str, language: str
) -> None:
    result = answer(demo_kb, question, language=language)
    assert not result.confident
    assert "170" not in result.text and "150 lm/W" not in result.text  # no record figure
    assert all("product record" not in source for source in result.sources)


def test_a_stock_question_quotes_what_our_documents_say_we_keep(demo_kb: KnowledgeBase) -> None:
    result = answer(demo_kb, "Is the PNL-6060-40W in stock at a European warehouse?")
    assert not result.confident  # the warehouse is not in our data: a person confirms
    assert result.text.startswith("I don't know")
    assert result.sources in (
        [],
        ["Document 'Production lead times and capacity' § Fast-track stock"],
    )
    no_question = answer(demo_kb, "Can I sell the PNL-6060-40W in the EU?")
    assert no_question.confident  # a market question without a stock word is still one


def test_a_misspelling_keeps_its_first_letter() -> None:
    """One edit away but another first letter is another word: "Welligkeit" (ripple) does not
    ask the brightness ("Helligkeit"); "Lichtstorm" still asks the flux."""
    assert "luminous_flux_lm" not in find_attributes("Wie hoch ist die Welligkeit?")
    assert find_attributes("Wie hoch ist der Lichtstorm?") == ["luminous_flux_lm"]


def test_a_driver_asked_for_a_load_is_answered_with_drivers(demo_kb: KnowledgeBase) -> None:
    """ "a dimmable driver to run some 15W downlights": the luminaires' figures are the load's,
    so the answer shows our drivers, whatever luminaire and power the load names."""
    from sales.rfq.products import CATEGORY_WORDS

    drivers = {str(p["sku"]) for p in demo_kb.products_in("driver")}
    for category, words in CATEGORY_WORDS.items():
        if category == "driver":
            continue
        for product in demo_kb.products_in(category)[:2]:
            question = f"need a dimmable driver to run some {product['power_w']}W {words[0]}s"
            result = answer(demo_kb, question, language="en")
            shown = demo_kb.find_skus(result.text)
            assert shown and shown[0] in drivers, (question, result.text)


def test_a_superlative_over_a_range_names_the_extreme_first(demo_kb: KnowledgeBase) -> None:
    """ "your lightest street light", "哪款最亮": for every superlative word and every range
    whose records give the attribute as numbers, the first model the answer names holds the
    range's lowest (or highest) value."""
    from knowledge.attributes import superlatives
    from sales.rfq.products import CATEGORY_WORDS

    checked = 0
    for word, (key, direction) in superlatives().items():
        for category, words in CATEGORY_WORDS.items():
            values = {
                str(p["sku"]): float(p[key])
                for p in demo_kb.products_in(category)
                if isinstance(p.get(key), int | float) and not isinstance(p.get(key), bool)
            }
            if len(set(values.values())) < 2:
                continue
            extreme = (min if direction == "min" else max)(values.values())
            question = f"which is your {word} {words[0]}?"
            result = answer(demo_kb, question, language="en")
            shown = [sku for sku in demo_kb.find_skus(result.text) if sku in values]
            assert shown and values[shown[0]] == extreme, (question, result.text)
            checked += 1
    assert checked > 100
