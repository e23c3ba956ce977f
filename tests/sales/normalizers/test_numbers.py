"""Numbers in every language: digits with any locale's separators, words, Chinese numerals."""

from decimal import Decimal

import cn2an
import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n.formatting import BABEL_LOCALES
from sales.normalizers.numbers import (
    chinese_number,
    parse_digits,
    parse_foreign_number_words,
    words_to_number,
)
from sales.normalizers.quantity import parse_quantity


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=10_000_000), st.sampled_from(sorted(BABEL_LOCALES)))
def test_any_integer_written_the_buyers_way_reads_back(number: int, language: str) -> None:
    written = format_decimal(number, locale=BABEL_LOCALES[language])  # "5.000", "5 000"
    assert parse_quantity(written).value is not None
    assert parse_quantity(f"{written} pcs").value.amount == number  # type: ignore[union-attr]


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_integer_in_chinese_numerals_reads_back(number: int) -> None:
    assert chinese_number(cn2an.an2cn(number)) == number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("cinco mil", 5000),
        ("dos mil quinientas", 2500),
        ("fünftausend", 5000),
        ("zweitausendfünfhundert", 2500),
        ("cinq mille", 5000),
        ("deux mille cinq cents", 2500),
        ("cinco mil", 5000),
        ("dois mil e quinhentos", 2500),
        ("vingt-et-un", 21),
        ("five thousand", 5000),
        ("五千", 5000),
        ("一万", 10000),
        ("两千五百", 2500),
        ("5千", 5000),
        ("1.2万", 12000),
    ],
)
def test_number_words(text: str, value: int) -> None:
    assert words_to_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["un", "une", "eine", "uma", "千", "万", "panel", "cinco paneles"])
def test_articles_and_other_words_are_not_numbers(text: str) -> None:
    assert parse_foreign_number_words(text) is None
    assert chinese_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("5.000", 5000), ("5 000", 5000), ("5\u202f000", 5000), ("5,000", 5000), ("1.234,5", 1234.5)],
)
def test_digits_in_any_style(text: str, value: float) -> None:
    assert parse_digits(text) == Decimal(str(value))
