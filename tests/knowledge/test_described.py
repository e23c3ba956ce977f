"""A model described by its range and its values ("the 150W high bay", "la farola económica de
60W", "Ihr 1000-Watt-Stadionstrahler") is the one record that fits, in search as in answers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from knowledge.answers import answer
from knowledge.attributes import find_attributes
from knowledge.categories import compound_category, find_category
from knowledge.described import (
    MAX_DESCRIBED,
    asks_a_value,
    described_model,
    described_models,
    power_named,
)
from knowledge.index import KnowledgeBase
from knowledge.recommend import features
from sales.rfq.products import WORDS_DIR, variants_of


@pytest.mark.parametrize(
    ("text", "power"),
    [
        ("the 150W high bay", 150.0),
        ("Ihr 1000-Watt-Stadionstrahler", 1000.0),
        ("el proyector de 400 W", 400.0),
        ("200瓦的路灯", 200.0),
        ("HB-UFO-150W weight", None),  # a model number's power is no description
        ("what is the MOQ?", None),
    ],
)
def test_the_power_a_buyer_writes(text: str, power: float | None) -> None:
    assert power_named(text) == power


def test_one_record_of_the_range_with_that_power_or_none() -> None:
    range_ = [
        {"sku": "A-100W", "power_w": 100},
        {"sku": "A-150W", "power_w": 150},
        {"sku": "B-150W", "power_w": 150},
    ]
    assert described_model(range_, "the 100 W one") == "A-100W"
    assert described_model(range_, "the 150 W one") is None  # two have it
    assert described_model(range_, "the 300 W one") is None
    assert described_model(range_, "the cheap one") is None


def test_a_german_compound_names_its_range_by_its_head() -> None:
    assert compound_category("ihr 1000-watt-stadionstrahler") == "floodlight"
    assert find_category("der 40-Watt-Konstantstromtreiber") == "driver"
    assert compound_category("wie viele kisten gehen auf eine palette") is None


def test_search_finds_the_described_model_first(demo_kb: KnowledgeBase) -> None:
    hits = demo_kb.search("Ihr 1000-Watt-Stadionstrahler, wie viele Kisten gehen auf eine Palette?")
    assert hits[0].sku == "FL-SP-1000W"
    assert demo_kb.search("the 200W high bay: how heavy is it?")[0].sku == "HB-UFO-200W"


# --- generated: every record of the demo catalog, described in six languages ----------------

DEMO_PRODUCTS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "knowledge" / "demo" / "products.yaml").read_text(
        encoding="utf-8"
    )
)["products"]
LANGUAGES = ("en", "zh", "es", "de", "fr", "pt")
_RANGE: dict[str, list[dict[str, Any]]] = {}
for _product in DEMO_PRODUCTS:
    _RANGE.setdefault(_product["category"], []).append(_product)


def _range_words(category: str, lang: str) -> list[str]:
    """The words of ``lang`` for the range that name it alone: no digit, no line word and no
    word of a model number in them (those describe a model)."""
    data = yaml.safe_load((WORDS_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    model_words = {
        part.lower() for p in _RANGE[category] for part in str(p["sku"]).split("-") if part
    }
    return [
        str(word)
        for word in data["categories"].get(category, [])
        if not re.search(r"\d", str(word))
        and not variants_of(str(word))
        and not set(re.findall(r"[a-z0-9]+", str(word).lower())) & model_words
        and find_category(str(word)) == category
    ]


def _values(product: dict[str, Any]) -> list[tuple[str, set[str]]]:
    """(a value as a buyer writes it, the SKUs of the range that have it) from the record's
    own fields: its power, its cut-out, a word of its model number."""
    range_ = _RANGE[product["category"]]
    values = [
        (
            f"{product['power_w']}W",
            {p["sku"] for p in range_ if p.get("power_w") == product["power_w"]},
        )
    ]
    for number in re.findall(r"\d+", str(product.get("cut_out_mm") or "")):
        having = {
            p["sku"]
            for p in range_
            if number in re.findall(r"\d+", str(p.get("cut_out_mm") or ""))
            or re.search(rf"(?<!\d){number} mm", str(p["name"]))
        }
        values.append((f"{number} mm", having))
    for part in str(product["sku"]).split("-"):
        if len(part) >= 3 and re.search("[A-Z]", part) and not re.fullmatch(r"\d+W", part):
            having = {p["sku"] for p in range_ if part in str(p["sku"]).split("-")}
            values.append((part, having))
    return values


CASES = [
    (product, value, having)
    for product in DEMO_PRODUCTS
    for value, having in _values(product)
    if any(_range_words(product["category"], lang) for lang in LANGUAGES)
]


def _description(data: st.DataObject, product: dict[str, Any], value: str) -> str | None:
    lang = data.draw(st.sampled_from(LANGUAGES))
    words = _range_words(product["category"], lang)
    if not words:
        return None
    word = data.draw(st.sampled_from(words))
    if lang == "zh":
        return f"{value}的{word}"
    return data.draw(st.sampled_from([f"{word} {value}", f"{value} {word}", f"{word} de {value}"]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CASES), st.data())
def test_a_range_word_and_a_value_name_the_one_record_that_has_it(
    case: tuple[dict[str, Any], str, set[str]], data: st.DataObject
) -> None:
    product, value, having = case
    text = _description(data, product, value)
    assume(text is not None)
    assert text is not None
    found = described_model(_RANGE[product["category"]], text)
    assert found == (product["sku"] if having == {product["sku"]} else None), text


def test_line_words_in_six_languages_pick_the_line() -> None:
    street = _RANGE["street_light"]
    for text in (
        "la farola económica de 60W",
        "the economy 60W street light",
        "die günstige 60-W-Straßenleuchte",
        "le lampadaire économique de 60W",
        "a luminária pública econômica de 60W",
        "60W经济型路灯",
    ):
        assert described_model(street, text) == "SL-EC-60W", text
    assert described_model(street, "the 60W street light") is None  # two have 60 W
    assert described_model(_RANGE["high_bay"], "线性工矿灯220W那款") == "HB-LIN-220W"
    assert described_model(_RANGE["floodlight"], "der 400-W-Sportstrahler") == "FL-SP-400W"
    assert described_model(_RANGE["panel"], "el panel UGR19 de 600x600") == "PNL-6060-30W-UGR19"
    assert described_model(_RANGE["tube"], "le tube T8 de 600 mm") == "T8-G-600-9W"
    assert described_model(_RANGE["downlight"], "La downlight de 135 mm de corte") == "DL-R150-12W"
    assert described_model(_RANGE["downlight"], "das COB-Downlight") == "DL-COB-AR-15W"
    # a size no record of the range has describes none of them
    assert described_model(_RANGE["downlight"], "the downlight for 300 mm holes") is None


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("quantos LEDs tem a UFO de 200W?", True),
        ("Wie lang ist das Anschlusskabel am 400-W-Sportstrahler?", True),
        ("线性工矿灯220W那款，LED结温大概多少度？", True),
        ("¿Cuál es el R9 del panel UGR19?", True),
        ("Do you have a 240W high bay?", False),
        ("¿Tienen una farola económica de 60W?", False),
        ("Habt ihr ein COB-Downlight?", False),
        ("有没有220W的线性工矿灯？", False),
        ("the 240W high bay", False),
    ],
)
def test_a_question_for_a_value_or_for_what_we_have(question: str, asks: bool) -> None:
    assert asks_a_value(question) is asks


# Questions for an invented property of a described product, one form per language.
_ASK = {
    "en": "What is the {prop} of the {desc}?",
    "es": "¿Cuál es el {prop} de {desc}?",
    "pt": "Qual é o {prop} da {desc}?",
    "fr": "Quel est le {prop} de {desc} ?",
    "de": "Wie hoch ist der {prop} bei {desc}?",
    "zh": "{desc}的{prop}是多少？",
}
# a value that names an attribute itself ("010V" reads as a voltage) asks that attribute
UNIQUE = [
    (p, value) for p, value, having in CASES if having == {p["sku"]} and not find_attributes(value)
]
_INVENTED = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=6, max_size=10).filter(
    lambda word: not find_attributes(word) and find_category(word) is None
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(UNIQUE), st.sampled_from(LANGUAGES), _INVENTED, st.data())
def test_an_invented_property_of_a_described_product_is_never_confident_nor_a_list(
    demo_kb: KnowledgeBase,
    case: tuple[dict[str, Any], str],
    lang: str,
    prop: str,
    data: st.DataObject,
) -> None:
    product, value = case
    words = _range_words(product["category"], lang)
    assume(words)
    word = data.draw(st.sampled_from(words))
    desc = f"{value}{word}" if lang == "zh" else f"{word} {value}"
    question = _ASK[lang].format(prop=prop, desc=desc)
    result = answer(demo_kb, question, language=lang)
    assert not result.confident, (question, result.text)
    named = set(demo_kb.find_skus(result.text))
    assert product["sku"] in named, (question, result.text)
    others = {p["sku"] for p in _RANGE[product["category"]]} - {product["sku"]}
    assert not named & others, (question, result.text)


@pytest.mark.parametrize(
    ("question", "lang", "value", "sku"),
    [
        ("The COB downlight: what is its cut-out, and what is its TM-30 Rf?", "en", "85", None),
        ("Das COB-Downlight: welcher Ausschnitt, und wie hoch ist der Rf-Wert?", "de", "85", None),
        ("Le tube T8 de 600 mm : quel culot, et combien de cycles d'allumage ?", "fr", "G13", None),
        ("¿Qué espesor tiene la farola económica de 60W?", "es", None, "SL-EC-60W"),
    ],
)
def test_a_part_with_no_data_about_a_described_product_is_said(
    demo_kb: KnowledgeBase, question: str, lang: str, value: str | None, sku: str | None
) -> None:
    result = answer(demo_kb, question, language=lang)
    assert not result.confident, result.text
    if value:
        assert value in result.text
    if sku:
        assert sku in result.text


def test_a_question_about_the_range_keeps_the_range(demo_kb: KnowledgeBase) -> None:
    both = answer(demo_kb, "Do you have a 150W high bay?")
    assert {"HB-UFO-150W", "HB-UFO-150W-HT"} <= set(demo_kb.find_skus(both.text))
    one = answer(demo_kb, "Do you have a 240W high bay?")
    assert one.confident and "HB-UFO-240W" in one.text


# --- a record described by what it has, not by its number ------------------------------------

_PROTOCOLS = ("0-10V", "DALI", "TRIAC")


@given(
    powers=st.lists(st.sampled_from([20, 40, 60, 100, 150, 200]), min_size=2, max_size=8),
    protocols=st.lists(st.sampled_from(_PROTOCOLS), min_size=8, max_size=8),
    pick=st.integers(min_value=0, max_value=7),
)
@settings(deadline=None)  # the first example reads needs.yaml and compiles its patterns
def test_a_description_fits_the_records_meeting_most_of_it(
    powers: list[int], protocols: list[str], pick: int
) -> None:
    range_ = [
        {"sku": f"X-{i}", "power_w": watts, "dimming": [protocols[i]]}
        for i, watts in enumerate(powers)
    ]
    chosen = range_[pick % len(range_)]
    text = f"the {chosen['dimming'][0]} driver of {chosen['power_w']} W"
    found = described_models(range_, text)
    same = [p["sku"] for p in range_ if p["power_w"] == chosen["power_w"]]
    both = [
        s for s in same if next(p for p in range_ if p["sku"] == s)["dimming"] == chosen["dimming"]
    ]
    expected = both if len(both) <= MAX_DESCRIBED else []
    assert found == expected
    assert chosen["sku"] in found or len(both) > MAX_DESCRIBED
    assert described_models(range_, "what is its weight?") == []  # nothing described


def test_the_features_of_needs_yaml_describe_a_record(demo_kb: KnowledgeBase) -> None:
    tubes = demo_kb.products_in("tube")
    for word in next(f for f in features() if f.key == "on_ballast").words:
        assert described_models(tubes, f"the tube {word}: how long is it?") == ["T8-AB-1200-15W"]
    street = demo_kb.products_in("street_light")
    assert described_models(street, "A luminária pública econômica é classe I?") == ["SL-EC-60W"]
    high_bays = demo_kb.products_in("high_bay")
    assert described_models(high_bays, "die Hallenleuchte mit der Gangoptik") == ["HB-LIN-220W"]
    assert described_models(high_bays, "the UFO that copes with 70°C") == ["HB-UFO-150W-HT"]


@pytest.mark.parametrize(
    ("question", "sku"),
    [
        ("Die Röhre, die am EVG läuft: welchen Sockel hat sie?", "T8-AB-1200-15W"),
        ("la farola económica, ¿qué clase de protección tiene?", "SL-EC-60W"),
        ("the linear high bay with the aisle optic: how heavy is it?", "HB-LIN-220W"),
    ],
)
def test_search_finds_the_described_record(demo_kb: KnowledgeBase, question: str, sku: str) -> None:
    assert sku in [hit.sku for hit in demo_kb.search(question, 3)]
