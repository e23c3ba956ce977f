from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.normalizers.numbers import parse_number_words
from sales.normalizers.quantity import UNITS, Quantity, parse_quantity


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("5k", "5000", None),
        ("5K PCS", "5000", "pcs"),
        ("5,000", "5000", None),
        ("5.000", "5000", None),
        ("5 000", "5000", None),
        ("5\u00a0000 pcs", "5000", "pcs"),
        ("5'000 Stk", "5000", "pcs"),
        ("five thousand", "5000", None),
        ("five thousand pieces", "5000", "pcs"),
        ("two hundred and fifty sets", "250", "sets"),
        ("2.5k", "2500", None),
        ("10 thousand pcs", "10000", "pcs"),
        ("5000 pcs", "5000", "pcs"),
        ("5000pcs", "5000", "pcs"),
        ("pcs 5000", "5000", "pcs"),
        ("10 sets", "10", "sets"),
        ("500 pieces", "500", "pcs"),
        ("1,200 units", "1200", "pcs"),
        ("2 pallets", "2", "pallets"),
        ("4 plts", "4", "pallets"),
        ("120 ctns", "120", "cartons"),
        ("30 boxes", "30", "cartons"),
        ("50 pairs", "50", "pairs"),
        ("1000 metres", "1000", "m"),
        ("12.5 m", "12.5", "m"),
        ("250 kilos", "250", "kg"),
        ("1.5 t", "1.5", "t"),
        ("3 tonnes", "3", "t"),
        ("500 ea", "500", "pcs"),
        ("800 nos", "800", "pcs"),
        ("300 bulbs", "300", "pcs"),
        ("500 pcs of 40W panels", "500", "pcs"),
        ("about 5000 pcs", "5000", "pcs"),
        ("approx. 2k", "2000", None),
        ("3 containers", "3", "containers"),
        ("a dozen sets", "12", "sets"),
        # other languages
        ("5000个", "5000", "pcs"),
        ("200件", "200", "pcs"),
        ("300 套", "300", "sets"),
        ("约5000个", "5000", "pcs"),
        ("500 piezas", "500", "pcs"),
        ("1.000 unidades", "1000", "pcs"),
        ("200 Stück", "200", "pcs"),
        ("100 Stk.", "100", "pcs"),
        ("12 Sätze", "12", "sets"),
        ("10 Paletten", "10", "pallets"),
        ("５０００个", "5000", "pcs"),
    ],
)
def test_quantities(text: str, amount: str, unit: str | None) -> None:
    result = parse_quantity(text)
    assert result.ok, result.error
    assert result.value == Quantity(Decimal(amount), unit)


@pytest.mark.parametrize(
    ("text", "amount", "ctype"),
    [
        ("3 x 40HQ containers", "3", "40HQ"),
        ("3x40HQ", "3", "40HQ"),
        ("2 x 20GP", "2", "20GP"),
        ("1 x 40' container", "1", "40GP"),
        ("one 20ft container", "1", "20GP"),
        ("two 40HC", "2", "40HQ"),
        ("40HQ", "1", "40HQ"),
        ("5 40 containers", "5", "40GP"),
        ("两个40尺高柜", "2", "40HQ"),  # two 40-foot high cubes (个 is the measure word)
        ("2个40尺高柜", "2", "40HQ"),
        ("三个20尺平柜", "3", "20GP"),
        ("一个40尺柜", "1", "40GP"),
    ],
)
def test_container_quantities(text: str, amount: str, ctype: str) -> None:
    result = parse_quantity(text)
    assert result.ok, result.error
    assert result.value == Quantity(Decimal(amount), "containers", ctype)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-5", "above 0"),
        ("-5 pcs", "above 0"),
        ("0", "above 0"),
        ("0 pcs", "above 0"),
        ("lots", "couldn't read"),
        ("a lot", "couldn't read"),
        ("1e30", "couldn't read"),
        ("20000000", "at most 10,000,000"),
        ("50 million pcs", "at most 10,000,000"),
        ("2.5 pcs", "whole numbers"),
        ("1.5 containers", "whole numbers"),
        ("100 rolls", "unit “rolls”"),
        ("5000-10000 pcs", "range"),
        ("", "How many"),
        ("   ", "How many"),
        ("x" * 400, "just the quantity"),
    ],
)
def test_quantity_errors(text: str, says: str) -> None:
    result = parse_quantity(text)
    assert not result.ok
    assert result.value is None
    assert says in (result.error or "")


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("five", 5),
        ("twenty-five", 25),
        ("one hundred twenty three thousand four hundred fifty six", 123456),
        ("fifteen hundred", 1500),
        ("one thousand and one", 1001),
        ("a thousand", 1000),
        ("three dozen", 36),
        ("one and a half thousand", 1500),
        ("half a million", 500000),
    ],
)
def test_number_words(words: str, value: int) -> None:
    assert parse_number_words(words) == value


@pytest.mark.parametrize("words", ["five five", "twelve three", "twenty hundred", "and five", "a"])
def test_ungrammatical_number_words(words: str) -> None:
    assert parse_number_words(words) is None


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(
    n=st.integers(min_value=1, max_value=10_000_000),
    sep=st.sampled_from([",", ".", " ", "\u00a0", "'"]),
    unit=st.sampled_from(["", " pcs", " sets", " Stück", "个"]),
)
def test_any_grouped_integer_parses_back(n: int, sep: str, unit: str) -> None:
    """en (5,000), de (5.000), fr (5 000) and ch (5'000) groupings all read back."""
    result = parse_quantity(_grouped(n, sep) + unit)
    assert result.ok, result.error
    assert result.value is not None and result.value.amount == n


@settings(deadline=None)  # first calls load CLDR/dateparser data
@given(st.text(max_size=60))
def test_garbage_never_raises(text: str) -> None:
    result = parse_quantity(text)
    assert result.ok or result.error
    if result.ok:
        assert result.value is not None
        assert 0 < result.value.amount <= 10_000_000
        assert result.value.unit in (None, *UNITS)
