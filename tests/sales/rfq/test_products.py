"""Product words from the per-language data files, and German compounds ("Glasröhren")."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import LANGUAGES
from sales.rfq.products import (
    CATEGORY_WORDS,
    WORDS,
    WORDS_DIR,
    category_of,
    compound_category,
    load_words,
)

GERMAN_MODIFIERS = ("glas", "decken", "industrie", "hochleistungs", "wand", "sport", "büro")


def test_every_language_has_a_words_file_with_known_categories() -> None:
    for name in (*LANGUAGES, "any"):
        assert (WORDS_DIR / f"{name}.yaml").exists(), name
    words = load_words()
    assert set(words.categories) == set(CATEGORY_WORDS)
    assert all(words.categories.values()) and all(words.variants.values())


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(WORDS.compound_heads)),
    st.sampled_from(GERMAN_MODIFIERS) | st.text("abcdefghiklmnoprstuwz", min_size=3, max_size=9),
)
def test_a_german_compound_names_its_heads_category(head: str, modifier: str) -> None:
    compound = (modifier + head.lower()).capitalize()
    category = WORDS.compound_heads[head]
    assert compound_category(compound) == category, compound
    assert category_of(f"Wir brauchen 3000 {compound}, bitte") == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Wir brauchen 3000 Ufoeinlegeleuchte, bitte", "panel"),  # the head names it, not "ufo"
        ("3000 Glasröhren T8", "tube"),
        ("Deckeneinbauleuchten 12W", "downlight"),
        ("Industriehallenleuchten 150W", "high_bay"),
        ("Schaltnetzteile", "driver"),
        ("Hochleistungsfluter", "floodlight"),
        ("Hallenstrahler", "high_bay"),  # a word of ours is not split
        ("screwdriver", None),  # English writes no compounds
        ("Kupfer", None),
        ("Röhren", "tube"),  # the head alone: no compound, the word itself
        ("150W路灯电源", "driver"),  # a Chinese compound's head is its last word
        ("路灯，200个", "street_light"),
    ],
)
def test_compounds_and_plain_words(text: str, category: str | None) -> None:
    assert category_of(text) == category


def test_the_modifier_of_a_compound_selects_a_variant(demo_kb) -> None:  # type: ignore[no-untyped-def]
    from sales.rfq.products import match_product

    assert match_product("Glasröhren T8 18W", demo_kb).sku == "T8-G-1200-18W"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wir brauchen 3000 Glasröhren T8 18W", [("3000", "T8-G-1200-18W")]),
        (
            "Angebot für 500 Industriehallenleuchten 150W und 200 Deckeneinbauleuchten",
            [("500", "HB-UFO-150W"), ("200", None)],
        ),
    ],
)
def test_a_compound_near_a_count_is_an_item(demo_kb, text: str, expected: list) -> None:  # type: ignore[no-untyped-def,type-arg]
    from datetime import date

    from sales.rfq.extract import extract

    found = extract(text, state={}, expecting=None, today=date(2026, 11, 21), catalog=demo_kb)
    items = found.slots["items"]
    assert [(i["quantity"], i["sku"]) for i in items] == expected
    assert all(i["category"] for i in items)


def _han_words() -> list[tuple[str, str]]:
    from sales.rfq.products import CATEGORY_WORDS, category_of

    return [
        (word, category)
        for category, words in CATEGORY_WORDS.items()
        for word in words
        if re.fullmatch(r"[\u3400-\u9fff]+", word) and category_of(word) == category
    ]


def test_chinese_names_the_head_of_a_phrase_last() -> None:
    """ "路灯配的那款可以NFC编程的电源" is a driver, "带电源的路灯" a street light: a later range
    word of the clause after 的 is the head; after a comma it is another clause."""
    from sales.rfq.products import category_of

    words = _han_words()
    assert len(words) > 10
    for (first, one), (second, other) in itertools.product(words, words):
        if one == other or first in second or second in first:
            continue
        assert category_of(f"{first}配的那款{second}") == other, (first, second)
        assert category_of(f"带{first}的{second}") == other, (first, second)
        assert category_of(f"我要{first}，配的{second}") == one, (first, second)


def test_a_compound_of_range_words_names_its_last_one() -> None:
    """ "Straßenleuchten-Treiber", "street light driver": the head of a compound is its last
    range word; a range named after "for" or a count is another item."""
    from sales.rfq.products import CATEGORY_WORDS, category_of

    words = [
        (word, category)
        for category, ws in CATEGORY_WORDS.items()
        for word in ws
        if re.fullmatch(r"[a-zà-ÿß]+(?: [a-zà-ÿß]+)?", word) and category_of(word) == category
    ]
    assert len(words) > 30
    for (first, one), (second, other) in itertools.product(words, words):
        if one == other or first in second or second in first:
            continue
        assert category_of(f"{first}-{second}") == other, (first, second)
        assert category_of(f"{first} {second}") == other, (first, second)
        assert category_of(f"{first} for 10 {second}") == one, (first, second)
