"""Reading RFQ facts from a buyer's free text.

A buyer who writes "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS,
by 15 March 2027" is not asked again for any of it. This module finds the spans (quantities
with their units, model numbers and product words, ports and countries, Incoterms, dates,
certifications, payment terms, prices, contact details) and hands each to the normaliser of
`sales.normalizers`, which turns it into the contract's value or a readable reason.

When the bot has just asked for one field (``expecting``), the whole message is first read as
that field's answer ("Hamburg", "yes", "end of April").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import phonenumbers

from sales.normalizers import (
    parse_business_type,
    parse_certifications,
    parse_company_name,
    parse_destination,
    parse_email,
    parse_incoterm,
    parse_money,
    parse_payment_terms,
    parse_person_name,
    parse_phone,
    parse_quantity,
    parse_required_by,
    parse_yes_no,
)
from sales.normalizers._text import clean
from sales.normalizers.countries import find_places
from sales.normalizers.result import Parsed
from sales.rfq.products import CATEGORY_WORDS, Catalog, match_product
from sales.rfq.state import BUYER_SLOTS

# ---- spans -------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]*(?:\.[\w-]+)*", re.UNICODE)
_NUMBER = r"\d+(?:[.,' ]\d{3})*(?:[.,]\d+)?|\d+"
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
)
_NUMBER_WORDS = rf"\b(?:a\s+)?{_NUMBER_WORD}(?:[\s-]+(?:and\s+)?{_NUMBER_WORD})*\b"
_UNIT_WORDS = (
    r"pcs|pc|pieces|piece|units|unit|nos|ea|sets|set|kits|kit|pairs|pair|meters|metres|meter|"
    r"metre|m|kgs|kg|kilos|tons|tonnes|t|cartons|carton|ctns|boxes|pallets|pallet|"
    r"containers|container|x\s*40\s*hq|x\s*40\s*gp|x\s*20\s*gp|x\s*[24]0\s*(?:ft|'|’)(?:\s*containers?)?|"
    r"40hq|40gp|20gp|fcl|"
    r"piezas|unidades|stück|stk|个|件|套|只|台"
)
_PRODUCT_NOUNS = sorted(
    {w for words in CATEGORY_WORDS.values() for w in words}
    | {
        "lights",
        "light",
        "lamps",
        "lamp",
        "fixtures",
        "fixture",
        "luminaires",
        "luminaire",
    },
    key=len,
    reverse=True,
)
_NOUN_ALT = "|".join(re.escape(w) for w in _PRODUCT_NOUNS)
_MENTION_NOUNS = "|".join(
    re.escape(w) for w in _PRODUCT_NOUNS if w not in ("t8", "t5", "spot", "spots")
)
# A number that is a specification, not a count: 40W, 1200mm, 4000K, 230V, 600x600, 90%.
_SPEC_AFTER_NUMBER = (
    r"(?!\s*(?:w|watts?|mm|cm|v|vac|lm|lumens?|°|%|ma|k\s*(?:\d|cct)"
    r"|x\s*\d+(?!\d)(?!\s*(?:hq|gp|ft|'|’)))(?![a-z]))"
)
_QUANTITY = re.compile(
    rf"(?<![\w.,<>=≤≥])(?P<num>(?:{_NUMBER})(?![\d])(?:\s*(?:k|K|千|万)(?![a-z]))?|{_NUMBER_WORDS})"
    rf"{_SPEC_AFTER_NUMBER}\s*"
    rf"(?:x\s*)?(?P<unit>(?:{_UNIT_WORDS})(?![\w])|(?:[\w-]+\s+){{0,5}}?(?:{_MENTION_NOUNS})(?![\w]))",
    re.I,
)
# Words that are not part of a product's name ("we'd like 2000 T8 tubes").
_NOT_PRODUCT_WORDS = (
    r"of|for|and|with|the|a|an|to|by|in|at|our|your|we|i|you|like|need|want|would|looking|please|"
    r"quote|buy|order|get|require|some|any|pcs|pieces|units|also|add|too|more|about|around|price|"
    r"prices|best|send|me|us|is|are|it|them|these|those|remove|delete|drop|cancel|without|change"
)
_MENTION = re.compile(
    rf"\b(?P<phrase>(?:(?!(?:{_NOT_PRODUCT_WORDS})\b)(?=[\w×*/.+-]*[^\W\d_])[\w×*/.+-]+\s+){{0,5}}"
    rf"(?:{_MENTION_NOUNS}))(?![\w])",
    re.I,
)
_INCOTERM = re.compile(
    r"\b(EXW|FCA|CPT|CIP|DAP|DPU|DDP|FAS|FOB|CFR|CIF|CNF|C&F|DAT|DDU)\b"
    r"|\b(ex[- ]?works|free on board|free carrier|cost,? insurance and freight|cost and freight"
    r"|delivered duty paid|delivered at place|carriage paid to|carriage and insurance paid to)\b",
    re.I,
)
_ORIGIN_TERMS = frozenset({"EXW", "FCA", "FAS", "FOB"})
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|(?:(?:the\s+)?(?:end|beginning|start|mid|middle|early|late)[ -](?:of\s+)?)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"(?:,?\s+\d{{4}})?"
    rf"|q[1-4]\s*\d{{4}}|h[12]\s*\d{{4}}"
    rf"|(?:with)?in\s+\d+\s+(?:days|weeks|months)"
    rf"|asap|as soon as possible)\b",
    re.I,
)
_CERT = re.compile(
    r"\b(CE|RoHS|REACH|UKCA|FCC|UL|cUL|ETL|cETL|DLC|DLC\s*premium|SAA|RCM|ERP|ErP|CB|ENEC|TUV|TÜV|"
    r"SASO|INMETRO|PSE)\b",
    re.I,
)
_NO_CERTS = re.compile(
    r"\b(no|none|not needed|no certifications?|don'?t need|not required)\b", re.I
)
_PAYMENT = re.compile(
    r"\b(L/?C|letter of credit|T/?T|telegraphic transfer|wire transfer|bank transfer|D/?P|D/?A"
    r"|documents against (?:payment|acceptance)|open account|O/?A|net\s*\d+|escrow"
    r"|trade assurance|paypal|deposit|in advance|prepayment)\b",
    re.I,
)
_MONEY = re.compile(
    r"(?:(?:US\$|USD|EUR|GBP|AUD|CAD|CNY|RMB|JPY|AED|\$|€|£|¥)\s?\d+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?\s?(?:USD|EUR|GBP|AUD|CAD|CNY|RMB|JPY|AED|dollars?|euros?|pounds?|\$|€|£))"
    r"(?:\s*(?:/|per)\s*(?:pc|pcs|piece|unit|set))?",
    re.I,
)
_SAMPLE = re.compile(r"\bsamples?\b|\bmuestras?\b|\bmuster\b|样品", re.I)
_NEGATION = re.compile(r"\b(no|not|don'?t|do not|without|skip|none)\b", re.I)
_BUSINESS = re.compile(
    r"\b(importers?|distributors?|wholesalers?|wholesale|retailers?|retail|contractors?|installers?"
    r"|integrators?|end[- ]users?|for our own (?:use|warehouse|factory|building)|own use)\b",
    re.I,
)
_COMPANY = re.compile(
    r"\b((?:[A-Z][\w&'.-]*\s+){0,5}[A-Z][\w&'.-]*\s+(?:GmbH(?: & Co\.? KG)?|AG|KG|Ltd\.?|Limited"
    r"|LLC|L\.L\.C\.|Inc\.?|Corp\.?|Corporation|S\.?A\.?|S\.?L\.?|S\.?r\.?l\.?|S\.?p\.?A\.?"
    r"|B\.?V\.?|N\.?V\.?|Pty\.? Ltd\.?|Co\.,? Ltd\.?|SARL|SAS|Oy|AB|A/S|ApS|PLC|LLP|Lda\.?"
    r"|Ltda\.?|SpA|Sp\. z o\.o\.))(?![\w])"
)
_NAME_INTRO = re.compile(
    r"\b(?:[Mm]y name is|[Nn]ame:|[Tt]his is|I am|I'm|I’m)\s+"
    r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
)
_ADD = re.compile(
    r"\b(add|also|too|as well|plus|another|additionally|in addition|and also)\b", re.I
)
_REMOVE = re.compile(
    r"\b(remove|delete|drop|take out|cancel the|no longer need|don'?t need the|do not need the"
    r"|without the|forget the)\b",
    re.I,
)
_CORRECTION = re.compile(
    r"\b(actually|instead|change|rather|sorry|i meant|make it|correction|update)\b", re.I
)


_QUESTION_START = re.compile(
    r"^\s*(what|which|how|is|are|do|does|did|can|could|will|would|where|when|why|who|whose|"
    r"tell me|explain|qu[eé]|cu[aá]l|c[oó]mo|d[oó]nde|cu[aá]ndo|tienen|hay|was|welche|wie|gibt|"
    r"haben|ist|sind|kann|quel|quelle|est-ce|o que|qual|como|voc[eê]s)\b",
    re.I,
)


def is_question(text: str) -> bool:
    """A question rather than an answer ("is it flicker-free?" vs "lots of them")."""
    return "?" in text or "？" in text or "吗" in text or bool(_QUESTION_START.match(text))


@dataclass
class Extraction:
    """What a message says: slot values to set, sentences for the buyer, a reason per field
    that the buyer was asked for and that could not be read."""

    slots: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def set(self, slot: str, parsed: Parsed[Any], value: Any = None) -> bool:
        if not parsed.ok:
            return False
        self.slots[slot] = parsed.value if value is None else value
        self.notes.extend(parsed.notes)
        return True


def _money_dict(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": f"{amount:f}", "currency": currency}


def _quantity_dict(parsed_value: Any) -> dict[str, str | None]:
    return {"quantity": f"{parsed_value.amount:f}", "unit": parsed_value.unit or "pcs"}


# ---- answers to the question just asked ----------------------------------------------------


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
            out.notes.append("I've noted it as urgent: the earliest date we can make.")
            return
    elif slot == "certifications":
        if _NO_CERTS.search(text) and not _CERT.search(text):
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
        match = match_product(text, catalog)
        if match.sku or match.category or len(text.split()) <= 8:
            out.slots["product"] = {"description": _product_words(text), "sku": match.sku}
            return
        parsed = Parsed.failure(
            "Which product do you mean? A model number or a short description is fine."
        )
    else:
        return
    if parsed.error:
        out.errors[slot] = parsed.error


def _asap(state: Mapping[str, Any], today: date, catalog: Catalog) -> date:
    from sales.rfq.rules import earliest_date

    return earliest_date(state.get("items") or [], catalog, today)


def _set_incoterm(choice: Any, out: Extraction, state: Mapping[str, Any]) -> None:
    if choice is None:
        out.slots["incoterm"] = None
        return
    out.slots["incoterm"] = choice.code
    if (
        choice.place
        and choice.code not in _ORIGIN_TERMS
        and not (state.get("destination") or out.slots.get("destination"))
    ):
        place = parse_destination(choice.place)
        if place.ok:
            out.slots["destination"] = {"country": place.value.country, "place": place.value.place}


def _set_payment(terms: Any, out: Extraction) -> None:
    out.slots["payment_terms"] = terms.code if terms else None
    out.slots["payment_detail"] = terms.detail if terms else None


def _looks_like_a_name(text: str) -> bool:
    """ "Highveld Electrical Wholesalers" (a name) rather than "we're wholesalers"."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’&.-]*", text)]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 2


def _contact_block(slot: str, text: str, out: Extraction, state: Mapping[str, Any]) -> None:
    """An answer to "your name, company and email" may carry all three, in any order."""
    parts = [p.strip() for p in re.split(r"[,;\n]|\s+-\s+|\s+/\s+", text) if p.strip()]
    rest: list[str] = []
    for part in parts:
        if "@" in part:
            if not out.set("email", parse_email(_EMAIL.search(part).group(0))):  # type: ignore[union-attr]
                out.errors["email"] = parse_email(part).error or "That email address looks wrong."
        elif sum(ch.isdigit() for ch in part) >= 6:
            region = (state.get("destination") or {}).get("country")
            phone = parse_phone(part, default_region=region)
            if not out.set("phone", phone) and slot == "phone":
                out.errors["phone"] = phone.error or "That phone number looks wrong."
        elif slot == "phone" and _NEGATION.search(part):
            out.slots["phone"] = None
            out.slots["phone_declined"] = True
        elif _BUSINESS.search(part) and not _looks_like_a_name(part):
            continue  # "we're a distributor": read by the scan
        elif company := _COMPANY.search(part):
            out.set("company", parse_company_name(company.group(1)))
            if intro := _NAME_INTRO.search(part[: company.start()]):
                rest.append(intro.group(1))  # "I'm Aroha Ngata from Kiwi Lighting Ltd"
        else:
            rest.append(part)
    # several parts come in the order asked (name, company); a single one answers the question
    wanted = [s for s in ("contact_name", "company") if s not in out.slots and not state.get(s)]
    if len(rest) == 1 and slot in wanted:
        wanted = [slot]
    for part, target in zip(rest, wanted, strict=False):
        parsed = parse_person_name(part) if target == "contact_name" else parse_company_name(part)
        if not out.set(target, parsed) and target == slot:
            out.errors[slot] = parsed.error or "Sorry, I didn't get that."
    if slot == "email" and "email" not in out.slots and "email" not in out.errors:
        out.errors["email"] = parse_email(text).error or "That email address looks wrong."


# ---- facts anywhere in the message --------------------------------------------------------


def _scan(text: str, out: Extraction, *, today: date, state: Mapping[str, Any]) -> None:
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
        for match in _INCOTERM.finditer(text):
            window = text[match.start() : match.end() + 40].split(",")[0]
            window = re.split(r"\b(with|by|and|for|payment|please)\b", window)[0]
            parsed = parse_incoterm(window.strip())
            if parsed.ok and parsed.value:
                _set_incoterm(parsed.value, out, state)
                break
    if "destination" not in out.slots:
        origin_place = None
        if out.slots.get("incoterm") in _ORIGIN_TERMS:
            origin = _INCOTERM.search(text)
            origin_place = origin.end() if origin else None
        for mention in find_places(text):
            if origin_place is not None and 0 <= mention.start - origin_place <= 2:
                continue  # "FOB Ningbo": the port of loading, not the destination
            out.slots["destination"] = {
                "country": mention.destination.country,
                "place": mention.destination.place,
            }
            if mention.destination.place:
                break
    if "required_by" not in out.slots:
        for match in _DATE.finditer(text):
            phrase = match.group(0)
            if re.fullmatch(r"(?i)may", phrase) and not re.search(
                r"(?i)\b(by|in|until|before|end of|mid)\s+may\b", text
            ):
                continue  # "may" the verb
            parsed = parse_required_by(re.sub(r"(?i)^the\s+", "", phrase), today=today)
            if parsed.ok and parsed.value.date:
                out.set("required_by", parsed, parsed.value.date.isoformat())
                break
    if "certifications" not in out.slots:
        codes = [m.group(0) for m in _CERT.finditer(text) if not (m.group(0) == "ce" and False)]
        codes = [
            c for c in codes if c.upper() != "GS" or "TUV" in text.upper() or "TÜV" in text.upper()
        ]
        if codes:
            parsed = parse_certifications(" ".join(codes))
            if parsed.ok:
                out.set("certifications", parsed, list(parsed.value or ()))
    if "payment_terms" not in out.slots and (match := _PAYMENT.search(text)):
        clause = _clause(text, match.start(), match.end())
        parsed = parse_payment_terms(clause)
        if not parsed.ok:
            parsed = parse_payment_terms(match.group(0))
        if parsed.ok and parsed.value:
            _set_payment(parsed.value, out)
    if "sample_requested" not in out.slots and (match := _SAMPLE.search(text)):
        clause = _clause(text, match.start(), match.end())
        out.slots["sample_requested"] = not _NEGATION.search(clause)
    if "business_type" not in out.slots and (match := _BUSINESS.search(text)):
        out.set("business_type", parse_business_type(match.group(0)))
    if "company" not in out.slots and (match := _COMPANY.search(text)):
        out.set("company", parse_company_name(match.group(1)))
    if "contact_name" not in out.slots and (match := _NAME_INTRO.search(text)):
        out.set("contact_name", parse_person_name(match.group(1)))


def _clause(text: str, start: int, end: int) -> str:
    left = max(text.rfind(sep, 0, start) for sep in (",", ";", ".", "\n"))
    rights = [i for sep in (",", ";", "\n") if (i := text.find(sep, end)) >= 0]
    right = min(rights) if rights else len(text)
    return text[left + 1 : right].strip()


# ---- items ---------------------------------------------------------------------------------


@dataclass
class _Mention:
    start: int
    end: int
    words: str
    sku: str | None
    category: str | None


def _product_words(text: str) -> str:
    words = re.sub(r"(?i)^(the|a|an|some|our|your|of)\s+", "", text.strip(" .,!?"))
    return words[:200]


# Where the words about one product end: "T8 glass tubes, 1200 mm 18W. Also ..." -> "T8 ...18W".
_CLAUSE_END = re.compile(r"[.;!?\n]|\band\b|\bplus\b|\bfor\b|\bto\b|\bby\b|\bwith\b", re.I)
_SPEC_TAIL_CHARS = 40


def _spec_tail(text: str, end: int) -> str:
    """The words after a product noun that still describe it ("..., 1200 mm 18W")."""
    tail = text[end : end + _SPEC_TAIL_CHARS]
    stop = _CLAUSE_END.search(tail)
    return tail[: stop.start()] if stop else tail


def _product_mentions(text: str, catalog: Catalog, context_category: str | None) -> list[_Mention]:
    skus: list[_Mention] = []
    for sku in catalog.find_skus(text):
        at = text.upper().find(sku.upper())
        start = at if at >= 0 else 0
        product = catalog.product(sku)
        category = product.get("category") if product else None
        skus.append(_Mention(start, start + len(sku), sku, sku, category))
    mentions: list[_Mention] = []
    for match in _MENTION.finditer(text):
        if any(m.start < match.end() and match.start() < m.end for m in skus):
            continue
        phrase = match.group("phrase")
        tail = _spec_tail(text, match.end())
        # a model number right next to the words names the same product
        beside = next(
            (
                m
                for m in skus
                if 0 <= m.start - match.end() <= len(tail) or 0 <= match.start() - m.end <= 2
            ),
            None,
        )
        if beside is not None:
            skus.remove(beside)
            start, end = min(beside.start, match.start()), max(beside.end, match.end())
            mentions.append(
                _Mention(start, end, _product_words(phrase), beside.sku, beside.category)
            )
            continue
        found = match_product(f"{phrase} {tail}", catalog, context_category=context_category)
        if found.category is None and not re.search(
            r"(?i)\b(light|lamp|fixture|luminaire)s?\b", phrase
        ):
            continue
        mentions.append(
            _Mention(match.start(), match.end(), _product_words(phrase), found.sku, found.category)
        )
    mentions.extend(skus)
    if not mentions and context_category:
        # "add 500 pcs of the 60W too": the wattage names a product of the category in hand
        watt = re.search(r"(?i)\b\d{1,4}\s*w\b(?:\s+(?:version|model|one|ones))?", text)
        if watt:
            found = match_product(watt.group(0), catalog, context_category=context_category)
            mentions.append(
                _Mention(watt.start(), watt.end(), watt.group(0), found.sku, found.category)
            )
    return sorted(mentions, key=lambda m: m.start)


def _quantities(text: str) -> list[tuple[int, int, dict[str, str | None]]]:
    found = []
    for match in _QUANTITY.finditer(text):
        if re.fullmatch(r"(?i)\d{4,5}\s*k", match.group("num").strip()):
            continue  # 4000K: a colour temperature
        unit = match.group("unit")
        words = (
            match.group("num")
            + " "
            + (unit if re.fullmatch(rf"(?i)(?:{_UNIT_WORDS})", unit.strip()) else "pcs")
        )
        parsed = parse_quantity(words)
        if parsed.ok:
            found.append((match.start(), match.end(), _quantity_dict(parsed.value)))
    return found


def _same(item: Mapping[str, Any], mention: _Mention) -> bool:
    if mention.sku and item.get("sku"):
        return bool(item["sku"] == mention.sku)
    return bool(mention.category and item.get("category") == mention.category)


def _items(
    text: str, out: Extraction, *, state: Mapping[str, Any], expecting: str | None, catalog: Catalog
) -> None:
    items = [dict(item) for item in state.get("items") or []]
    context = items[-1].get("category") if items else None
    pending = state.get("product")
    mentions = _product_mentions(text, catalog, context)
    quantities = _quantities(text)
    changed = False

    if _REMOVE.search(text) and mentions:
        kept = [i for i in items if not any(_same(i, m) for m in mentions)]
        if len(kept) != len(items):
            out.notes.append(f"I've removed {len(items) - len(kept)} item(s) from the request.")
            out.slots["items"] = kept
            return

    used: set[int] = set()
    adding = bool(_ADD.search(text))
    correcting = bool(_CORRECTION.search(text))
    for mention in mentions:
        quantity = None
        for i, (qs, qe, q) in enumerate(quantities):
            if i in used:
                continue
            near_before = qe <= mention.start and not re.search(
                r"[;.]|\band\b", text[qe : mention.start]
            )
            near_after = (
                qs >= mention.end
                and qs - mention.end <= 25
                and not re.search(r"\band\b", text[mention.end : qs])
            )
            overlapping = qs < mention.end and mention.start < qe
            if near_before or near_after or overlapping:
                quantity = q
                used.add(i)
                break
        product = {"description": mention.words, "sku": mention.sku, "category": mention.category}
        existing = next((i for i in items if _same(i, mention)), None)
        if existing is not None and not adding:
            if quantity:
                existing.update(quantity)
                changed = True
            elif correcting and mention.sku and existing.get("sku") != mention.sku:
                existing.update(product)
                changed = True
            continue
        if quantity:
            items.append({**product, **quantity, "target_price": None})
            changed = True
        elif correcting and items and not adding:
            items[-1].update(product)
            changed = True
        else:
            out.slots["product"] = product
    leftover = [q for i, (_, _, q) in enumerate(quantities) if i not in used]
    if expecting == "quantity" and not leftover and not mentions:
        parsed = parse_quantity(text)  # "300", "5k", "2 x 40ft containers"
        leftover = [_quantity_dict(parsed.value)] if parsed.ok else []
    if leftover and not mentions:
        quantity = leftover[0]
        target = out.slots.get("product") or pending
        if target:
            items.append({**target, **quantity, "target_price": None})
            out.slots["product"] = None
            changed = True
        elif items and (correcting or expecting == "quantity" or len(items) == 1):
            items[-1].update(quantity)
            changed = True
        elif not items:
            out.slots["quantity"] = quantity
    elif "product" in out.slots and out.slots["product"] and state.get("quantity") and not items:
        items.append({**out.slots["product"], **state["quantity"], "target_price": None})
        out.slots["product"] = None
        out.slots["quantity"] = None
        changed = True

    prices = [m for m in _MONEY.finditer(text)]
    if prices and items:
        parsed = parse_money(prices[0].group(0))
        if parsed.ok:
            items[-1]["target_price"] = _money_dict(parsed.value.amount, parsed.value.currency)
            out.notes.extend(parsed.notes)
            changed = True
    if changed:
        out.slots["items"] = items


# ---- the whole message -----------------------------------------------------------------------


def extract(
    text: str,
    *,
    state: Mapping[str, Any],
    expecting: str | None,
    today: date,
    catalog: Catalog,
) -> Extraction:
    """Facts in one buyer message, given what is known already (``state``, the form's slots)."""
    text = clean(text)
    out = Extraction()
    if not text:
        return out
    if expecting and expecting not in ("product", "quantity"):
        _direct(expecting, text, out, today=today, state=state, catalog=catalog)
    _items(text, out, state=state, expecting=expecting, catalog=catalog)
    if expecting in ("product", "quantity") and not out.slots.get("items"):
        if expecting == "product" and not out.slots.get("product"):
            _direct("product", text, out, today=today, state=state, catalog=catalog)
            if out.slots.get("product") and state.get("quantity"):
                out.slots["items"] = [
                    {**out.slots["product"], **state["quantity"], "target_price": None}
                ]
                out.slots["product"] = None
                out.slots["quantity"] = None
        elif expecting == "quantity" and "quantity" not in out.slots:
            parsed = parse_quantity(text)
            if not parsed.ok:
                out.errors["quantity"] = parsed.error or "How many do you need?"
    _scan(text, out, today=today, state=state)
    if (
        expecting in ("incoterm", "payment_terms")
        and expecting not in out.slots
        and state.get("sample_requested") is None
        and (yes_no := parse_yes_no(text)).ok
    ):
        # "yes" to "which Incoterm ... and would you like samples first?"
        out.slots["sample_requested"] = yes_no.value
        out.errors.pop(expecting, None)
    if expecting in out.slots:
        out.errors.pop(expecting, None)
    return out
