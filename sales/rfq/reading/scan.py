"""Facts anywhere in a message: email, phone, Incoterm, destination, date, certifications,
payment terms, samples, business type, company and contact name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

import phonenumbers

from i18n import lexicon
from sales.normalizers import (
    parse_business_type,
    parse_certifications,
    parse_company_name,
    parse_email,
    parse_incoterm,
    parse_payment_terms,
    parse_person_name,
    parse_phone,
    parse_required_by,
)
from sales.normalizers._text import fold_chars
from sales.normalizers.countries import find_places
from sales.normalizers.incoterms import TERM_PATTERN
from sales.normalizers.word_edges import END, START
from sales.rfq.reading.contact import CONTACT_SLOTS, _person_spans
from sales.rfq.reading.direct import _set_incoterm, _set_payment
from sales.rfq.reading.extraction import Extraction
from sales.rfq.reading.patterns import (
    _BUSINESS,
    _CERT,
    _COMPANY,
    _DATE,
    _EMAIL,
    _INCOTERM_WINDOW_END,
    _MONTHS,
    _NAME_INTRO,
    _NEGATION,
    _ORIGIN_TERMS,
    _OTHER_MONTHS,
    _PAYMENT,
    _SAMPLE,
)

# "发往德国汉堡", "ship to Santos": the place after these is where the goods go, whatever other
# place the message names ("我们是上海的一家经销商": the buyer's own city).
_DESTINATION_CUE = re.compile(
    rf"发往|运往|送到|送往|寄往|目的港[:：]?|目的地[:：]?|{START}(?:ship(?:ped|ping)?\s+to"
    rf"|deliver(?:ed|y)?\s+to|destination:?|envio a|envio para|enviar a|entrega en|entrega em"
    rf"|destino:?|lieferung nach|liefern nach|versand nach|livraison a|a destination de"
    rf"|expedition vers){END}\s*",
    re.I,
)
# Before a month named alone, the words that make it a date ("by May", "bis Juli", "en mayo").
_MONTH_CUE = re.compile(
    rf"{START}(?:by|in|until|till|before|of|mid|for|from|early|late|around|bis|im|ab|vor|ende"
    rf"|anfang|mitte|zum|en|para|antes de|hasta|desde|de|pour|avant|fin|debut|d'ici|ate|em"
    rf"|no|durante|a partir de){END}\s*$",
    re.I,
)
_MONTH_ONLY = re.compile(rf"(?:{_MONTHS}|{_OTHER_MONTHS})\.?", re.I)


def _month_alone(folded: str, start: int, end: int) -> bool:
    """A month named without a day, year or "by": "Jan Hoffmann", "may I ask"."""
    if not _MONTH_ONLY.fullmatch(folded[start:end]):
        return False
    if _MONTH_CUE.search(folded[:start]):
        return False
    clause = _clause(folded, start, end)
    return clause.strip(" .!?") != folded[start:end].strip(" .")  # "..., April": a date


def _scan(
    text: str,
    out: Extraction,
    *,
    today: date,
    state: Mapping[str, Any],
    expecting: str | None = None,
) -> None:
    folded = fold_chars(text)  # same positions as text; lower case, no accents
    contact_answer = expecting in CONTACT_SLOTS
    people = _person_spans(text, out)

    def in_a_name(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in people)

    # the places the text names, looked up once: the destination and the dates both need them
    places = cache(lambda: find_places(text))
    # certification codes written in capitals: "SEC", "NOM" are schemes, not places
    schemes = cache(lambda: set(parse_certifications(text).value or ()))

    if "email" not in out.slots:
        for match in _EMAIL.finditer(text):
            if "." in match.group(0).split("@", 1)[1]:
                out.set("email", parse_email(match.group(0)))
    if "phone" not in out.slots:
        region = (state.get("destination") or {}).get("country") or "ZZ"
        for number in phonenumbers.PhoneNumberMatcher(text, region):
            out.set("phone", parse_phone(number.raw_string, default_region=region))
            break
    if "incoterm" not in out.slots:
        for match in TERM_PATTERN.finditer(folded):
            window = text[match.start() : match.end() + 40].split(",")[0]
            if stop := _INCOTERM_WINDOW_END.search(fold_chars(window), match.end() - match.start()):
                window = window[: stop.start()]
            parsed = parse_incoterm(window.strip())
            if parsed.ok and parsed.value:
                _set_incoterm(parsed.value, out, state)
                break
    if "destination" not in out.slots and not contact_answer:
        origin_place = None
        if out.slots.get("incoterm") in _ORIGIN_TERMS:
            origin = TERM_PATTERN.search(folded)
            origin_place = origin.end() if origin else None
        # "深圳光明照明有限公司": a Chinese company's name begins with its city
        han_companies = [m.span(2) for m in _COMPANY.finditer(text) if m.group(2)]
        cued = [m.end() for m in _DESTINATION_CUE.finditer(folded)]
        # "发往德国汉堡": the places right after a destination cue come first
        mentions = sorted(places(), key=lambda m: not any(0 <= m.start - at <= 1 for at in cued))
        if cued and any(0 <= m.start - at <= 1 for m in mentions for at in cued):
            after = [m for m in mentions if any(0 <= m.start - at <= 1 for at in cued)]
            # the cued place and what follows it at once ("德国" then "汉堡")
            last = after[0]
            for m in sorted(mentions, key=lambda m: m.start):
                if m not in after and 0 <= m.start - last.end <= 1 and m.start > last.start:
                    after.append(m)
                    last = m
            mentions = sorted(after, key=lambda m: m.start)
        for mention in mentions:
            if origin_place is not None and 0 <= mention.start - origin_place <= 2:
                continue  # "FOB Ningbo": the port of loading, not the destination
            if any(start <= mention.start < end for start, end in han_companies):
                continue
            if in_a_name(mention.start, mention.end):
                continue  # "Beatriz Lima", "Edson dos Santos", "Lima Lighting S.A."
            if text[mention.start : mention.end] in schemes():
                continue  # "CE and SEC": Chile's electrical scheme, not a place (Seč)
            out.slots["destination"] = {
                "country": mention.destination.country,
                "place": mention.destination.place,
            }
            if mention.destination.place:
                break
    if "required_by" not in out.slots and not contact_answer:
        # "Rio de Janeiro" names a city, not January
        spans = [(m.start, m.end) for m in places()]
        for match in _DATE.finditer(folded):
            phrase = text[match.start() : match.end()]
            if _month_alone(folded, match.start(), match.end()):
                continue  # "Jan Hoffmann", "may" the verb
            if in_a_name(match.start(), match.end()) or any(
                s < match.end() and match.start() < e for s, e in spans
            ):
                continue
            parsed = parse_required_by(re.sub(r"(?i)^the\s+", "", phrase), today=today)
            if parsed.ok and parsed.value.date:
                out.set("required_by", parsed, parsed.value.date.isoformat())
                break
    if "certifications" not in out.slots:
        # a code found in a sentence is written in capitals: "ce panneau" is French for "this panel"
        codes = [
            m.group(0)
            for m in _CERT.finditer(text)
            if expecting == "certifications" or not m.group(0).islower()
        ]
        codes = [
            c for c in codes if c.upper() != "GS" or "TUV" in text.upper() or "TÜV" in text.upper()
        ]
        if codes:
            parsed = parse_certifications(" ".join(codes))
            if parsed.ok:
                out.set("certifications", parsed, list(parsed.value or ()))
    if "payment_terms" not in out.slots and (match := _payment_mention(text, folded)):
        clause = _payment_clause(text, match.start(), match.end())
        parsed = parse_payment_terms(clause)
        if not parsed.ok:
            parsed = parse_payment_terms(text[match.start() : match.end()])
        if parsed.ok and parsed.value:
            _set_payment(parsed.value, out)
            out.notes.extend(parsed.notes)
    if "sample_requested" not in out.slots and (match := _SAMPLE.search(folded)):
        clause = _clause(folded, match.start(), match.end())
        # "pas besoin d'échantillon", "no hace falta muestra": a decline phrase negates too
        out.slots["sample_requested"] = not (
            _NEGATION.search(clause) or lexicon.mentions("decline", clause)
        )
    if "business_type" not in out.slots and (match := _business_word(folded, out, state)):
        out.set("business_type", parse_business_type(text[match.start() : match.end()]))
    if "company" not in out.slots and (match := _COMPANY.search(text)):
        out.set("company", parse_company_name(match.group(1) or match.group(2)))
    if "contact_name" not in out.slots and (match := _NAME_INTRO.search(text)):
        out.set("contact_name", parse_person_name(match.group(1) or match.group(2)))


def _payment_mention(text: str, folded: str) -> re.Match[str] | None:
    """The first payment method named; "da" (Portuguese, Spanish) is D/A only as "DA"."""
    for match in _PAYMENT.finditer(folded):
        if folded[match.start() : match.end()] == "da" and text[match.start()] != "D":
            continue
        return match
    return None


# A clause that goes on with the payment terms: "…, 70% against B/L copy", "…, balance before…".
_PAYMENT_GOES_ON = re.compile(
    rf"\d\s*%|{START}(?:balance|rest|remaining|saldo|resto|restbetrag|solde|reste){END}"
    r"|余款|尾款|余额",
    re.I,
)


def _payment_clause(text: str, start: int, end: int) -> str:
    """The clause naming the payment terms and the clauses that continue the split."""
    left, right = _clause_bounds(text, start, end)
    while right < len(text) and text[right] in ",;":
        _, after = _clause_bounds(text, right + 1, right + 1)
        following = text[right + 1 : after]
        if not following.strip() or not _PAYMENT_GOES_ON.search(fold_chars(following)):
            break
        right = after
    return text[left:right].strip()


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(sep, 0, start) for sep in (",", ";", ".", "\n"))
    # a clause ends at a comma, a semicolon, a line or a sentence ("... first. No target price")
    ends = (",", ";", "\n", ". ", "! ", "? ", "。", "！", "？")
    rights = [i for sep in ends if (i := text.find(sep, end)) >= 0]
    return left + 1, min(rights) if rights else len(text)


def _clause(text: str, start: int, end: int) -> str:
    left, right = _clause_bounds(text, start, end)
    return text[left:right].strip()


def _business_word(folded: str, out: Extraction, state: Mapping[str, Any]) -> re.Match[str] | None:
    """The first word of a business type that is not part of the company's name ("Brightwell
    Electrical Wholesale Ltd ... We are an electrical contractor": a contractor)."""
    company = fold_chars(str(out.slots.get("company") or state.get("company") or ""))
    for match in _BUSINESS.finditer(folded):
        if not (company and _within(folded, match, company)):
            return match
    return None


def _within(folded: str, match: re.Match[str], company: str) -> bool:
    at = folded.find(company)
    return at >= 0 and at <= match.start() and match.end() <= at + len(company)
