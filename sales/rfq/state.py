"""The RFQ draft as the form's slots hold it: what is still missing, the summary, the record.

Slot values are plain JSON (Rasa keeps them in its tracker): items are dicts with description,
sku, category, quantity (a decimal string), unit, target_price ({amount, currency} or null);
destination is {country, place}; required_by an ISO date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import phonenumbers

from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.normalizers import country_name, human_date

# Asked in this order, one at a time, only when missing. Phone is optional: it is asked with
# the contact details and not again.
FIELDS = (
    "destination",
    "required_by",
    "incoterm",
    "payment_terms",
    "sample_requested",
    "certifications",
    "contact_name",
    "company",
    "email",
    "business_type",
)
# Asked in one question while more than one of a group is missing ("where, and by when?").
QUESTION_GROUPS = (
    ("destination", "required_by"),
    ("incoterm", "payment_terms", "sample_requested"),
    ("contact_name", "company", "email", "business_type"),
)


def still_missing_with(slot: str, slots: Mapping[str, Any]) -> list[str]:
    """The missing fields of ``slot``'s question group, ``slot`` first."""
    group = next((g for g in QUESTION_GROUPS if slot in g), (slot,))
    return [slot, *(f for f in group if f != slot and slots.get(f) is None)]


ITEM_FIELDS = ("product", "quantity")
# Every slot the RFQ uses (reset after submission, except the buyer's own details).
DRAFT_SLOTS = (
    "items",
    "product",
    "quantity",
    "destination",
    "incoterm",
    "required_by",
    "certifications",
    "payment_terms",
    "payment_detail",
    "sample_requested",
    "notes",
    "rfq_id",
    "contact_confirmed",
)
BUYER_SLOTS = ("business_type", "company", "contact_name", "email", "phone", "phone_declined")

INCOTERM_NAMES = {
    "EXW": "Ex Works",
    "FCA": "Free Carrier",
    "CPT": "Carriage Paid To",
    "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place",
    "DPU": "Delivered at Place Unloaded",
    "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship",
    "FOB": "Free on Board",
    "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}
PAYMENT_NAMES = {
    "TT": "bank transfer (T/T)",
    "LC": "letter of credit (L/C)",
    "DP": "documents against payment (D/P)",
    "DA": "documents against acceptance (D/A)",
    "OA": "open account",
    "ESCROW": "escrow",
}


def items_complete(slots: Mapping[str, Any]) -> bool:
    return bool(slots.get("items")) and not slots.get("product")


def missing(slots: Mapping[str, Any]) -> list[str]:
    """The slots still to ask for, in order."""
    todo: list[str] = []
    if not items_complete(slots):
        todo.append("quantity" if slots.get("product") else "product")
    for name in FIELDS:
        if name == "contact_name" and reuses_contact(slots):
            todo.append("contact_confirmed")  # a second RFQ: same contact details?
        if slots.get(name) is None:
            todo.append(name)
    return todo


def reuses_contact(slots: Mapping[str, Any]) -> bool:
    return bool(
        slots.get("last_inquiry") and slots.get("email") and slots.get("contact_confirmed") is None
    )


def contact_line(slots: Mapping[str, Any]) -> str:
    parts = [
        slots.get("contact_name"),
        slots.get("company"),
        slots.get("email"),
        slots.get("phone"),
    ]
    return ", ".join(p for p in parts if p)


def quantity_text(item: Mapping[str, Any]) -> str:
    amount = Decimal(str(item["quantity"]))
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,}"
    return f"{number} {item.get('unit') or 'pcs'}"


def item_line(item: Mapping[str, Any]) -> str:
    what = item.get("sku") or item.get("description") or "?"
    if item.get("sku") and item.get("description") and item["description"] != item["sku"]:
        what = f"{item['sku']} ({item['description']})"
    line = f"{quantity_text(item)} x {what}"
    price = item.get("target_price")
    if price:
        line += f", target {price['amount']} {price['currency']}"
    return line


def destination_text(destination: Mapping[str, Any] | None) -> str:
    if not destination:
        return "-"
    country = country_name(destination["country"]) if destination.get("country") else ""
    place = destination.get("place")
    return f"{place}, {country}" if place else country


def summary(slots: Mapping[str, Any]) -> str:
    lines = ["Here is your request for quotation:"]
    for i, item in enumerate(slots.get("items") or [], start=1):
        lines.append(f"{i}. {item_line(item)}")
    certs = slots.get("certifications")
    incoterm = slots.get("incoterm")
    required = slots.get("required_by")
    payment = slots.get("payment_terms")
    sample = slots.get("sample_requested")
    lines += [
        f"- Certifications: {', '.join(certs) if certs else 'none required'}",
        f"- Destination: {destination_text(slots.get('destination'))}",
        "- Incoterm: "
        + (f"{incoterm} ({INCOTERM_NAMES[incoterm]})" if incoterm else "no preference"),
        f"- Required by: {human_date(date.fromisoformat(required)) if required else '-'}",
        f"- Payment: {PAYMENT_NAMES.get(payment, payment) if payment else 'no preference'}"
        + (f", {slots['payment_detail']}" if slots.get("payment_detail") else ""),
        f"- Samples: {'yes' if sample else 'no'}",
        f"- Buyer: {slots.get('contact_name') or '-'}, {slots.get('company') or '-'}"
        + (f" ({slots['business_type'].replace('_', ' ')})" if slots.get("business_type") else ""),
        f"- Email: {slots.get('email') or '-'}"
        + (f", phone {slots['phone']}" if slots.get("phone") else ""),
    ]
    if slots.get("notes"):
        lines.append(f"- Notes: {slots['notes']}")
    return "\n".join(lines)


def phone_country(phone: str | None) -> str | None:
    """The buyer's country as its phone number tells it (E.164), else unknown."""
    if not phone:
        return None
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone)) or None
    except phonenumbers.NumberParseException:
        return None


def to_draft(
    slots: Mapping[str, Any],
    *,
    session_id: str | None,
    language: str | None,
    lead_score: int | None = None,
) -> InquiryDraft:
    certifications = tuple(slots.get("certifications") or ())
    items = tuple(
        ItemDraft(
            description=str(item.get("description") or item.get("sku") or ""),
            quantity=Decimal(str(item["quantity"])),
            unit=item.get("unit") or "pcs",
            sku=item.get("sku"),
            target_price_amount=Decimal(item["target_price"]["amount"])
            if item.get("target_price")
            else None,
            target_price_currency=item["target_price"]["currency"]
            if item.get("target_price")
            else None,
            certifications=tuple(item.get("certifications") or certifications),
        )
        for item in slots.get("items") or []
    )
    destination = slots.get("destination") or {}
    required = slots.get("required_by")
    return InquiryDraft(
        items=items,
        buyer=BuyerDraft(
            email=slots.get("email"),
            company=slots.get("company"),
            contact_name=slots.get("contact_name"),
            phone=slots.get("phone"),
            country=phone_country(slots.get("phone")),
            business_type=slots.get("business_type"),
        ),
        session_id=session_id,
        language=language,
        destination_country=destination.get("country"),
        destination_place=destination.get("place"),
        incoterm=slots.get("incoterm"),
        required_by=date.fromisoformat(required) if required else None,
        payment_terms=slots.get("payment_terms"),
        sample_requested=slots.get("sample_requested"),
        lead_score=lead_score,
        notes=" ".join(
            filter(
                None,
                [
                    slots.get("payment_detail") and f"Payment: {slots['payment_detail']}.",
                    slots.get("notes"),
                ],
            )
        ),
    )
