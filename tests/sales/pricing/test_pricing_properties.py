"""Property-based tests of the pricing invariants (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sales.pricing import Incoterm, PriceBook, PricingRequest, RequestLine, price
from sales.pricing.money import quantum, round_money

from .conftest import TODAY, book_with

BASE = book_with(lambda raw: None)


def _cheap_africa(raw: dict[str, Any]) -> None:
    raw["zones"]["AF"]["price_adjustment_pct"] = -30


def _dearer_costs(raw: dict[str, Any]) -> None:
    for product in raw["products"]:
        product["unit_cost"] = round(product["unit_cost"] * 1.35, 2)


BOOKS = (BASE, book_with(_cheap_africa), book_with(_dearer_costs))
SKUS = [product.sku for product in BASE.products]
COUNTRIES = ["DE", "FR", "US", "CA", "ZA", "KE", "JP", "CH", "GB", "BR", "RU", "KP"]
CURRENCIES = [None, "USD", *sorted(BASE.currencies.per_usd)]

quantities = st.integers(min_value=1, max_value=120_000).map(Decimal)
targets = st.none() | st.decimals(min_value=Decimal("0.5"), max_value=Decimal("60"), places=2)


@st.composite
def request_lines(draw: st.DrawFn) -> RequestLine:
    sku = draw(st.sampled_from([*SKUS, "NOPE-1"]) | st.none())
    unit = draw(st.sampled_from(["pcs", "pcs", "pcs", "ctns", "samples"]))
    quantity = draw(st.integers(1, 5).map(Decimal) if unit == "samples" else quantities)
    return RequestLine(
        sku=sku,
        description=sku or "something else",
        quantity=quantity,
        unit=unit,
        target_price=draw(targets),
        target_currency=draw(st.sampled_from([None, "USD", "EUR", "JPY"])),
    )


@st.composite
def requests(draw: st.DrawFn) -> PricingRequest:
    days = draw(st.none() | st.integers(min_value=0, max_value=150))
    return PricingRequest(
        lines=tuple(draw(st.lists(request_lines(), min_size=1, max_size=4))),
        destination_country=draw(st.sampled_from(COUNTRIES)),
        destination_place=draw(st.sampled_from([None, "Hamburg", "Port of Durban"])),
        incoterm=draw(st.none() | st.sampled_from(list(Incoterm))),
        required_by=None if days is None else TODAY + timedelta(days=days),
        payment_terms=draw(st.sampled_from([None, "L/C at sight", "O/A 60 days"])),
        currency=draw(st.sampled_from(CURRENCIES)),
        include_duty_estimate=draw(st.booleans()),
    )


books = st.sampled_from(BOOKS)


@settings(max_examples=300, deadline=None)
@given(requests(), books)
def test_total_is_lines_plus_charges_exactly(request: PricingRequest, book: PriceBook) -> None:
    quote = price(request, book, today=TODAY)
    assert quote.total == sum(line.amount for line in quote.lines) + sum(
        charge.amount for charge in quote.charges
    )
    step = quantum(quote.currency)
    for amount in [quote.total, *(c.amount for c in (*quote.charges, *quote.buyer_estimates))]:
        assert amount == amount.quantize(step)


@settings(max_examples=300, deadline=None)
@given(requests(), books)
def test_line_amount_is_rounded_unit_price_times_quantity(
    request: PricingRequest, book: PriceBook
) -> None:
    quote = price(request, book, today=TODAY)
    step = quantum(quote.currency)
    for line in quote.lines:
        assert line.unit_price == line.unit_price.quantize(step)
        assert line.amount == round_money(line.unit_price * line.quantity, quote.currency)


@settings(max_examples=300, deadline=None)
@given(requests(), books, st.data())
def test_larger_quantity_never_costs_more_per_unit(
    request: PricingRequest, book: PriceBook, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(request.lines) - 1))
    line = request.lines[index]
    extra = data.draw(st.integers(min_value=1, max_value=50_000).map(Decimal))
    bigger_line = replace(line, quantity=line.quantity + extra)
    bigger = replace(
        request, lines=(*request.lines[:index], bigger_line, *request.lines[index + 1 :])
    )
    small = price(request, book, today=TODAY).lines[index]
    large = price(bigger, book, today=TODAY).lines[index]
    assert large.unit_price <= small.unit_price


@settings(max_examples=300, deadline=None)
@given(requests(), books)
def test_nothing_below_floor_is_in_policy(request: PricingRequest, book: PriceBook) -> None:
    quote = price(request, book, today=TODAY)
    below = False
    for line in quote.lines:
        if not line.priced:
            continue
        product = book.product(line.sku or "")
        assert product is not None and line.margin_pct is not None
        floor = book.margins.categories[product.category].floor_pct
        if line.margin_pct < floor:
            below = True
        # a buyer's target never takes a price under the floor (or under list, if lower)
        assert line.list_price is not None and line.floor_price is not None
        assert line.unit_price >= min(line.list_price, line.floor_price)
    if below or quote.margin_pct < book.margins.quote_floor_pct:
        assert not quote.in_policy
    assert quote.in_policy == (not quote.policy.reasons)


@settings(max_examples=150, deadline=None)
@given(requests(), books)
def test_pricing_is_deterministic(request: PricingRequest, book: PriceBook) -> None:
    assert price(request, book, today=TODAY) == price(request, book, today=TODAY)


def test_the_cheap_books_do_produce_below_floor_lines() -> None:
    """Guard: the property above is not vacuous."""
    line = RequestLine("PNL-6060-40W", "panel", Decimal(20000))
    quote = price(PricingRequest((line,), "ZA"), BOOKS[1], today=TODAY)
    assert quote.lines[0].margin_pct is not None and quote.lines[0].margin_pct < 12
    assert not quote.in_policy
