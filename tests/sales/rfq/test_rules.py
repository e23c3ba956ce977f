from __future__ import annotations

from datetime import date, timedelta

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
