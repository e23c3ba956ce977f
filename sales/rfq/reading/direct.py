"""A whole message read as the answer to the question just asked ("Hamburg", "yes", "end of
April")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from i18n import Msg
from i18n.lexicon import is_filler
from sales.normalizers import (
    parse_business_type,
    parse_certifications,
    parse_destination,
    parse_incoterm,
    parse_payment_terms,
    parse_quantity,
    parse_required_by,
    parse_yes_no,
)
from sales.normalizers._text import fold_chars
from sales.normalizers.countries import find_places
from sales.normalizers.result import Parsed
from sales.rfq.products import Catalog, match_product
from sales.rfq.reading.contact import _contact_block
from sales.rfq.reading.extraction import Extraction, _quantity_dict
from sales.rfq.reading.mentions import _product_words
from sales.rfq.reading.patterns import _CERT, _INCOTERM_WINDOW_END, _NO_CERTS, _ORIGIN_TERMS
from sales.rfq.state import BUYER_SLOTS


def _direct(
    slot: str,
    text: str,
    out: Extraction,
    *,
    today: date,
    state: Mapping[str, Any],
    catalog: Catalog,
) -> None:
    """Read the whole message as the answer to ``slot``; record the reason if unreadable."""
    parsed: Parsed[Any]
    if slot == "destination":
        named = [m.destination for m in find_places(text)]
        place = next((d for d in named if d.place), named[0] if named else None)
        if place is not None and len(text.split()) > 3:  # "They'd go to Auckland, New Zealand"
            out.slots["destination"] = {"country": place.country, "place": place.place}
            return
        parsed = parse_destination(text)
        if parsed.ok:
            out.slots["destination"] = {
                "country": parsed.value.country,
                "place": parsed.value.place,
            }
            return
    elif slot == "incoterm":
        parsed = parse_incoterm(text)
        if "," in text and (first := parse_incoterm(text.split(",")[0])).ok and first.value:
            parsed = first  # "DAP Recife, T/T, Sim": the place is the first part's
        if parsed.ok:
            _set_incoterm(parsed.value, out, state)
            return
    elif slot == "required_by":
        parsed = parse_required_by(text, today=today)
        if parsed.ok and parsed.value.date:
            out.set("required_by", parsed, parsed.value.date.isoformat())
            return
        if parsed.ok and parsed.value.asap:
            out.slots["required_by"] = _asap(state, today, catalog).isoformat()
            out.notes.append(Msg("validation.reader.urgent"))
            return
    elif slot == "certifications":
        if _NO_CERTS.search(fold_chars(text)) and not _CERT.search(text):
            out.slots["certifications"] = []
            return
        parsed = parse_certifications(text)
        if parsed.ok:
            out.set("certifications", parsed, list(parsed.value or ()))
            return
    elif slot == "payment_terms":
        parsed = parse_payment_terms(text)
        if parsed.ok:
            _set_payment(parsed.value, out)
            out.notes.extend(parsed.notes)
            return
    elif slot == "sample_requested":
        parsed = parse_yes_no(text)
        if out.set("sample_requested", parsed):
            return
    elif slot == "contact_confirmed":
        parsed = parse_yes_no(text)
        if parsed.ok:
            out.slots["contact_confirmed"] = parsed.value
            if not parsed.value:  # new details: ask them again
                out.slots.update(dict.fromkeys(BUYER_SLOTS))
            return
    elif slot == "business_type":
        parsed = parse_business_type(text)
        if out.set("business_type", parsed):
            return
    elif slot in ("company", "contact_name", "email", "phone"):
        _contact_block(slot, text, out, state)
        return
    elif slot == "quantity":
        parsed = parse_quantity(text)
        if parsed.ok:
            out.slots["quantity"] = _quantity_dict(parsed.value)
            return
    elif slot == "product":
        said = _product_sentence(text, catalog)  # not "... Unsere Kunden sind Supermärkte."
        match = match_product(said, catalog)
        if match.sku or match.category or len(said.split()) <= 8:
            out.slots["product"] = {"description": _product_words(said), "sku": match.sku}
            return
        parsed = Parsed.failure(Msg("validation.reader.product_unclear"))
    else:
        return
    if parsed.error:
        out.errors[slot] = parsed.error


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ¿¡])|(?<=[。！？])")


def _product_sentence(text: str, catalog: Catalog) -> str:
    """The sentence of an answer to "which product?" that names it: the first naming a model or
    a category, else the first that is more than a greeting or thanks."""
    sentences = [x.strip() for x in _SENTENCE_END.split(text) if x.strip()]
    for sentence in sentences:
        match = match_product(sentence, catalog)
        if match.sku or match.category:
            return sentence
    return next((x for x in sentences if not is_filler(x)), text)


def _yes_no_part(text: str) -> bool | None:
    """A bare yes or no among the parts of a combined answer ("DAP Köln, Überweisung, Nein")."""
    for part in re.split(r"[,;\n]|\s+-\s+", text):
        part = part.strip(" .!")
        if not part or len(part.split()) > 3 or parse_payment_terms(part).ok:
            continue
        if parse_incoterm(part).ok:
            continue  # "no preference" answers the Incoterm, not the sample question
        if (answer := parse_yes_no(part)).ok:
            return bool(answer.value)
    return None


def _asap(state: Mapping[str, Any], today: date, catalog: Catalog) -> date:
    from sales.rfq.rules import earliest_date

    return earliest_date(state.get("items") or [], catalog, today)


def _set_incoterm(choice: Any, out: Extraction, state: Mapping[str, Any]) -> None:
    if choice is None:
        out.slots["incoterm"] = None
        out.slots["incoterm_place"] = None
        return
    out.slots["incoterm"] = choice.code
    cut = _INCOTERM_WINDOW_END.split(fold_chars(choice.place or ""), maxsplit=1)[0]
    named = (choice.place or "")[: len(cut)].strip(" ,.;")  # "Ningbo", not "Ningbo statt FCA"
    if choice.code in _ORIGIN_TERMS:
        # "FOB Shenzhen": the port of loading (the quote says so if it is not ours)
        if named and _PLACE_NAME.fullmatch(named):
            out.slots["incoterm_place"] = named
        elif "incoterm_place" not in out.slots:
            out.slots["incoterm_place"] = None
        return
    out.slots["incoterm_place"] = None  # CIF, DAP...: the place is the destination's
    if not named:
        return
    known = out.slots.get("destination") or state.get("destination")
    place = parse_destination(named)
    if not known:
        if place.ok:
            out.slots["destination"] = {"country": place.value.country, "place": place.value.place}
    elif not known.get("place") and known.get("country"):
        # "Brasil" first, then "DAP Recife": the city of that country, listed or not
        if place.ok and place.value.country == known["country"] and place.value.place:
            out.slots["destination"] = {"country": known["country"], "place": place.value.place}
        elif not place.ok and _PLACE_NAME.fullmatch(named):
            out.slots["destination"] = {"country": known["country"], "place": named}


# An unlisted place named after an Incoterm: one to four capitalised words ("Recife", "Porto
# Alegre", "Frankfurt am Main").
_PLACE_NAME = re.compile(
    r"[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:[ -](?:(?:am|de|do|da|del|du|sur)[ -])?[A-ZÀ-ÖØ-Þ][\w'’.-]+){0,3}"
)


def _set_payment(terms: Any, out: Extraction) -> None:
    out.slots["payment_terms"] = terms.code if terms else None
    out.slots["payment_detail"] = terms.detail if terms else None
