"""Composing chat answers from the knowledge base.

Three kinds of answer, tried in this order:

1. compliance — the question names a product and a market (or asks about selling/importing
   somewhere): the product's certifications are checked against the market's rules;
2. exact specification — the question names a product and an attribute: the value comes from
   the product record, never from retrieved text;
3. retrieval — otherwise the best search hit is quoted with its source, provided its score
   reaches ``CONFIDENT_SCORE``; below that the assistant says it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from knowledge import phrases
from knowledge.attributes import BY_KEY, find_attributes
from knowledge.catalog import Product, format_value
from knowledge.index import Hit, KnowledgeBase
from knowledge.markets import ComplianceCheck, Market

# Lowest fused search score at which a retrieved passage is offered as the answer; calibrated
# on knowledge/demo/questions.yaml against off-topic questions (see knowledge/README.md).
CONFIDENT_SCORE = 0.42
EXCERPT_CHARS = 400

_COMPLIANCE_WORDS = re.compile(
    r"(?<!\w)(?:sell|selling|sold|import|importing|export|exporting|comply|compliant|compliance|"
    r"legal|allowed|market|vender|importar|exportar|cumple|cumplir|mercado|legal|"
    r"verkaufen|vertreiben|einführen|importieren|exportieren|zulässig|erlaubt|markt)(?!\w)"
    r"|销售|出口|进口|合规|准入|市场|卖到|卖去",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[str]
    confident: bool
    hits: list[Hit] = field(default_factory=list)


def answer(kb: KnowledgeBase, question: str, *, language: str = "en") -> Answer:
    lang = phrases.language_of(language)
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
    if (
        markets
        and not skus
        and ("certifications" in attributes or _COMPLIANCE_WORDS.search(question))
    ):
        hits = kb.search(question, 3, market=markets[0])
        return _market_answer(kb, markets[0], hits, lang)
    return _retrieval_answer(kb, question, lang)


# --- exact specifications -------------------------------------------------------------


def _spec_answer(
    kb: KnowledgeBase, question: str, sku: str, attributes: list[str], lang: str
) -> Answer:
    product = kb.product(sku)
    assert product is not None  # find_skus only returns catalogue SKUs
    source = phrases.say("record_source", lang, sku=product["sku"])
    parts: list[str] = []
    complete = True
    for key in attributes:
        if key == "certifications":
            parts.append(_certifications_sentence(kb, product, question, lang))
            continue
        value = _attribute_value(product, key, lang)
        if value is None:
            complete = False
            parts.append(
                phrases.say(
                    "spec_missing", lang, sku=product["sku"], label=phrases.label(key, lang)
                )
            )
        else:
            parts.append(
                phrases.say(
                    "spec", lang, sku=product["sku"], label=phrases.label(key, lang), value=value
                )
            )
    text = _sentence(phrases.join(parts, lang)) + phrases.cite([source], lang)
    return Answer(text=text, sources=[source], confident=complete)


def _certifications_sentence(kb: KnowledgeBase, product: Product, question: str, lang: str) -> str:
    held = list(product.get("certifications") or [])
    sku = product["sku"]
    sentence = (
        phrases.say("has_certs", lang, sku=sku, certs=", ".join(held))
        if held
        else phrases.say("no_certs", lang, sku=sku)
    )
    asked = _codes_mentioned(kb, question)
    yes = [code for code in asked if code in held]
    no = [code for code in asked if code not in held]
    details = []
    if yes:
        details.append(phrases.say("cert_yes", lang, codes=", ".join(yes)))
    if no:
        details.append(phrases.say("cert_no", lang, codes=", ".join(no)))
    return phrases.join([sentence, *details], lang)


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


def _attribute_value(product: Product, key: str, lang: str) -> str | None:
    fields = BY_KEY[key].fields
    value: Any = product.get(fields[0])
    if value in (None, "", []):
        extra = [
            product.get(name) for name in fields[1:] if product.get(name) not in (None, "", [])
        ]
        return format_value(extra[0]) if extra else None
    text = format_value(value)
    suffix = {
        "power_w": " W",
        "luminous_flux_lm": " lm",
        "efficacy_lm_w": " lm/W",
        "beam_angle_deg": "°",
        "weight_kg": " kg",
        "dimensions_mm": " mm",
    }.get(key)
    if suffix and not text.endswith(suffix.strip()):
        text += suffix
    if key == "warranty_years":
        text += f" {phrases.unit('years', lang)}"
    elif key in ("lead_time_days", "sample_lead_time_days"):
        text += f" {phrases.unit('days', lang)}"
    elif key == "lifetime_h":
        text += f" {phrases.unit('hours', lang)}"
    elif key == "moq" and product.get("moq_unit"):
        text += f" {product['moq_unit']}"
    for extra_field in fields[1:]:
        extra_value = product.get(extra_field)
        if extra_value not in (None, "", []) and key not in ("moq",):
            text += f" ({format_value(extra_value)})"
    return text


# --- compliance -----------------------------------------------------------------------


def _compliance_answer(kb: KnowledgeBase, sku: str, market_code: str, lang: str) -> Answer:
    product = kb.product(sku)
    assert product is not None
    held = list(product.get("certifications") or [])
    check = kb.market_directory.check(held, market_code)
    sources = [
        phrases.say("record_source", lang, sku=product["sku"]),
        phrases.say("market_source", lang, code=market_code),
    ]
    relevant = [code for code in held if code in _rule_codes(check.market)] or held
    opening = (
        phrases.say("has_certs", lang, sku=product["sku"], certs=", ".join(relevant))
        if relevant
        else phrases.say("no_certs", lang, sku=product["sku"])
    )
    text = _sentence(phrases.join([opening, *_compliance_clauses(check, lang)], lang))
    return Answer(text=text + phrases.cite(sources, lang), sources=sources, confident=True)


def _compliance_clauses(check: ComplianceCheck, lang: str) -> list[str]:
    market = check.market
    clauses: list[str] = []
    if check.missing:
        clauses.append(
            phrases.say("also_need", lang, market=market.name, missing=", ".join(check.missing))
        )
    elif market.required:
        clauses.append(
            phrases.say("covers", lang, market=market.name, required=", ".join(market.required))
        )
    else:
        clauses.append(phrases.say("nothing_required", lang, market=market.name))
    for required, alternative in check.via_alternative.items():
        clauses.append(phrases.say("alternative", lang, alternative=alternative, required=required))
    if check.recommended_missing:
        clauses.append(phrases.say("recommended", lang, codes=", ".join(check.recommended_missing)))
    return clauses


def _rule_codes(market: Market) -> set[str]:
    codes = set(market.required) | set(market.recommended)
    for alternatives in market.accepted_alternatives.values():
        codes.update(alternatives)
    return codes


def _market_answer(kb: KnowledgeBase, market_code: str, hits: list[Hit], lang: str) -> Answer:
    market = kb.market_directory.markets[market_code]
    source = phrases.say("market_source", lang, code=market_code)
    parts = [
        phrases.say(
            "market_rules", lang, market=market.name, required=", ".join(market.required) or "-"
        )
    ]
    for required, alternatives in market.accepted_alternatives.items():
        if alternatives:
            parts.append(
                phrases.say(
                    "alternative", lang, alternative=" / ".join(alternatives), required=required
                )
            )
    if market.recommended:
        parts.append(phrases.say("recommended", lang, codes=", ".join(market.recommended)))
    text = _sentence(phrases.join(parts, lang))
    if market.note and lang == "en":
        text += f" {market.note}"
    return Answer(
        text=text + phrases.cite([source], lang), sources=[source], confident=True, hits=hits
    )


# --- retrieval ------------------------------------------------------------------------


def _retrieval_answer(kb: KnowledgeBase, question: str, lang: str) -> Answer:
    hits = kb.search(question, 3)
    if not hits or hits[0].score < CONFIDENT_SCORE:
        return Answer(text=phrases.say("dont_know", lang), sources=[], confident=False, hits=hits)
    best = hits[0]
    excerpt = _excerpt(best.text)
    text = phrases.say("from_docs", lang, excerpt=excerpt) + phrases.cite([best.source], lang)
    return Answer(text=text, sources=[best.source], confident=True, hits=hits)


def _excerpt(chunk_text: str) -> str:
    body = chunk_text.split("\n", 1)[1] if "\n" in chunk_text else chunk_text
    body = " ".join(body.split())
    if len(body) <= EXCERPT_CHARS:
        return body
    cut = body[:EXCERPT_CHARS]
    end = max(cut.rfind(". "), cut.rfind("。"))
    return cut[: end + 1] if end > EXCERPT_CHARS // 2 else cut.rstrip() + "…"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
