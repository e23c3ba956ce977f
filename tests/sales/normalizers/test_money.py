from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.money import Money, parse_money


@pytest.mark.parametrize(
    ("text", "amount", "currency", "per_unit"),
    [
        ("12.50 USD", "12.50", "USD", None),
        ("$12.5", "12.5", "USD", None),
        ("US$3.20", "3.20", "USD", None),
        ("€11,80", "11.80", "EUR", None),
        ("11,80 EUR", "11.80", "EUR", None),
        ("1.234,50 €", "1234.50", "EUR", None),
        ("€0,99", "0.99", "EUR", None),
        ("USD 12.50/pc", "12.50", "USD", "pcs"),
        ("12.50 usd per piece", "12.50", "USD", "pcs"),
        ("12.5 dollars each", "12.5", "USD", "pcs"),
        ("12.5 euros a piece", "12.5", "EUR", "pcs"),
        ("12,50 € pro Stück", "12.50", "EUR", "pcs"),
        ("£9.99/set", "9.99", "GBP", "sets"),
        ("USD 0.85 per meter", "0.85", "USD", "m"),
        ("RMB 80", "80", "CNY", None),
        ("80元", "80", "CNY", None),
        ("CNY80", "80", "CNY", None),
        ("A$ 5", "5", "AUD", None),
        ("AUD 5.20", "5.20", "AUD", None),
        ("Rs 500", "500", "INR", None),
        ("R$ 20", "20", "BRL", None),
        ("2500 AED", "2500", "AED", None),
        # the dollar sign with its country after it (Quebec, and French usage elsewhere)
        ("8,50 $ CA", "8.50", "CAD", None),
        ("8,50 $ CA l'unité", "8.50", "CAD", "pcs"),
        ("8,50 $CA", "8.50", "CAD", None),
        ("10 $ CAN", "10", "CAD", None),
        ("$ CA 8,50", "8.50", "CAD", None),
        ("12 $ AU", "12", "AUD", None),
        ("3,20 $ US", "3.20", "USD", None),
    ],
)
def test_prices(text: str, amount: str, currency: str, per_unit: str | None) -> None:
    result = parse_money(text)
    assert result.ok, result.error
    assert result.value == Money(Decimal(amount), currency, per_unit)
    assert str(result.value.amount) == amount  # the buyer's decimals are kept


def test_yen_sign_is_cny_with_a_note() -> None:
    result = parse_money("¥80")
    assert result.value == Money(Decimal(80), "CNY")
    assert "JPY" in result.notes[0]


def test_yen_sign_is_jpy_for_buyers_in_japan() -> None:
    result = parse_money("¥800", buyer_country="JP")
    assert result.value == Money(Decimal(800), "JPY")
    assert "CNY" in result.notes[0]


def test_dollar_sign_is_usd_with_a_note_in_other_dollar_countries() -> None:
    result = parse_money("$12", buyer_country="AU")
    assert result.value == Money(Decimal(12), "USD")
    assert "AUD" in result.notes[0]
    assert parse_money("$12", buyer_country="US").notes == ()


def test_ambiguous_words_take_the_buyers_currency() -> None:
    assert parse_money("120 pesos", buyer_country="MX").value == Money(Decimal(120), "MXN")
    assert parse_money("kr 100", buyer_country="SE").value == Money(Decimal(100), "SEK")


def test_default_currency_for_bare_numbers() -> None:
    assert parse_money("12.5", default_currency="usd").value == Money(Decimal("12.5"), "USD")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0 USD", "above 0"),
        ("USD 0.00", "above 0"),
        ("-5 USD", "above 0"),
        ("$-5", "above 0"),
        ("12", "Which currency"),
        ("12.5 per pc", "Which currency"),
        ("12 pesos", "MXN, CLP"),
        ("kr 100", "SEK, NOK"),
        ("10-12 USD", "range"),
        ("12 USD or 11 EUR", "one currency"),
        ("cheap", "couldn't find a price"),
        ("1e30 USD", "couldn't read"),
        ("USD 50,000,000", "too high"),
        ("", "target price"),
    ],
)
def test_price_errors(text: str, says: str) -> None:
    result = parse_money(text)
    assert not result.ok
    assert says in (result.error or "")


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(
    cents=st.integers(min_value=1, max_value=99_999_999),
    style=st.sampled_from(["{a} USD", "USD {a}", "${a}", "{a} EUR", "€{a}"]),
    decimal_comma=st.booleans(),
)
def test_any_price_round_trips(cents: int, style: str, decimal_comma: bool) -> None:
    amount = Decimal(cents) / 100
    text_amount = f"{amount:,.2f}"
    if decimal_comma:
        text_amount = text_amount.replace(",", " ").replace(".", ",")
    result = parse_money(style.format(a=text_amount))
    assert result.ok, result.error
    assert result.value is not None and result.value.amount == amount


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=40))
def test_garbage_never_raises(text: str) -> None:
    result = parse_money(text)
    assert result.ok or result.error
    if result.value is not None:
        assert result.value.amount > 0
        assert len(result.value.currency) == 3
