"""Business rules the RFQ form checks: minimum order quantities and achievable dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from i18n import Msg
from sales.rfq.formats import QuantityText
from sales.rfq.products import Catalog

# Without a known product, the longest standard lead time of the catalog applies.
DEFAULT_LEAD_TIME_DAYS = 35


def lead_time_days(items: Sequence[Mapping[str, Any]], catalog: Catalog) -> int:
    days = []
    for item in items:
        product = catalog.product(item["sku"]) if item.get("sku") else None
        days.append(
            int(product.get("lead_time_days") or DEFAULT_LEAD_TIME_DAYS)
            if product
            else DEFAULT_LEAD_TIME_DAYS
        )
    return max(days, default=DEFAULT_LEAD_TIME_DAYS)


def earliest_date(items: Sequence[Mapping[str, Any]], catalog: Catalog, today: date) -> date:
    """The first day the goods can be ready: today plus the longest production lead time."""
    return today + timedelta(days=lead_time_days(items, catalog))


def below_moq(item: Mapping[str, Any], catalog: Catalog) -> Msg | None:
    """The buyer-facing reason when an item's quantity is under its product's MOQ."""
    product = catalog.product(item["sku"]) if item.get("sku") else None
    if not product or not product.get("moq"):
        return None
    unit = item.get("unit") or "pcs"
    moq_unit = product.get("moq_unit") or "pcs"
    if unit != moq_unit or item.get("quantity") is None:
        return None
    if Decimal(str(item["quantity"])) >= Decimal(str(product["moq"])):
        return None
    return Msg("rfq.below_moq", sku=product["sku"], quantity=QuantityText(product["moq"], moq_unit))
