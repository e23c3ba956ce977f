from __future__ import annotations

from decimal import Decimal

from sales.pricing import load_price_book
from sales.rfq.lead import order_value_usd
from tools.engine_files import ROOT

BOOK = load_price_book(ROOT / "sales" / "pricebook" / "demo.yaml")


def test_value_from_target_price_or_list_price() -> None:
    with_target = [
        {
            "sku": "PNL-6060-40W",
            "quantity": "1000",
            "target_price": {"amount": "10", "currency": "USD"},
        }
    ]
    assert order_value_usd(with_target, BOOK) == Decimal(10000)
    listed = [{"sku": "PNL-6060-40W", "quantity": "1000", "target_price": None}]
    expected = BOOK.product("PNL-6060-40W").tier_for(Decimal(1000)).unit_price * 1000  # type: ignore[union-attr]
    assert order_value_usd(listed, BOOK) == expected
    assert order_value_usd([{"sku": None, "quantity": "5", "target_price": None}], BOOK) is None
    euros = [{"sku": None, "quantity": "100", "target_price": {"amount": "10", "currency": "EUR"}}]
    assert order_value_usd(euros, BOOK) == BOOK.currencies.convert(Decimal(10), "EUR", "USD") * 100
