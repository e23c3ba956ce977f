"""Reading RFQ facts from a buyer's free text.

A buyer who writes "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS,
by 15 March 2027" is not asked again for any of it. This module finds the spans (quantities
with their units, model numbers and product words, ports and countries, Incoterms, dates,
certifications, payment terms, prices, contact details) and hands each to the normaliser of
`sales.normalizers`, which turns it into the contract's value or a readable reason.

When the bot has just asked for one field (``expecting``), the whole message is first read as
that field's answer ("Hamburg", "yes", "end of April").

Buyers write in English, Chinese, Spanish, German, Portuguese and French: "Necesitamos 5.000
paneles 600x600 40W para Hamburgo, CIF, con CE y RoHS, antes del 15 de marzo de 2027" and
"我们需要5000个600x600 40W面板灯，发往汉堡，CIF，需要CE和RoHS认证，2027年3月15日前交货" fill the
same facts. Chinese has no spaces, so words are found with the edges of
`sales.normalizers.word_edges` rather than ``\b``. Sentences for the buyer are ``Msg`` of the
catalog's ``validation`` area.

The reading itself is done in `sales.rfq.reading`: ``patterns`` (the spans as regular
expressions), ``extraction`` (``Extraction``, the slot values), ``direct`` (the whole message as
the answer to the question just asked), ``contact`` (name, company, email and phone in one
answer), ``scan`` (facts anywhere in the message), ``mentions`` (products named by model or by
words) and ``items`` (the request's items: counts, products, prices). This module puts them
together (``extract``) and tells questions from answers (``is_question``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from i18n import Msg
from sales.normalizers import parse_quantity, parse_yes_no
from sales.normalizers._text import clean, fold, fold_chars
from sales.normalizers.countries import find_places
from sales.normalizers.incoterms import TERM_PATTERN
from sales.normalizers.quantity import UNIT_SYNONYMS
from sales.rfq import typos
from sales.rfq.products import Catalog
from sales.rfq.reading.contact import CONTACT_SLOTS
from sales.rfq.reading.direct import _direct, _yes_no_part
from sales.rfq.reading.extraction import Extraction, new_item
from sales.rfq.reading.items import _items
from sales.rfq.reading.patterns import _COMPANY, _CORRECTION, _DATE, _NAME_INTRO, _QUANTITY
from sales.rfq.reading.scan import _scan

_QUESTION_START = re.compile(
    # after a lead-in ("Kurze Frage:", "Question rapide :", "Antes de continuar:")
    r"^\s*(?:[^:?]{1,40}:\s*)?(what|which|how|is|are|do|does|did|can|could|will|would|where|when|why|who|whose|"
    r"tell me|explain|qu[eé]|cu[aá]l|c[oó]mo|d[oó]nde|cu[aá]ndo|cu[aá]nto|tienen|hay|puede|"
    r"pueden|was|welche|welcher|wie|gibt|haben|ist|sind|kann|k[oö]nnen|wo|wann|warum|quel|"
    r"quelle|quels|est-ce|combien|pouvez|avez|o que|qual|quais|quanto|quando|onde|como|"
    r"voc[eê]s|podem|t[eê]m)\b",
    re.I,
)
# French inversion: "ce panneau est-il sans scintillement", "offrez-vous une garantie"
_INVERSION = re.compile(r"(?i)\b\w+-(?:t-)?(?:il|elle|ils|elles|vous|on|nous)\b")
_HAN_QUESTION = re.compile(r"吗|呢|什么|多少|是否|能否|有没有|怎么|哪些|哪个|几")


def is_question(text: str) -> bool:
    """A question rather than an answer ("is it flicker-free?" vs "lots of them")."""
    return (
        "?" in text
        or "？" in text
        or bool(_HAN_QUESTION.search(text))
        or bool(_QUESTION_START.match(text))
        or bool(_INVERSION.search(text))
    )


# ---- the whole message -----------------------------------------------------------------------


def _corrects_an_earlier_answer(text: str) -> bool:
    """A correction naming an Incoterm, a count, a date or a place rather than who the buyer is
    ("Actually it goes to Hamburg, Germany instead": no company "Germany instead.")."""
    folded = fold_chars(text)
    if not _CORRECTION.search(folded):
        return False
    if TERM_PATTERN.search(folded) or _QUANTITY.search(folded) or _DATE.search(folded):
        return True
    who = "@" in text or _COMPANY.search(text) or _NAME_INTRO.search(text)
    return not who and bool(find_places(text))


_COUNT_AND_WORD = re.compile(r"(?<=\d)(?!(?:st|nd|rd|th)\b)([^\W\d_]{2,})\b", re.I)  # not "21st"


def _unglued(text: str, catalog: Catalog) -> str:
    """A count written right after or before a model number, and a unit right after a count, set
    apart: "PNL-6060-40W3000套" -> "PNL-6060-40W 3000套", "12000PNL-6060-40W" -> "12000
    PNL-6060-40W", "200pcs" -> "200 pcs" (not "18W", "21st")."""
    for sku in catalog.find_skus(text):
        text = re.sub(rf"(?i)({re.escape(sku)})(?=\d)", r"\1 ", text)
        text = re.sub(rf"(?i)(?<=\d)({re.escape(sku)})", r" \1", text)
    return _COUNT_AND_WORD.sub(
        lambda m: " " + m.group(1) if fold(m.group(1)) in UNIT_SYNONYMS else m.group(1), text
    )


def extract(
    text: str,
    *,
    state: Mapping[str, Any],
    expecting: str | None,
    today: date,
    catalog: Catalog,
) -> Extraction:
    """Facts in one buyer message, given what is known already (``state``, the form's slots)."""
    text = _unglued(clean(text), catalog)
    out = Extraction()
    if not text:
        return out
    if expecting in CONTACT_SLOTS and _corrects_an_earlier_answer(text):
        expecting = None  # "Sorry, I meant DDP Vancouver, not FOB" is no name or company
    if expecting not in CONTACT_SLOTS:
        text = typos.correct(text)  # "2,5k Downligts", "500 flood lites"
    if expecting and expecting not in ("product", "quantity"):
        _direct(expecting, text, out, today=today, state=state, catalog=catalog)
    _items(text, out, state=state, expecting=expecting, catalog=catalog)
    if expecting in ("product", "quantity") and not out.slots.get("items"):
        if (
            expecting == "product"
            and not out.slots.get("product")
            and not _corrects_an_earlier_answer(text)  # "Actually, please quote EXW instead"
        ):
            _direct("product", text, out, today=today, state=state, catalog=catalog)
            if out.slots.get("product") and state.get("quantity"):
                out.slots["items"] = [new_item(out.slots["product"], state["quantity"])]
                out.slots["product"] = None
                out.slots["quantity"] = None
        elif expecting == "quantity" and "quantity" not in out.slots:
            parsed = parse_quantity(text)
            if not parsed.ok:
                out.errors["quantity"] = parsed.error or Msg("validation.reader.how_many")
    _scan(text, out, today=today, state=state, expecting=expecting)
    if (
        expecting in ("incoterm", "payment_terms")
        and expecting not in out.slots
        and state.get("sample_requested") is None
        and (yes_no := parse_yes_no(text)).ok
    ):
        # "yes" to "which Incoterm ... and would you like samples first?"
        out.slots["sample_requested"] = yes_no.value
        out.errors.pop(expecting, None)
    elif (
        expecting in ("incoterm", "payment_terms")
        and "sample_requested" not in out.slots
        and state.get("sample_requested") is None
        and (answer := _yes_no_part(text)) is not None
    ):
        # "CIF, remise documentaire (D/P), Non": the last question's answer among the others
        out.slots["sample_requested"] = answer
    if expecting in out.slots:
        out.errors.pop(expecting, None)
    elif set(out.slots) - {expecting} and _CORRECTION.search(fold_chars(text)):
        # "Actually, change the quantity to 2,500 pieces" while the date is asked: a change of
        # an earlier answer, not a date we could not read (the date is asked again)
        out.errors.pop(expecting, None)
    return out
