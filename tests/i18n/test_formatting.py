"""One babel locale map and one set of formatting functions (dates, numbers, money, lists)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from i18n import LANGUAGES
from i18n.formatting import (
    BABEL_LOCALES,
    babel,
    babel_locale,
    date_text,
    list_text,
    listed,
    money_text,
    number_text,
)

ROOT = Path(__file__).resolve().parents[2]


def test_every_language_has_one_babel_locale() -> None:
    assert set(BABEL_LOCALES) == set(LANGUAGES)
    assert babel_locale("zh") == "zh_Hans_CN" and babel_locale("pt") == "pt_BR"
    assert babel_locale(None) == babel_locale("xx") == "en"
    assert babel("de").territories["DE"] == "Deutschland"


def test_no_other_module_keeps_a_locale_map() -> None:
    defined = re.compile(r"^BABEL_LOCALES\s*[:=]", re.M)
    owners = [
        path.relative_to(ROOT).as_posix()
        for top in ("i18n", "api", "sales", "knowledge", "actions", "bot")
        for path in (ROOT / top).rglob("*.py")
        if defined.search(path.read_text(encoding="utf-8"))
    ]
    assert owners == ["i18n/formatting.py"]


@pytest.mark.parametrize(
    ("language", "long", "medium"),
    [
        ("en", "15 March 2027", "Mar 15, 2027"),
        ("de", "15. März 2027", "15.03.2027"),
        ("zh", "2027年3月15日", "2027年3月15日"),
        ("fr", "15 mars 2027", "15 mars 2027"),
    ],
)
def test_dates(language: str, long: str, medium: str) -> None:
    value = date(2027, 3, 15)
    assert date_text(value, language) == long
    assert date_text(value, language, length="medium") == medium
    expected_iso = "2027-03-15" if language == "en" else long
    assert date_text(value, language, english="iso") == expected_iso


def test_the_first_of_the_month_in_french() -> None:
    assert date_text(date(2027, 3, 1), "fr") == "1er mars 2027"


def test_numbers() -> None:
    assert number_text(5000, "de") == "5.000"
    assert number_text("12.50", "en") == "12.5"
    assert number_text("12.50", "de", 2) == "12,50"
    assert number_text("1.23456", "en", max_places=3) == "1.235"
    assert number_text("4.7", "de", pattern="0.00") == "4,70"


def test_money() -> None:
    assert money_text(Decimal("62500"), "USD", "en") == "USD 62,500.00"
    assert money_text(Decimal("62500"), "USD", "de") == "USD 62.500,00"
    assert money_text(Decimal("62500"), "EUR", "de", code=False) == "62.500,00"
    assert money_text(Decimal("1234"), "JPY", "en") == "JPY 1,234"


def test_lists() -> None:
    assert list_text(["A", "B", "C"], "en") == "A or B or C"
    assert list_text(["A", "B"], "en", "standard") == "A, B"
    assert list_text(["A", "B", "C"], "es") == "A, B o C"
    assert listed(["a"], "en") == "a"
    assert listed(["a", "b", "c"], "en", "or").endswith("c")
