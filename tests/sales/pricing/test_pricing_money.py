from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales.pricing import load_price_book
from sales.pricing.money import format_money, margin_pct, minor_units, round_money, round_money_up
from sales.pricing.pricebook import PriceBook

from .conftest import FIXTURE_BOOK

FX = load_price_book(FIXTURE_BOOK).currencies


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "USD", "2.35"),
        ("2.344", "USD", "2.34"),
        ("-2.345", "USD", "-2.35"),
        ("1234.5", "JPY", "1235"),
        ("1234.4", "JPY", "1234"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_round_half_up_to_minor_unit(amount: str, currency: str, expected: str) -> None:
    assert round_money(Decimal(amount), currency) == Decimal(expected)


def test_minor_units_from_babel() -> None:
    assert (minor_units("USD"), minor_units("JPY"), minor_units("KWD")) == (2, 0, 3)
    with pytest.raises(ValueError, match="unknown currency"):
        minor_units("XYZ")


def test_floor_rounding_goes_up() -> None:
    assert round_money_up(Decimal("9.541"), "USD") == Decimal("9.55")
    assert round_money_up(Decimal("100.01"), "JPY") == Decimal("101")


def test_margin_is_rounded_down() -> None:
    assert margin_pct(Decimal("10"), Decimal("8.8001")) == Decimal("11.99")
    assert margin_pct(Decimal("0"), Decimal("1")) == Decimal("-100.00")


def test_format_money() -> None:
    assert format_money(Decimal("12345.6"), "USD") == "USD 12,345.60"
    assert format_money(Decimal("1234"), "JPY") == "JPY 1,234"


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2),
    st.sampled_from(sorted(FX.per_usd)),
)
def test_currency_round_trip_stays_within_rounding(amount: Decimal, currency: str) -> None:
    """USD -> X -> USD: off by at most half a cent plus half a minor unit of X in USD."""
    there = round_money(FX.convert(amount, "USD", currency), currency)
    back = round_money(FX.convert(there, currency, "USD"), "USD")
    half_usd = Decimal("0.005")
    half_x_in_usd = Decimal(1).scaleb(-minor_units(currency)) / 2 / FX.rate(currency)
    assert abs(back - amount) <= half_usd + half_x_in_usd


def test_book_type_is_exported() -> None:
    assert isinstance(load_price_book(FIXTURE_BOOK), PriceBook)
