"""Composing chat answers from the knowledge base, in the buyer's language.

Three kinds of answer, tried in this order:

1. compliance — the question names a product and a market (or asks about selling/importing
   somewhere): the product's certifications are checked against the market's rules;
2. exact specification — the question names a product and an attribute: the value comes from
   the product record, never from retrieved text;
3. retrieval — otherwise the best search hit is quoted with its source, provided its score
   reaches ``CONFIDENT_SCORE``; below that the assistant says it does not know.

The first two are composed from structured fields, so they are said wholly in the buyer's
language (texts in the ``answers`` area of the message catalog; numbers, market names and
language names from babel). Retrieved text is quoted as it is: in the buyer's language it reads
"From our documentation: ..."; in another language (our documents are English) an introduction
in the buyer's language names the source and the language, and the original text follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import format_decimal

from knowledge.attributes import BY_KEY, find_attributes
from knowledge.catalog import Product, format_value
from knowledge.index import Hit, KnowledgeBase
from knowledge.markets import ComplianceCheck, Market
from sales.i18n import DEFAULT_LANGUAGE, catalog, language_of, t
from sales.i18n.detect import detect
from sales.rfq.products import category_of

# Lowest fused search score at which a retrieved passage is offered as the answer; calibrated
# on knowledge/demo/questions.yaml against off-topic questions (see knowledge/README.md).
CONFIDENT_SCORE = 0.42
EXCERPT_CHARS = 400
# The language our sources are written in unless their text says otherwise.
SOURCE_LANGUAGE = DEFAULT_LANGUAGE
# babel's locale for a supported language where the bare code is not the one we mean.
BABEL_LOCALES = {"zh": "zh_Hans_CN", "pt": "pt_BR"}

_COMPLIANCE_WORDS = re.compile(
    r"(?<!\w)(?:sell|selling|sold|import|importing|export|exporting|comply|compliant|compliance|"
    r"legal|allowed|market|vender|importar|exportar|cumple|cumplir|mercado|"
    r"verkaufen|vertreiben|einführen|importieren|exportieren|zulässig|erlaubt|markt|"
    r"comercializar|conformidade|permitido|"
    r"vendre|importer|exporter|conforme|conformité|autorisé|légal|marché)(?!\w)"
    r"|销售|出口|进口|合规|准入|市场|卖到|卖去",
    re.IGNORECASE,
)
# Record values that are words rather than data: said in the buyer's language.
_VALUE_WORDS = {"non-dimmable": "non_dimmable", "flicker-free": "flicker_free"}
# Units written after a number in every language.
_SUFFIXES = {
    "power_w": " W",
    "luminous_flux_lm": " lm",
    "efficacy_lm_w": " lm/W",
    "beam_angle_deg": "°",
    "weight_kg": " kg",
    "dimensions_mm": " mm",
}
# Attributes counted in a unit whose word depends on the language ("5 years", "5 Jahre").
_COUNTED = {
    "warranty_years": "year",
    "lead_time_days": "day",
    "sample_lead_time_days": "day",
    "lifetime_h": "hour",
}
_RANGE = re.compile(r"(\S+)\s+to\s+([+\-−]?\d\S*)")


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[str]
    confident: bool
    hits: list[Hit] = field(default_factory=list)


def answer(kb: KnowledgeBase, question: str, *, language: str = "en") -> Answer:
    lang = language_of(language)
    skus = kb.find_skus(question)
    markets = kb.market_directory.find(question)
    attributes = find_attributes(question)
    if (
        skus
        and markets
        and ("certifications" in attributes or _COMPLIANCE_WORDS.search(question) or not attributes)
    ):
        return _compliance_answer(kb, skus[0], markets[0], lang)
    if skus and attributes:
        return _spec_answer(kb, question, skus[0], attributes, lang)
    asked = [key for key in attributes if key != "certifications"]
    if asked and not skus and (category := category_of(question)):
        found = _category_answer(kb, category, asked, lang)
        if found is not None:
            return found
    if (
        markets
        and not skus
        and ("certifications" in attributes or _COMPLIANCE_WORDS.search(question))
    ):
        hits = kb.search(question, 3, market=markets[0])
        return _market_answer(kb, markets[0], hits, lang)
    return _retrieval_answer(kb, question, lang)


# --- language helpers -----------------------------------------------------------------


def _locale(lang: str) -> str:
    return BABEL_LOCALES.get(lang, lang)


@cache
def _babel(lang: str) -> Locale:
    return Locale.parse(_locale(lang))


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in language ``lang`` ("English", "inglés", "英语")."""
    return _babel(lang).languages.get(code, code)


def market_name(market: Market, lang: str) -> str:
    """The market's name in the buyer's language (babel's territory name), else its own."""
    if lang == DEFAULT_LANGUAGE:
        return market.name
    return _babel(lang).territories.get(market.code) or market.name


def text_language(text: str) -> str:
    """The language a source text is written in (our sources are English unless they say)."""
    return detect(text) or SOURCE_LANGUAGE


def _join(parts: list[str], lang: str) -> str:
    return t("answers.join", lang).join(part for part in parts if part)


def _cite(sources: list[str], lang: str) -> str:
    return t("answers.cite", lang, sources=_join(sources, lang))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _sentences(parts: list[str], lang: str) -> str:
    return t("answers.sentence_break", lang).join(_sentence(part) for part in parts if part)


# --- values ---------------------------------------------------------------------------


def _number(value: int | float, lang: str) -> str:
    if lang == DEFAULT_LANGUAGE:
        return format_value(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, locale=_locale(lang))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def value_text(value: Any, lang: str) -> str:
    """A record value written for the buyer: numbers with the language's separators, yes/no
    and the few value words in the language, packaging fields with their names."""
    if isinstance(value, bool):
        return t("answers.value.yes" if value else "answers.value.no", lang)
    if _is_number(value):
        return _number(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item, lang) for item in value)
    if isinstance(value, dict):
        return _join(
            [
                t(
                    "answers.field",
                    lang,
                    label=_field_label(str(key), lang),
                    value=value_text(v, lang),
                )
                for key, v in value.items()
            ],
            lang,
        )
    text = str(value)
    word = _VALUE_WORDS.get(text.strip().lower())
    return t(f"answers.value.{word}", lang) if word else text


def _field_label(key: str, lang: str) -> str:
    message = f"answers.packaging.{key}"
    return t(message, lang) if message in catalog(DEFAULT_LANGUAGE) else key.replace("_", " ")


def _counted(unit: str, value: Any, lang: str) -> str:
    key = f"answers.unit.{unit}" if value == 1 else f"answers.unit.{unit}s"
    return t(key, lang, n=value_text(value, lang))


def _attribute_value(product: Product, key: str, lang: str) -> str | None:
    fields = BY_KEY[key].fields
    value: Any = product.get(fields[0])
    if value in (None, "", []):
        extra = [
            product.get(name) for name in fields[1:] if product.get(name) not in (None, "", [])
        ]
        return value_text(extra[0], lang) if extra else None
    if key in _COUNTED:
        text = _counted(_COUNTED[key], value, lang)
    elif key == "moq":
        unit = product.get("moq_unit")
        number = value_text(value, lang)
        if unit == "pcs":
            text = t("answers.unit.pieces", lang, n=number)
        else:
            text = f"{number} {unit}" if unit else number
    else:
        text = value_text(value, lang)
        suffix = _SUFFIXES.get(key)
        if suffix and not text.endswith(suffix.strip()):
            text += suffix
        if key == "operating_temp":
            text = _RANGE.sub(lambda m: t("answers.range", lang, low=m[1], high=m[2]), text)
    if key != "moq":
        for extra_field in fields[1:]:
            extra_value = product.get(extra_field)
            if extra_value not in (None, "", []):
                text += f" ({value_text(extra_value, lang)})"
    return text


# --- exact specifications -------------------------------------------------------------


def _spec_answer(
    kb: KnowledgeBase, question: str, sku: str, attributes: list[str], lang: str
) -> Answer:
    product = kb.product(sku)
    assert product is not None  # find_skus only returns catalogue SKUs
    sku = product["sku"]
    source = t("answers.record_source", lang, sku=sku)
    parts: list[str] = []
    complete = True
    for key in attributes:
        if key == "certifications":
            parts.append(_certifications_sentence(kb, product, question, lang))
            continue
        value = _attribute_value(product, key, lang)
        if value is None:
            complete = False
            label = t(f"answers.attribute.{key}", lang)
            parts.append(t("answers.spec_missing", lang, sku=sku, label=label))
        else:
            parts.append(t(f"answers.spec.{key}", lang, sku=sku, value=value))
    text = _sentences(parts, lang) + _cite([source], lang)
    return Answer(text=text, sources=[source], confident=complete)


def _category_answer(
    kb: KnowledgeBase, category: str, attributes: list[str], lang: str
) -> Answer | None:
    """ "What warranty do you give on street lights?": the value of every product of the category
    from its record, said once when they all share it."""
    products = [p for p in kb.products if p.get("category") == category]
    if not products:
        return None
    name = t(f"answers.category.{category}", lang)
    parts: list[str] = []
    for key in attributes:
        label = t(f"answers.attribute.{key}", lang)
        values = {str(p["sku"]): _attribute_value(p, key, lang) for p in products}
        known = {sku: value for sku, value in values.items() if value is not None}
        if not known:
            return None  # no record says it: the documents may
        shared = set(known.values())
        if len(shared) == 1 and len(known) == len(values):
            parts.append(
                t("answers.category_same", lang, category=name, label=label, value=shared.pop())
            )
        else:  # grouped by value: "5 years: SL-M-30W, SL-M-60W; 3 years: SL-EC-60W"
            by_value: dict[str, list[str]] = {}
            for sku, value in known.items():
                by_value.setdefault(value, []).append(sku)
            each = [f"{value}: {', '.join(group)}" for value, group in by_value.items()]
            parts.append(
                t(
                    "answers.category_each",
                    lang,
                    category=name,
                    label=label,
                    values=_join(each, lang),
                )
            )
    skus = sorted({str(p["sku"]) for p in products})
    source = t("answers.records_source", lang, skus=", ".join(skus))
    text = _sentences(parts, lang) + _cite([source], lang)
    return Answer(text=text, sources=[source], confident=True)


def _certifications_sentence(kb: KnowledgeBase, product: Product, question: str, lang: str) -> str:
    held = list(product.get("certifications") or [])
    sku = product["sku"]
    sentence = (
        t("answers.has_certs", lang, sku=sku, certs=", ".join(held))
        if held
        else t("answers.no_certs", lang, sku=sku)
    )
    asked = _codes_mentioned(kb, question)
    yes = [code for code in asked if code in held]
    no = [code for code in asked if code not in held]
    details = []
    if yes:
        details.append(t("answers.cert_yes", lang, codes=", ".join(yes)))
    if no:
        details.append(t("answers.cert_no", lang, codes=", ".join(no)))
    return _join([sentence, *details], lang)


def _codes_mentioned(kb: KnowledgeBase, question: str) -> list[str]:
    known = {code for product in kb.products for code in product.get("certifications") or []}
    for market in kb.market_directory.markets.values():
        known.update(market.required)
        known.update(market.recommended)
    return [
        code
        for code in sorted(known)
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])", question, re.IGNORECASE)
        and (
            len(code) > 2
            or re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])", question)
        )
    ]


# --- compliance -----------------------------------------------------------------------


def _compliance_answer(kb: KnowledgeBase, sku: str, market_code: str, lang: str) -> Answer:
    product = kb.product(sku)
    assert product is not None
    held = list(product.get("certifications") or [])
    check = kb.market_directory.check(held, market_code)
    sources = [
        t("answers.record_source", lang, sku=product["sku"]),
        t("answers.market_source", lang, code=market_code),
    ]
    relevant = [code for code in held if code in _rule_codes(check.market)] or held
    opening = (
        t("answers.has_certs", lang, sku=product["sku"], certs=", ".join(relevant))
        if relevant
        else t("answers.no_certs", lang, sku=product["sku"])
    )
    text = _sentence(_join([opening, *_compliance_clauses(check, lang)], lang))
    return Answer(text=text + _cite(sources, lang), sources=sources, confident=True)


def _compliance_clauses(check: ComplianceCheck, lang: str) -> list[str]:
    market = check.market
    name = market_name(market, lang)
    clauses: list[str] = []
    if check.missing:
        clauses.append(t("answers.also_need", lang, market=name, missing=", ".join(check.missing)))
    elif market.required:
        clauses.append(t("answers.covers", lang, market=name, required=", ".join(market.required)))
    else:
        clauses.append(t("answers.nothing_required", lang, market=name))
    for required, alternative in check.via_alternative.items():
        clauses.append(t("answers.alternative", lang, alternative=alternative, required=required))
    if check.recommended_missing:
        clauses.append(t("answers.recommended", lang, codes=", ".join(check.recommended_missing)))
    return clauses


def _rule_codes(market: Market) -> set[str]:
    codes = set(market.required) | set(market.recommended)
    for alternatives in market.accepted_alternatives.values():
        codes.update(alternatives)
    return codes


def _market_answer(kb: KnowledgeBase, market_code: str, hits: list[Hit], lang: str) -> Answer:
    market = kb.market_directory.markets[market_code]
    source = t("answers.market_source", lang, code=market_code)
    parts = [
        t(
            "answers.market_rules",
            lang,
            market=market_name(market, lang),
            required=", ".join(market.required) or "-",
        )
    ]
    for required, alternatives in market.accepted_alternatives.items():
        if alternatives:
            parts.append(
                t(
                    "answers.alternative",
                    lang,
                    alternative=" / ".join(alternatives),
                    required=required,
                )
            )
    if market.recommended:
        parts.append(t("answers.recommended", lang, codes=", ".join(market.recommended)))
    text = _sentence(_join(parts, lang)) + _cite([source], lang)
    if market.note:
        written_in = text_language(market.note)
        if written_in == lang:
            text += f" {market.note}"
        else:
            original = language_name(written_in, lang)
            text += " " + t("answers.market_note", lang, original=original, note=market.note)
    return Answer(text=text, sources=[source], confident=True, hits=hits)


# --- retrieval ------------------------------------------------------------------------


def _retrieval_answer(kb: KnowledgeBase, question: str, lang: str) -> Answer:
    hits = kb.search(question, 3)
    if not hits or hits[0].score < CONFIDENT_SCORE:
        return Answer(text=t("answers.dont_know", lang), sources=[], confident=False, hits=hits)
    best = hits[0]
    excerpt = _excerpt(best.text)
    written_in = text_language(excerpt)
    if written_in == lang:
        shown = best.source if lang == SOURCE_LANGUAGE else source_name(best, lang)
        text = t("answers.from_docs", lang, excerpt=excerpt) + _cite([shown], lang)
    else:
        text = _introduction(best, lang, written_in) + "\n" + excerpt
    return Answer(text=text, sources=[best.source], confident=True, hits=hits)


def _introduction(hit: Hit, lang: str, written_in: str) -> str:
    """ "According to our product record for the PNL-6060-40W (original text in English):"
    in the buyer's language, before text quoted in another language."""
    original = language_name(written_in, lang)
    if hit.sku and not hit.doc:
        return t("answers.quoted_record", lang, sku=hit.sku, original=original)
    return t("answers.quoted_document", lang, source=source_name(hit, lang), original=original)


def source_name(hit: Hit, lang: str) -> str:
    """A hit's source named in the buyer's language: the product record or the document (title
    and section, as the chunk's first line "title — heading" gives them)."""
    if hit.sku and not hit.doc:
        return t("answers.record_source", lang, sku=hit.sku)
    if not hit.doc:
        return hit.source
    title = hit.text.split("\n", 1)[0].strip()
    if hit.section and title.endswith(f" — {hit.section}"):
        title = title[: -len(f" — {hit.section}")]
        return t("answers.document_source", lang, title=title, section=hit.section)
    return t("answers.document_source_whole", lang, title=title)


def _excerpt(chunk_text: str) -> str:
    body = chunk_text.split("\n", 1)[1] if "\n" in chunk_text else chunk_text
    body = " ".join(body.split())
    if len(body) <= EXCERPT_CHARS:
        return body
    cut = body[:EXCERPT_CHARS]
    end = max(cut.rfind(". "), cut.rfind("。"))
    return cut[: end + 1] if end > EXCERPT_CHARS // 2 else cut.rstrip() + "…"
