"""Values inside messages written the buyer's way, and word edges that work for Chinese."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from i18n import Msg, localize
from sales.normalizers.countries import country_text
from sales.normalizers.local_text import (
    date_text,
    human_date,
    list_text,
    number_text,
    quoted_list,
)
from sales.normalizers.word_edges import alternatives, has_han, whole


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "15 March 2027"),
        ("de", "15. März 2027"),
        ("es", "15 de marzo de 2027"),
        ("fr", "15 mars 2027"),
        ("pt", "15 de março de 2027"),
        ("zh", "2027年3月15日"),
    ],
)
def test_dates(language: str, written: str) -> None:
    assert human_date(date(2027, 3, 15), language) == written
    assert localize(date_text(date(2027, 3, 15)), language) == written


def test_first_of_the_month_in_french() -> None:
    assert human_date(date(2027, 3, 1), "fr") == "1er mars 2027"


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "5,000"), ("de", "5.000"), ("fr", "5\u202f000"), ("zh", "5,000"), ("pt", "5.000")],
)
def test_numbers(language: str, written: str) -> None:
    assert localize(number_text(Decimal(5000)), language) == written


def test_values_read_as_english_and_render_inside_a_message() -> None:
    message = Msg("validation.date.past", date=date_text(date(2020, 3, 15)))
    assert message == "15 March 2020 is already in the past. By when do you need the goods?"
    assert localize(message, "de").startswith("Der 15. März 2020 liegt")


def test_lists_and_countries() -> None:
    options = list_text([country_text("DE"), "Hamburg"])
    assert options == "Germany or Hamburg"
    assert localize(options, "es") == "Alemania o Hamburg"
    assert localize(options, "zh") == "德国或Hamburg"


def test_quoted_lists_use_each_languages_quotation_marks() -> None:
    names = quoted_list(["XYZ", "ABC"])
    assert names == "“XYZ”, “ABC”"
    assert localize(names, "de") == "„XYZ“, „ABC“"
    assert localize(names, "zh") == "“XYZ”、“ABC”"


@pytest.mark.parametrize(
    ("word", "text", "found"),
    [
        ("CE", "需要CE和RoHS认证", True),
        ("CE", "CERTIFIED", False),
        ("面板灯", "600x600 40W面板灯，发往汉堡", True),
        ("panel", "panels", False),
        ("panel", "LED-panel 40W", True),
    ],
)
def test_whole_words_with_and_without_spaces(word: str, text: str, found: bool) -> None:
    assert bool(re.search(whole(word), text)) is found


def test_alternatives_prefer_the_longest_word() -> None:
    match = re.search(alternatives(["印度", "印度尼西亚"]), "运往印度尼西亚")
    assert match is not None and match.group(0) == "印度尼西亚"
    assert has_han("Hamburg 汉堡") and not has_han("Hamburg")


# Words and texts of Latin letters in both cases, Chinese, digits, spaces and a hyphen, so that
# words of every kind of edge overlap, start inside one another and stand side by side.
_WORD = st.text(alphabet="abAB温度3 -", max_size=5)
_PIECES = ["a", "B", "温", "度", "3", " ", "-", "."]


@given(st.lists(_WORD, min_size=1, max_size=8), st.sampled_from([0, re.IGNORECASE]), st.data())
def test_alternatives_match_as_one_whole_word_each_longest_first(
    words: list[str], flags: int, data: st.DataObject
) -> None:
    """Runs of words with the same edges share them: the matches are those of every word as a
    whole word of its own, longest first."""
    pattern = re.compile(alternatives(words), flags)
    plain = re.compile("|".join(whole(w) for w in sorted(set(words), key=len, reverse=True)), flags)
    pieces = st.lists(st.sampled_from([*words, *_PIECES]), max_size=10).map("".join)
    for text in data.draw(st.lists(pieces, min_size=1, max_size=4)):
        assert [m.span() for m in pattern.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]
        for start in range(len(text)):
            found, expected = pattern.match(text, start), plain.match(text, start)
            assert (found and found.span()) == (expected and expected.span())
