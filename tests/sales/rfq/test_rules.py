from __future__ import annotations

from datetime import date, timedelta

from i18n import localize
from sales.rfq.rules import DEFAULT_LEAD_TIME_DAYS, below_moq, earliest_date


def test_moq(demo_kb) -> None:  # type: ignore[no-untyped-def]
    product = demo_kb.product("PNL-6060-40W")
    under = {"sku": "PNL-6060-40W", "quantity": str(product["moq"] - 1), "unit": "pcs"}
    reason = below_moq(under, demo_kb)
    assert reason and f"{product['moq']:,}" in reason
    assert below_moq({**under, "quantity": str(product["moq"])}, demo_kb) is None
    assert below_moq({"sku": None, "quantity": "1", "unit": "pcs"}, demo_kb) is None


def test_earliest_date_is_the_longest_lead_time(demo_kb) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 11, 21)
    items = [{"sku": "PNL-6060-40W"}, {"sku": "FL-SP-1000W"}]
    longest = max(demo_kb.product(i["sku"])["lead_time_days"] for i in items)
    assert earliest_date(items, demo_kb, today) == today + timedelta(days=longest)
    unknown = earliest_date([{"sku": None}], demo_kb, today)
    assert unknown == today + timedelta(days=DEFAULT_LEAD_TIME_DAYS)


class _OneProduct:
    """A catalog with one product (the demo catalog's MOQs are too small to show grouping)."""

    def __init__(self, product: dict[str, object]) -> None:
        self._product = product

    def product(self, sku: str) -> dict[str, object] | None:
        return self._product if sku == self._product["sku"] else None


def test_moq_reason_in_the_buyer_language() -> None:
    catalog = _OneProduct({"sku": "HB-UFO-100W", "moq": 1000, "moq_unit": "pcs"})
    reason = below_moq({"sku": "HB-UFO-100W", "quantity": "20", "unit": "pcs"}, catalog)  # type: ignore[arg-type]
    assert reason == "The minimum order quantity for HB-UFO-100W is 1,000 pcs."
    assert (
        localize(reason, "es") == "La cantidad mínima de pedido de HB-UFO-100W es de 1.000 piezas."
    )
    assert localize(reason, "zh") == "HB-UFO-100W的最小起订量为1,000个。"
