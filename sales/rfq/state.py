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

from i18n import DEFAULT_LANGUAGE, Msg, catalog, t
from i18n.formatting import babel_locale, date_text, money_amount_text
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.normalizers import country_name
from sales.normalizers.certifications import known_codes
from sales.rfq import fields
from sales.rfq.formats import QuantityText

# Asked in this order, only when missing (sales/rfq/fields.py). Phone is optional: it is asked
# with the contact details and not again.
FIELDS = tuple(f.name for f in fields.ASKED)
# Asked in one question while more than one of a group is missing ("where, and by when?").
QUESTION_GROUPS = fields.groups()
# Fields the buyer declined or that the form went on without: {field: the buyer's words, or ""}.
SKIPPED = "rfq_skipped"
# A count correction waiting for the buyer to say which item it is for ("which product?").
PENDING_QUANTITY = "rfq_pending_quantity"


def still_missing_with(slot: str, slots: Mapping[str, Any]) -> list[str]:
    """The missing fields of ``slot``'s question group, ``slot`` first."""
    group = next((g for g in QUESTION_GROUPS if slot in g), (slot,))
    return [slot, *(f for f in group if f != slot and _open(f, slots))]


def _open(name: str, slots: Mapping[str, Any]) -> bool:
    return slots.get(name) is None and name not in (slots.get(SKIPPED) or {})


ITEM_FIELDS = fields.ITEM_FIELDS
# Every slot the RFQ uses (reset after submission, except the buyer's own details).
DRAFT_SLOTS = (
    "items",
    "product",
    "quantity",
    "destination",
    "incoterm",
    "incoterm_place",
    "required_by",
    "certifications",
    "payment_terms",
    "payment_detail",
    "sample_requested",
    "notes",
    "rfq_id",
    "contact_confirmed",
    SKIPPED,
    PENDING_QUANTITY,
)
BUYER_SLOTS = ("business_type", "company", "contact_name", "email", "phone", "phone_declined")


def items_complete(slots: Mapping[str, Any]) -> bool:
    return bool(slots.get("items")) and not slots.get("product")


def missing(slots: Mapping[str, Any]) -> list[str]:
    """The slots still to ask for, in order (first which product a count correction is for,
    when the buyer did not say)."""
    todo: list[str] = [PENDING_QUANTITY] if slots.get(PENDING_QUANTITY) else []
    if not items_complete(slots):
        todo.append("quantity" if slots.get("product") else "product")
    for name in FIELDS:
        if name == "contact_name" and reuses_contact(slots):
            todo.append("contact_confirmed")  # a second RFQ: same contact details?
        if _open(name, slots):
            todo.append(name)
    return todo


def skipped_text(name: str, slots: Mapping[str, Any], language: str | None) -> str | None:
    """How the summary shows a field the form went on without: the buyer's words, or "not
    given"; None for a field that was not skipped."""
    skipped = slots.get(SKIPPED) or {}
    if name not in skipped:
        return None
    if skipped[name]:
        return t("rfq.repair.as_written", language, text=skipped[name])
    return t("rfq.repair.not_given", language)


# The facts of a request in progress, what a discard would lose: the items and every asked
# field but the buyer's own details (those stay for the next request).
_DRAFT_FACTS = (
    "items",
    *fields.ITEM_FIELDS,
    *(f.name for f in fields.ASKED if f.group != fields.BY_NAME["email"].group),
)


def has_draft(slots: Mapping[str, Any]) -> bool:
    return any(slots.get(name) not in (None, [], {}) for name in _DRAFT_FACTS)


def reuses_contact(slots: Mapping[str, Any]) -> bool:
    return bool(
        slots.get("last_inquiry") and slots.get("email") and slots.get("contact_confirmed") is None
    )


def contact_line(slots: Mapping[str, Any], language: str | None = "en") -> str:
    parts = [
        slots.get("contact_name"),
        slots.get("company"),
        slots.get("email"),
        slots.get("phone"),
    ]
    return t("rfq.list_separator", language).join(p for p in parts if p)


def quantity_text(item: Mapping[str, Any]) -> Msg:
    """ "5,000 pcs", or "quantity to be confirmed" for a buyer who could not say (yet)."""
    if item.get("quantity") is None:
        return Msg("rfq.summary.quantity_to_confirm")
    return QuantityText(item["quantity"], item.get("unit"))


def _named(group: str, code: str, language: str | None) -> str | None:
    """The catalog's name of a code ("rfq.incoterm.CIF"), or None for a code it does not know."""
    key = f"rfq.{group}.{code}"
    return t(key, language) if key in catalog(DEFAULT_LANGUAGE) else None


def item_line(item: Mapping[str, Any], language: str | None = "en") -> str:
    what = item.get("sku") or item.get("description") or "?"
    if item.get("sku") and item.get("description") and item["description"] != item["sku"]:
        what = t(
            "rfq.summary.product_described",
            language,
            sku=item["sku"],
            description=item["description"],
        )
    if item.get("certifications"):
        what = f"{what} ({t('rfq.list_separator', language).join(item['certifications'])})"
    quantity = quantity_text(item).render(language)
    price = item.get("target_price")
    if not price:
        return t("rfq.summary.item", language, quantity=quantity, product=what)
    return t(
        "rfq.summary.item_with_target",
        language,
        quantity=quantity,
        product=what,
        amount=money_amount_text(price["amount"], language),
        currency=price["currency"],
    )


def destination_text(destination: Mapping[str, Any] | None, language: str | None = "en") -> str:
    if not destination:
        return "-"
    code = destination.get("country")
    country = country_name(code, babel_locale(language)) if code else ""
    place = destination.get("place")
    if not place:
        return country
    return t("rfq.summary.place_in_country", language, place=place, country=country)


def _incoterm_text(incoterm: str | None, language: str | None, place: str | None = None) -> str:
    if not incoterm:
        return t("rfq.summary.no_preference", language)
    code = f"{incoterm} {place}" if place else incoterm  # "FOB Shenzhen"
    name = _named("incoterm", incoterm, language)
    if name is None:
        return code
    return t("rfq.summary.incoterm_named", language, code=code, name=name)


def _as_written(name: str, slots: Mapping[str, Any], language: str | None) -> str | None:
    """The buyer's own words for an optional field the form went on without (a declined one
    has no words: it reads "no preference")."""
    return skipped_text(name, slots, language) if (slots.get(SKIPPED) or {}).get(name) else None


def _payment_line(slots: Mapping[str, Any], language: str | None) -> str:
    payment = slots.get("payment_terms")
    terms = (
        (_named("payment", payment, language) or payment)
        if payment
        else _as_written("payment_terms", slots, language)
        or t("rfq.summary.no_preference", language)
    )
    if slots.get("payment_detail"):
        return t(
            "rfq.summary.payment_with_detail",
            language,
            terms=terms,
            detail=slots["payment_detail"],
        )
    return t("rfq.summary.payment", language, value=terms)


def _buyer_line(slots: Mapping[str, Any], language: str | None) -> str:
    name = slots.get("contact_name") or skipped_text("contact_name", slots, language) or "-"
    company = slots.get("company") or skipped_text("company", slots, language) or "-"
    kind = slots.get("business_type")
    if not kind:
        return t("rfq.summary.buyer", language, name=name, company=company)
    described = _named("business_type", kind, language) or kind.replace("_", " ")
    return t(
        "rfq.summary.buyer_with_type",
        language,
        name=name,
        company=company,
        business_type=described,
    )


def _email_line(slots: Mapping[str, Any], language: str | None) -> str:
    email = slots.get("email") or skipped_text("email", slots, language) or "-"
    if slots.get("phone"):
        return t("rfq.summary.email_with_phone", language, email=email, phone=slots["phone"])
    return t("rfq.summary.email", language, email=email)


def summary(slots: Mapping[str, Any], language: str | None = "en") -> str:
    """The whole request as the buyer confirms it, in ``language`` (labels, names of terms,
    countries, dates and numbers)."""
    lines = [t("rfq.summary.title", language)]
    for i, item in enumerate(slots.get("items") or [], start=1):
        lines.append(f"{i}. {item_line(item, language)}")
    certs = slots.get("certifications")
    required = slots.get("required_by")
    lines += [
        t(
            "rfq.summary.certifications",
            language,
            value=t("rfq.list_separator", language).join(certs)
            if certs
            else t("rfq.summary.no_certifications", language),
        ),
        t(
            "rfq.summary.destination",
            language,
            value=skipped_text("destination", slots, language)
            or destination_text(slots.get("destination"), language),
        ),
        t(
            "rfq.summary.incoterm",
            language,
            value=_as_written("incoterm", slots, language)
            or _incoterm_text(slots.get("incoterm"), language, slots.get("incoterm_place")),
        ),
        t(
            "rfq.summary.required_by",
            language,
            value=date_text(date.fromisoformat(required), language)
            if required
            else skipped_text("required_by", slots, language) or "-",
        ),
        _payment_line(slots, language),
        t(
            "rfq.summary.samples",
            language,
            value=t(
                "rfq.summary.samples_wanted"
                if slots.get("sample_requested")
                else "rfq.summary.samples_not_wanted",
                language,
            ),
        ),
        _buyer_line(slots, language),
        _email_line(slots, language),
    ]
    if slots.get("notes"):
        lines.append(t("rfq.summary.notes", language, notes=slots["notes"]))
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
            quantity=None if item.get("quantity") is None else Decimal(str(item["quantity"])),
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
        incoterm_place=slots.get("incoterm_place"),
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
                    *team_notes(slots),
                ],
            )
        ),
    )


def team_notes(slots: Mapping[str, Any]) -> list[str]:
    """What the sales team must check, in their language (English): the buyer's own words for
    fields the form went on without, declined fields, certifications not on our list."""
    skipped = slots.get(SKIPPED) or {}
    notes = [f"Buyer's words for {name}: “{text}”." for name, text in skipped.items() if text]
    for item in slots.get("items") or []:
        if item.get("quantity") is None:
            what = item.get("sku") or item.get("description") or "?"
            words = item.get("quantity_as_written")
            notes.append(
                f"Quantity of {what} to be confirmed"
                + (f"; buyer's words: “{words}”." if words else ".")
            )
    declined = [name for name, text in skipped.items() if not text]
    if declined:
        notes.append(f"Not given: {', '.join(declined)}.")
    codes = {c for item in slots.get("items") or [] for c in item.get("certifications") or ()}
    codes |= set(slots.get("certifications") or ())
    unlisted = sorted(codes - set(known_codes()))
    if unlisted:
        notes.append(f"Certifications not on our list, as written: {', '.join(unlisted)}.")
    return notes
