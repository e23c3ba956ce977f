"""RFQ facts from the NLU's entities, for the fields that the text reader did not find.

The Rasa model (DIET on multilingual sentence-encoder, regex and lookup features; see
bot/data/entities/) tags spans in every language: quantity, product, place, incoterm,
certification, date, payment_terms, email, target_price. Each span goes through the same
normaliser of `sales.normalizers` as the text reader's (`sales.rfq.extract`), so a value read
from an entity is as valid as one read from the text. The text reader stays primary: an entity
only fills a field that the message's text reading left empty and that the RFQ does not hold
yet, so a correction ("actually 8,000 pieces") never comes from here.

Entity values are the EntitySynonymMapper's canonical forms where one applies ("汉堡" ->
"Hamburg", "信用证" -> "L/C"); the buyer's own words (the text between the span's offsets) are
tried when the canonical value does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from i18n import Msg
from sales.normalizers import (
    parse_certifications,
    parse_destination,
    parse_email,
    parse_incoterm,
    parse_money,
    parse_payment_terms,
    parse_quantity,
    parse_required_by,
)
from sales.normalizers.result import Parsed
from sales.pricing.incoterms import ORIGIN_NAMED_PLACE
from sales.rfq.extract import Extraction
from sales.rfq.products import Catalog, match_product
from sales.rfq.reading.extraction import new_item
from sales.rfq.rules import earliest_date

# Below this DIET confidence a span is not used.
MIN_CONFIDENCE = 0.6
# Incoterms whose named place is where the goods leave ("FOB Ningbo"), not the destination.
ORIGIN_TERMS = frozenset(rule.value for rule in ORIGIN_NAMED_PLACE)
# While the form asks for these, the answer is a name or a company ("Lagos Lighting Ltd"):
# only an email address is taken from the entities then.
CONTACT_FIELDS = frozenset({"contact_name", "company", "email", "phone", "business_type"})
_ORIGIN_BEFORE = re.compile(rf"(?i)(?<![a-z])(?:{'|'.join(sorted(ORIGIN_TERMS))})\W{{0,2}}$")


@dataclass(frozen=True)
class Span:
    """One entity: its label, its (canonical) value and the buyer's words."""

    entity: str
    value: str
    text: str
    start: int
    end: int

    def readings(self) -> list[str]:
        """The value, then the buyer's words when they differ."""
        return list(dict.fromkeys(r for r in (self.value, self.text) if r))


def spans(
    entities: Iterable[Mapping[str, Any]], text: str, *, min_confidence: float = MIN_CONFIDENCE
) -> list[Span]:
    """Usable entities of a message in text order; duplicates (two extractors) once."""
    found: dict[tuple[str, int, int], Span] = {}
    for entity in entities:
        confidence = entity.get("confidence_entity")
        if confidence is not None and float(confidence) < min_confidence:
            continue
        label, start, end = entity.get("entity"), entity.get("start"), entity.get("end")
        if not label or not isinstance(start, int) or not isinstance(end, int):
            continue
        words = text[start:end] if 0 <= start < end <= len(text) else ""
        value = str(entity.get("value") or words).strip()
        key = (str(label), start, end)
        found.setdefault(key, Span(str(label), value, words.strip() or value, start, end))
    return sorted(found.values(), key=lambda s: (s.start, s.end))


def stretch(found: list[Span], text: str, limit: int = 80) -> list[str]:
    """The text from the first to the last span, when there are several and it is short: DIET
    often tags a long phrase in pieces ("30" "T/T deposit" "70" "before shipment")."""
    if len(found) < 2 or found[-1].end - found[0].start > limit:
        return []
    return [text[found[0].start : found[-1].end]]


def _first_ok(readings: Iterable[str], parse: Any) -> Parsed[Any] | None:
    for reading in readings:
        parsed = parse(reading)
        if parsed.ok and parsed.value is not None:
            return parsed
    return None


def _missing(slot: str, found: Extraction, state: Mapping[str, Any]) -> bool:
    return slot not in found.slots and state.get(slot) is None


def _filled(found: Extraction, slot: str, value: Any, parsed: Parsed[Any] | None = None) -> None:
    found.slots[slot] = value
    found.errors.pop(slot, None)
    if parsed is not None:
        found.notes.extend(parsed.notes)


def fill_gaps(
    found: Extraction,
    entities: Iterable[Mapping[str, Any]],
    *,
    text: str,
    state: Mapping[str, Any],
    expecting: str | None,
    today: date,
    catalog: Catalog,
) -> list[str]:
    """Adds to ``found`` (the text reader's result) the facts only the entities give.

    Returns the slots filled from entities.
    """
    by_label: dict[str, list[Span]] = {}
    for span in spans(entities, text):
        by_label.setdefault(span.entity, []).append(span)
    before = dict(found.slots)
    _email(found, by_label.get("email", []), state)
    if expecting not in CONTACT_FIELDS:
        _incoterm(found, by_label.get("incoterm", []), state)
        _destination(found, by_label.get("place", []), by_label.get("incoterm", []), text, state)
        _required_by(found, by_label.get("date", []), text, state, today, catalog)
        _certifications(found, by_label.get("certification", []), state)
        _payment(found, by_label.get("payment_terms", []), text, state)
        _items(found, by_label.get("product", []), by_label.get("quantity", []), state, catalog)
        _target_price(found, by_label.get("target_price", []), state)
    return sorted(k for k, v in found.slots.items() if k not in before or before[k] != v)


def _email(found: Extraction, emails: list[Span], state: Mapping[str, Any]) -> None:
    if not emails or not _missing("email", found, state):
        return
    parsed = _first_ok((r for span in emails for r in span.readings()), parse_email)
    if parsed is not None:
        _filled(found, "email", parsed.value, parsed)


def _incoterm(found: Extraction, terms: list[Span], state: Mapping[str, Any]) -> None:
    if not terms or not _missing("incoterm", found, state):
        return
    parsed = _first_ok((r for span in terms for r in span.readings()), parse_incoterm)
    if parsed is not None:
        _filled(found, "incoterm", parsed.value.code, parsed)


def _is_origin(place: Span, terms: list[Span], text: str) -> bool:
    """ "FOB Ningbo": the port of loading right after an origin Incoterm."""
    if _ORIGIN_BEFORE.search(text[: place.start]):
        return True
    for term in terms:
        if 0 <= place.start - term.end <= 2:
            parsed = _first_ok(term.readings(), parse_incoterm)
            if parsed is not None and parsed.value.code in ORIGIN_TERMS:
                return True
    return False


def _destination(
    found: Extraction, places: list[Span], terms: list[Span], text: str, state: Mapping[str, Any]
) -> None:
    if not places or not _missing("destination", found, state):
        return
    places = [p for p in places if not _is_origin(p, terms, text)]
    if not places:
        return
    candidates = [", ".join(p.value for p in places), ", ".join(p.text for p in places)]
    candidates += [r for p in places for r in p.readings()]
    parsed_all = [p for c in dict.fromkeys(candidates) if (p := parse_destination(c)).ok]
    if not parsed_all:
        return
    best = next((p for p in parsed_all if p.value.place), parsed_all[0])
    _filled(found, "destination", {"country": best.value.country, "place": best.value.place}, best)


def _required_by(
    found: Extraction,
    dates: list[Span],
    text: str,
    state: Mapping[str, Any],
    today: date,
    catalog: Catalog,
) -> None:
    if not dates or not _missing("required_by", found, state):
        return
    for reading in [*stretch(dates, text), *(r for span in dates for r in span.readings())]:
        parsed = parse_required_by(reading, today=today)
        if parsed.ok and parsed.value is not None and parsed.value.date:
            _filled(found, "required_by", parsed.value.date.isoformat(), parsed)
            return
        if parsed.ok and parsed.value is not None and parsed.value.asap:
            items = found.slots.get("items") or state.get("items") or []
            _filled(found, "required_by", earliest_date(items, catalog, today).isoformat())
            found.notes.append(Msg("validation.reader.urgent"))
            return


def _certifications(found: Extraction, certs: list[Span], state: Mapping[str, Any]) -> None:
    if not certs or not _missing("certifications", found, state):
        return
    for readings in ([s.value for s in certs], [s.text for s in certs]):
        parsed = parse_certifications(", ".join(readings))
        if parsed.ok and parsed.value:
            _filled(found, "certifications", list(parsed.value), parsed)
            return


def _payment(found: Extraction, terms: list[Span], text: str, state: Mapping[str, Any]) -> None:
    if not terms or not _missing("payment_terms", found, state):
        return
    readings = [*stretch(terms, text), *(r for span in terms for r in span.readings())]
    parsed = _first_ok(readings, parse_payment_terms)
    if parsed is not None:
        _filled(found, "payment_terms", parsed.value.code, parsed)
        found.slots["payment_detail"] = parsed.value.detail


def _quantity(span: Span) -> dict[str, str] | None:
    parsed = _first_ok([span.text, span.value], parse_quantity)
    if parsed is None:
        return None
    return {"quantity": f"{parsed.value.amount:f}", "unit": parsed.value.unit or "pcs"}


def _product(span: Span, catalog: Catalog) -> dict[str, str | None]:
    match = match_product(span.text, catalog)
    return {"description": span.text[:200], "sku": match.sku, "category": match.category}


def _pairs(
    products: list[Span], quantities: list[Span]
) -> tuple[list[tuple[Span, Span]], list[Span], list[Span]]:
    """Products with the quantity next to them, in text order ("5,000 pcs of panels", "五千个
    面板", "PNL-6060-40W, 3000 pcs"); then the products and quantities left alone."""
    pairs: list[tuple[Span, Span]] = []
    lone_products: list[Span] = []
    waiting: list[Span] = []  # the last unpaired span, product or quantity
    for span in sorted(products + quantities, key=lambda s: s.start):
        other = waiting[-1] if waiting else None
        if other is not None and other.entity != span.entity:
            waiting.pop()
            product, quantity = (span, other) if span.entity == "product" else (other, span)
            pairs.append((product, quantity))
            continue
        if other is not None and other.entity == "product":
            lone_products.append(waiting.pop())
        elif other is not None:
            waiting.pop()
        waiting.append(span)
    lone_quantities = [s for s in waiting if s.entity == "quantity"]
    lone_products += [s for s in waiting if s.entity == "product"]
    return pairs, lone_products, lone_quantities


def _items(
    found: Extraction,
    products: list[Span],
    quantities: list[Span],
    state: Mapping[str, Any],
    catalog: Catalog,
) -> None:
    """Items only for a request that has none yet and whose text gave none."""
    if not (products or quantities) or state.get("items"):
        return
    if any(found.slots.get(slot) for slot in ("items", "product", "quantity")):
        return
    pairs, lone_products, lone_quantities = _pairs(products, quantities)
    items: list[dict[str, Any]] = []
    for product_span, quantity_span in pairs:
        quantity = _quantity(quantity_span)
        if quantity is not None:
            items.append(new_item(_product(product_span, catalog), quantity))
        else:
            lone_products.append(product_span)
    pending_product = state.get("product")
    pending_quantity = state.get("quantity")
    product = _product(lone_products[0], catalog) if lone_products else None
    quantity = next((q for q in map(_quantity, lone_quantities) if q is not None), None)
    if not items and product and (count := quantity or pending_quantity):
        items.append(new_item(product, count))
        product = quantity = None
    elif not items and quantity and pending_product:
        items.append(new_item(pending_product, quantity))
        quantity = None
    if items:
        _filled(found, "items", items)
        found.errors.pop("product", None)
        found.errors.pop("quantity", None)
        if pending_product:
            found.slots["product"] = None
        if pending_quantity:
            found.slots["quantity"] = None
        return
    if product is not None and not pending_product:
        _filled(found, "product", product)
    if quantity is not None and not pending_quantity:
        _filled(found, "quantity", quantity)


def _target_price(found: Extraction, prices: list[Span], state: Mapping[str, Any]) -> None:
    items = [dict(item) for item in (found.slots.get("items") or state.get("items") or [])]
    if not prices or not items or items[-1].get("target_price"):
        return
    parsed = _first_ok((r for span in prices for r in span.readings()), parse_money)
    if parsed is None:
        return
    money = parsed.value
    items[-1]["target_price"] = {"amount": f"{money.amount:f}", "currency": money.currency}
    found.slots["items"] = items
    found.notes.extend(parsed.notes)
