"""A target price said before the count: kept with the product, then with its item."""

from __future__ import annotations

from datetime import date

import pytest

from sales.rfq.extract import extract

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("opening", "answer", "price"),
    [
        (
            "Wir hätten gern Preise für LED-Röhren T8 aus Glas, 1200 mm, 18W. Unser Zielpreis "
            "liegt bei 9 USD/Stück.",
            "3000 Stück",
            {"amount": "9", "currency": "USD"},
        ),
        (
            "Bom dia! Precisamos de DL-R150-12W. Preço-alvo de 12,50 USD por peça.",
            "2,5 mil unidades",
            {"amount": "12.50", "currency": "USD"},
        ),
        (
            "Need a price for FL-SL-100W, target USD 21 each",
            "300",
            {"amount": "21", "currency": "USD"},
        ),
    ],
)
def test_a_price_before_the_count_reaches_the_item(demo_kb, opening, answer, price) -> None:  # type: ignore[no-untyped-def]
    first = extract(opening, state={}, expecting=None, today=TODAY, catalog=demo_kb)
    product = first.slots["product"]
    assert product["target_price"] == price
    second = extract(
        answer, state={"product": product}, expecting="quantity", today=TODAY, catalog=demo_kb
    )
    (item,) = second.slots["items"]
    assert item["sku"] == product["sku"] and item["target_price"] == price
