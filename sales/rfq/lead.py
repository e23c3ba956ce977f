"""The lead score's inputs from an RFQ draft: the order value comes from the buyer's target
prices where given, else from the price book's list price for the quantity tier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sales.lead_score import InquiryFacts
from sales.pricing import PriceBook


def order_value_usd(items: Sequence[Mapping[str, Any]], book: PriceBook | None) -> Decimal | None:
    total = Decimal(0)
    known = False
    for item in items:
        if item.get("quantity") is None:
            continue  # to be confirmed: no value to count
        quantity = Decimal(str(item["quantity"]))
        price = item.get("target_price")
        if price and book is not None and book.currencies.has_rate(price["currency"]):
            unit = book.currencies.convert(Decimal(price["amount"]), price["currency"], "USD")
        elif price and price["currency"] == "USD":
            unit = Decimal(price["amount"])
        elif book is not None and item.get("sku") and (product := book.product(item["sku"])):
            unit = product.tier_for(quantity).unit_price
        else:
            continue
        total += unit * quantity
        known = True
    return total if known else None


def facts(
    slots: Mapping[str, Any], *, book: PriceBook | None, today: date, earliest: date | None
) -> InquiryFacts:
    certs = slots.get("certifications")
    required = slots.get("required_by")
    return InquiryFacts(
        today=today,
        estimated_value_usd=order_value_usd(slots.get("items") or [], book),
        email=slots.get("email"),
        business_type=slots.get("business_type"),
        required_by=date.fromisoformat(required) if required else None,
        earliest=earliest,
        company=slots.get("company"),
        contact_name=slots.get("contact_name"),
        phone=slots.get("phone"),
        destination_country=(slots.get("destination") or {}).get("country"),
        incoterm=slots.get("incoterm"),
        payment_terms=slots.get("payment_terms"),
        certifications=tuple(certs) if certs is not None else None,
        sample_requested=slots.get("sample_requested"),
    )
