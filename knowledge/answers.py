"""Composing chat answers from the knowledge base, in the buyer's language.

Three kinds of answer, tried in this order:

1. compliance — the question names a product and a market (or asks about selling/importing
   somewhere): the product's certifications are checked against the market's rules, national
   schemes included, and the verdict comes first ("Yes", "Yes, with ...", "Not without ...");
2. exact specification — the question names a product ("PNL-6060-40W", or "the 150W one" of the
   range being talked about) and one or more attributes: each value comes from the product
   record, never from retrieved text; an attribute the record does not give is said to be
   missing ("our data for X does not give the salt-spray rating; a sales engineer will
   confirm it"), and the answer is not confident (the person button and a knowledge gap follow);
3. range — a category and attributes ("warranty of your street lights"): every record of it,
   grouped by value; a category alone ("Do you make high bays?") lists the range with its key
   figures, and a category with a need ("a floodlight for tennis courts") the best two or three;
4. retrieval — otherwise the best search hit is quoted with its source (as plain text, no
   Markdown), provided its score reaches ``CONFIDENT_SCORE``; below that the assistant says it
   does not know.

Grounded by construction: a composed sentence is said only if every figure in it is in its
source (the record, the market rules; ``knowledge.grounding``).

The first two are composed from structured fields, so they are said wholly in the buyer's
language (texts in the ``answers`` area of the message catalog; numbers, market names and
language names from babel). Retrieved text is quoted as it is: in the buyer's language it reads
"From our documentation: ..."; in another language (our documents are English) an introduction
in the buyer's language names the source and the language, and the original text follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from i18n import DEFAULT_LANGUAGE, catalog, language_of, t
from i18n.detect import detect
from i18n.formatting import babel, number_text
from knowledge.attributes import (
    BY_KEY,
    attribute_spans,
    find_attributes,
    other_properties,
    owned_elsewhere,
    superlative_asked,
)
from knowledge.catalog import Product, format_value
from knowledge.categories import find_category
from knowledge.cert_codes import codes_named
from knowledge.described import asks_a_value, described_model, power_named
from knowledge.glossary import english_words
from knowledge.grounding import figures, keep_grounded, quotable, source_text
from knowledge.index import Hit, KnowledgeBase
from knowledge.markets import ComplianceCheck, Market
from knowledge.phrases import phrase_pattern
from knowledge.question_parts import unanswered_parts
from knowledge.recommend import (
    ASKS_FIT,
    Fit,
    made_for_heights,
    operating_range,
    rank,
    read_need,
    stated_features,
    temperature_asked,
)
from knowledge.several_products import described_beside
from knowledge.text_tokens import tokenize

# Lowest fused search score at which a retrieved passage is offered as the answer; calibrated
# on knowledge/demo/questions.yaml against off-topic questions (see knowledge/README.md).
CONFIDENT_SCORE = 0.42
EXCERPT_CHARS = 400
# A range answer lists at most this many models (or values) and says how many more there are:
# a catalog of thousands of variants is not read out in a chat answer.
MAX_LISTED = 12
# The language our sources are written in unless their text says otherwise.
SOURCE_LANGUAGE = DEFAULT_LANGUAGE

# the standards a market's rules ask for are its certifications
_STANDARDS_IN_A_MARKET = {"standards": "certifications"}
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
    "hold_up_time": " ms",
}
# Attributes counted in a unit whose word depends on the language ("5 years", "5 Jahre").
_COUNTED = {
    "warranty_years": "year",
    "lead_time_days": "day",
    "sample_lead_time_days": "day",
    "lifetime_h": "hour",
    # the fields named in hours: "3" alone tells a buyer nothing
    "emergency_duration": "hour",
    "charge_time": "hour",
    "salt_spray": "hour",
}
_RANGE = re.compile(r"(\S+)\s+to\s+([+\-−]?\d\S*)")


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[str]
    confident: bool
    hits: list[Hit] = field(default_factory=list)


def answer(
    kb: KnowledgeBase, question: str, *, language: str = "en", context: Sequence[str] = ()
) -> Answer:
    """The answer to ``question`` in ``language``; ``context`` holds the buyer's earlier messages
    (oldest first), to resolve "the 150W one" or "its warranty"."""
    lang = language_of(language)
    concept = asks_what_we_have_no_data_for(question)
    if concept is not None:  # stock levels, a model not yet made: no record or rule says
        return _no_data_answer(kb, question, concept, lang)
    skus = kb.find_skus(question)
    markets = kb.market_directory.find(question)
    attributes = find_attributes(question)
    if markets and "standards" in attributes:  # "does it meet EU standards?": a market verdict
        attributes = list(dict.fromkeys(_STANDARDS_IN_A_MARKET.get(k, k) for k in attributes))
    category = find_category(question)
    # "o fluxo do HB-UFO-100W e do econômico de 100W": each product named or described
    skus += [sku for sku, _ in described_beside(kb, question, category)]
    if not skus:
        skus = _referred_skus(kb, question, context, category, attributes)
        itself = category == "driver" and attributes == ["driver"]  # "drivers": the range
        if skus and category and (not attributes or itself) and not markets:
            if asks_a_value(question) and described_model(kb.products_in(category), question):
                # "quantos LEDs tem a UFO de 200W?": asked of the one model described
                return _spec_answer(kb, question, skus[:1], [], lang)
            # "Do you have a 150W high bay?": the range's models that fit, not a passage
            found = _line_answer(kb, question, category, lang)
            if found is not None:
                return found
    if skus:
        attributes = _relevant_attributes(kb, skus[0], attributes)
        if "certifications" not in attributes and _schemes_mentioned(kb, question):
            attributes.append("certifications")  # "Does the DL-R150-12W have INMETRO?"
    unknown = [] if markets else kb.market_directory.unknown_countries(question)
    if unknown and ("certifications" in attributes or _COMPLIANCE_WORDS.search(question)):
        return _unknown_market_answer(kb, skus[:1], unknown[0], lang)
    if (
        skus
        and markets
        and ("certifications" in attributes or _COMPLIANCE_WORDS.search(question) or not attributes)
    ):
        return _compliance_answer(kb, skus[0], markets[0], lang, question, attributes)
    if skus and attributes:
        return _spec_answer(kb, question, skus, attributes, lang)
    if skus and not markets and (phrase := _unanswered_phrase(kb, question, skus[0])):
        found = _unknown_property_answer(kb, question, skus[0], phrase, lang)
        if found is not None:
            return found
    if not skus and not category and attributes and not markets:
        category = _context_category(kb, context)
    asked = [
        key
        for key in attributes
        if key != "certifications" and not (key == "driver" and category == "driver")
    ]
    if asked and not skus and category:
        if _states_a_need(kb, question):  # "a downlight for a hotel, CRI above 90"
            market = markets[0] if markets else None
            found = _line_answer(kb, question, category, lang, market=market)
            if found is not None:
                return found
        return _category_answer(kb, category, asked, lang, question)
    if (
        category
        and markets
        and not skus
        and not asked
        and "certifications" not in attributes
        and (_NEED_WORDS.search(question) or not _COMPLIANCE_WORDS.search(question))
    ):  # "a tube for the US market", "downlights, project in UK": what fits, sold there
        found = _line_answer(kb, question, category, lang, market=markets[0])
        if found is not None:
            return found
    if (
        markets
        and not skus
        and ("certifications" in attributes or _COMPLIANCE_WORDS.search(question))
    ):
        hits = kb.search(question, 3, market=markets[0])
        return _market_answer(kb, markets[0], hits, lang)
    if category and not skus and not asked and not markets and _states_a_need(kb, question):
        # "冷库里用的，零下30度，不让用玻璃的，要换掉1.2米的老日光灯": what of the range fits
        found = _line_answer(kb, question, category, lang)
        if found is not None:
            return found
    if category and not skus and not asked and not markets and _asks_for_range(question):
        found = _line_answer(kb, question, category, lang)
        if found is not None:
            return found
    if not skus and not category and (ASKS_FIT.search(question) or _states_a_need(kb, question)):
        # "a light for a cold store at -35°C": the records of any category that fit best
        found = _need_answer(kb, question, lang, market=markets[0] if markets else None)
        if found is not None:
            return found
    return _retrieval_answer(kb, question, lang, skus)


NO_DATA_FILE = Path(__file__).resolve().parent / "lexicon" / "no_data.yaml"


@cache
def _no_data_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = yaml.safe_load(NO_DATA_FILE.read_text(encoding="utf-8")) or {}
    return tuple((concept, phrase_pattern(map(str, words))) for concept, words in data.items())


COMPETITORS_FILE = NO_DATA_FILE.with_name("competitors.yaml")
COMPETITOR_COMPARISON = "competitor_comparison"


@cache
def _competitor_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(other makers' names, comparison words)."""
    data = yaml.safe_load(COMPETITORS_FILE.read_text(encoding="utf-8")) or {}
    return phrase_pattern(map(str, data["makers"])), phrase_pattern(map(str, data["comparisons"]))


def asks_what_we_have_no_data_for(question: str) -> str | None:
    """The concept of ``lexicon/no_data.yaml`` ``question`` asks about (stock levels, a product
    not yet made, sales figures), or a comparison with another maker's product
    (``lexicon/competitors.yaml``), which no product record or market rule holds; None if none."""
    for concept, pattern in _no_data_patterns():
        if pattern.search(question):
            return concept
    makers, comparisons = _competitor_patterns()
    if makers.search(question) and comparisons.search(question):
        return COMPETITOR_COMPARISON
    return None


# --- understanding the request --------------------------------------------------------

# Words that ask whether we make a range, or what of it fits a need.
_RANGE_WORDS = re.compile(
    r"(?<!\w)(?:do you (?:make|have|sell|offer|produce|supply|manufacture)|"
    r"make|makes|sell|offer|supply|produce|manufacture|range|models?|catalog(?:ue)?|options|"
    r"recommend|suggest|suitable|best|which|what|for|with|need|looking for|"
    r"venden|vende|fabrican|fabrica|tienen|tiene|ofrecen|ofrece|gama|modelos?|recomienda|"
    r"recomiendan|adecuad[oa]s?|para|con|necesito|busco|cu[aá]l(?:es)?|qu[eé]|"
    r"haben sie|hat|verkaufen|herstellen|stellen|bieten|führen|sortiment|modelle?|empfehlen|"
    r"geeignet|für|mit|brauche|suche|welche[nrs]?|"
    r"vendez|fabriquez|avez|proposez|gamme|modèles?|recommandez|adapté(?:e|s|es)?|pour|avec|"
    r"cherche|besoin|quel(?:le)?s?|"
    r"vendem|fabricam|têm|tem|oferecem|linha|recomenda|adequad[oa]s?|com|preciso|procuro|"
    r"qual|quais)(?!\w)"
    r"|有没有|有吗|有哪些|生产|卖|提供|推荐|适合|用于|哪款|哪个|哪些|什么",
    re.IGNORECASE,
)
# Words of a need ("for tennis courts", "with interchangeable optics"): pick the best few.
_NEED_WORDS = re.compile(
    r"(?<!\w)(?:for|with|suitable|recommend|best|need|para|con|adecuad[oa]s?|recomienda|"
    r"für|mit|geeignet|empfehlen|pour|avec|adapté(?:e|s|es)?|recommandez|com|adequad[oa]s?|"
    r"recomenda|ip\d\d)(?!\w)|\d+\s?w\b|推荐|适合|用于|适用",
    re.IGNORECASE,
)
# The need words without a power ("for", "with", "para", "mit"...): "the 60W one" describes.
_NEED_WORDS_ONLY = re.compile(_NEED_WORDS.pattern.replace(r"|\d+\s?w\b", ""), re.IGNORECASE)
# "What is the <property> of <model>?": a property we have no attribute for.
_PROPERTY = (
    re.compile(
        r"\bwhat(?:'s| is| are)\s+(?:the\s+)?(?P<p>[\w\s/-]{3,40}?)\s+(?:of|for|on|in)\s",
        re.I,
    ),
    re.compile(
        r"\bcu[aá]l(?:es)? (?:es|son) (?:el|la|los|las) (?P<p>[\w\s/-]{3,40}?) (?:del?|en)\s", re.I
    ),
    re.compile(
        r"\bqua(?:l|is) (?:é|e|são) (?:o|a|os|as) (?P<p>[\w\s/-]{3,40}?) (?:do|da|de|no|na)\s", re.I
    ),
    re.compile(
        r"\bquel(?:le)?s? (?:est|sont) (?:le |la |l'|les )(?P<p>[\w\s'/-]{3,40}?) (?:du|de|des)\s",
        re.I,
    ),
    re.compile(
        r"\b(?:wie (?:hoch|groß|gross|lang|viel) ist|was ist|welche[nrs]? (?:ist|hat))"
        r" (?:der|die|das) (?P<p>[\w\s/-]{3,40}?) (?:des|der|vom|von|beim)\s",
        re.I,
    ),
    re.compile(r"的(?P<p>[\u3400-\u9fff]{2,8}?)(?:是多少|是什么|有多少|多少|是几)"),
)


def _referred_skus(
    kb: KnowledgeBase,
    question: str,
    context: Sequence[str],
    category: str | None,
    attributes: list[str],
) -> list[str]:
    """ "the 150W one" of the range the question or the conversation names; "its warranty"
    about the product the conversation was last about."""
    if not context and not category:
        return []
    # "la farola económica de 60W": the one record the values describe; not a need's words
    # ("surface-mounted downlight with a motion sensor for a car park"): the best fits answer it
    describes = not (_NEED_WORDS_ONLY.search(question) and _states_a_need(kb, question))
    if describes and category and (named := described_model(kb.products_in(category), question)):
        return [named]
    wanted = power_named(question)
    if wanted is not None:
        families = [category] if category else []
        families += [c for c in (_context_category(kb, context),) if c and c not in families]
        for family in families:
            if describes and (named := described_model(kb.products_in(family), question)):
                return [named]
            fitting = [
                p
                for p in kb.products_in(family)
                if _is_number(p.get("power_w")) and float(p["power_w"]) == wanted
            ]
            if fitting:
                mentioned = [
                    s for s in _context_skus(kb, context) if s in {p["sku"] for p in fitting}
                ]
                if mentioned:
                    return [mentioned[-1]]
                return [min((str(p["sku"]) for p in fitting), key=lambda s: (len(s), s))]
        if not families:  # no range named: the one model of the catalog with that power
            fitting = [
                p
                for p in kb.products
                if _is_number(p.get("power_w")) and float(p["power_w"]) == wanted
            ]
            if len(fitting) == 1:
                return [str(fitting[0]["sku"])]
        return []
    if not category and (family := _context_category(kb, context)):
        # "the DALI one" of the range talked about: the one model whose number has that word
        named = _model_word_match(kb.products_in(family), question)
        if named:
            return [named]
    if attributes and not category:
        mentioned = _context_skus(kb, context)
        if not mentioned and (family := _context_category(kb, context)):
            # "that one" after "do you have linear high bays?": the one model of the range
            # whose name has a word of that message
            described = _described_product(kb.products_in(family), context[-1])
            if described:
                return [described]
        if not mentioned and context:
            # "that one" after "which of your street lights is SAA certified?": the model
            # our answer to that message recommended first
            return _recommended_before(kb, context)
        return mentioned[-1:]
    return []


# At most this many models in our answer to the previous message: "that one" is the first
# (a recommendation shows the best two or three first); a longer list is a range's overview.
RECOMMENDED_AT_MOST = 3


def _recommended_before(kb: KnowledgeBase, context: Sequence[str]) -> list[str]:
    """The first model of our answer to the buyer's last message, when that answer showed a few
    models (a recommendation); none otherwise."""
    before = answer(kb, context[-1], language=text_language(context[-1]), context=context[:-1])
    shown = _context_skus(kb, [before.text])
    if not shown or len(shown) > RECOMMENDED_AT_MOST:
        return []
    first = min(shown, key=lambda sku: before.text.upper().find(sku.upper()))
    return [first]


def _described_product(products: Sequence[Product], message: str) -> str | None:
    """The one product whose name has a word (four letters or more) of ``message`` that no
    other product of ``products`` has in its name; None when none or several."""
    words = {word.lower() for word in re.findall(r"[^\W\d_]{4,}", message)}
    names = {
        str(p["sku"]): {w.lower() for w in re.findall(r"[^\W\d_]{4,}", str(p.get("name") or ""))}
        for p in products
    }
    found = set()
    for word in words:
        having = [sku for sku, name in names.items() if word in name]
        if len(having) == 1:
            found.add(having[0])
    return found.pop() if len(found) == 1 else None


def _model_word_match(products: Sequence[Product], question: str) -> str | None:
    """The one product whose model number has a word the question writes in capitals
    ("celui en DALI" -> DRV-DALI-40W); None when none or several have it."""
    words = set(re.findall(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{2,})(?![A-Za-z0-9])", question))
    found = {str(p["sku"]) for p in products if words & set(str(p["sku"]).upper().split("-"))}
    return found.pop() if len(found) == 1 else None


def _context_skus(kb: KnowledgeBase, context: Sequence[str]) -> list[str]:
    skus: list[str] = []
    for text in context:
        for sku in kb.find_skus(text):
            canonical = str((kb.product(sku) or {}).get("sku") or sku)
            if canonical in skus:
                skus.remove(canonical)
            skus.append(canonical)
    return skus


def _context_category(kb: KnowledgeBase, context: Sequence[str]) -> str | None:
    """The category the conversation was last about (a range named, or a model's category)."""
    for text in reversed(context):
        skus = kb.find_skus(text)
        if skus and (product := kb.product(skus[-1])) is not None:
            return str(product.get("category") or "") or None
        if found := find_category(text):
            return found
        series = {  # "your SL-M range"
            str(product.get("category") or "")
            for sku in kb.sku_series(text)
            if (product := kb.product(sku)) is not None
        }
        if len(series) == 1 and (only := series.pop()):
            return only
    return None


def _relevant_attributes(kb: KnowledgeBase, sku: str, attributes: list[str]) -> list[str]:
    """ "driver" about a driver is the product itself, not an attribute of it."""
    product = kb.product(sku) or {}
    if product.get("category") == "driver":
        return [key for key in attributes if key != "driver"]
    return attributes


def _states_a_need(kb: KnowledgeBase, question: str) -> bool:
    """ "I need a downlight for a hotel, CRI above 90": a need to meet (the best few models),
    not a question about an attribute across the range."""
    need = read_need(question, sorted(kb.certification_codes))
    if _NEED_WORDS.search(question) or need.features:
        return need.stated()
    return need.count() >= 2  # "steel mill, 15 m ceiling, about 35,000 lm per point"


def _asks_for_range(question: str) -> bool:
    words = re.findall(r"\w+", question)
    return bool(_RANGE_WORDS.search(question)) or len(words) <= 4


def _unanswered_phrase(kb: KnowledgeBase, question: str, sku: str) -> str | None:
    """What ``question`` asks of product ``sku`` that no attribute of its record answers: a
    property we have no word for, one no record gives, or an attribute of another thing ("der
    Treiber des Arms" of a driver, whose own driver attribute is no question)."""
    others = _asked_of_others(kb, question, sku)
    return _asked_property(question) or _other_property(question) or next(iter(others), None)


def _other_property(question: str) -> str | None:
    """The first property ``question`` names that no record gives ("storage temperature")."""
    found = other_properties(question)
    return found[0][2] if found else None


def _asked_property(question: str) -> str | None:
    for pattern in _PROPERTY:
        if match := pattern.search(question):
            return " ".join(match.group("p").split())
    return None


# --- language helpers -----------------------------------------------------------------


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in language ``lang`` ("English", "inglés", "英语")."""
    return babel(lang).languages.get(code, code)


def market_name(market: Market, lang: str) -> str:
    """The market's name in the buyer's language (babel's territory name), else its own."""
    if lang == DEFAULT_LANGUAGE:
        return market.name
    return babel(lang).territories.get(market.code) or market.name


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
    return number_text(value, lang, max_places=3)


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
        if extra:
            return value_text(extra[0], lang)
        return _from_summary(product, key, lang)
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


def _from_summary(product: Product, key: str, lang: str) -> str | None:
    """An attribute no field gives but the record's summary states in a form we read: the
    mounting heights it is made for ("Medium street light ..., 6-8 m poles")."""
    if key != "mounting_height":
        return None
    heights = made_for_heights(product)
    if heights is None:
        return None
    low, high = (_number(value, lang) for value in heights)
    return t("answers.range", lang, low=low, high=high) + " m"


# --- exact specifications -------------------------------------------------------------


@cache
def _own_figures(lang: str) -> frozenset[str]:
    """Figures in our own message texts ("R9", "IES/LDT"): ours, not claims about a product."""
    return frozenset(
        figure
        for key, text in catalog(lang).items()
        if key.startswith("answers.") and isinstance(text, str)
        for figure in figures(re.sub(r"\{\w+\}", " ", text))
    )


def _grounded(parts: list[str], sources: list[Any], lang: str) -> list[str]:
    """The parts whose every figure is in the sources (records, market rules) or in our own
    message texts; a part with an invented figure is dropped."""
    allowed: set[str] = set(_own_figures(lang))
    for source in sources:
        allowed |= figures(source_text(source))
    return keep_grounded(parts, allowed)


def _spec_answer(
    kb: KnowledgeBase, question: str, skus: list[str], attributes: list[str], lang: str
) -> Answer:
    """Each attribute asked of each product named, from its record; what a record does not give
    is said, and the answer is then not confident (a sales engineer confirms it)."""
    parts: list[str] = []
    sources: list[str] = []
    complete = True
    for named in dict.fromkeys(skus[:3]):
        product = kb.product(named)
        assert product is not None  # find_skus only returns catalogue SKUs
        sku = product["sku"]
        sources.append(t("answers.record_source", lang, sku=sku))
        said: list[str] = []
        for key in attributes:
            if key == "certifications":
                sentence, known = _certifications_sentence(kb, product, question, lang)
                said.append(sentence)
                complete = complete and known
                continue
            value = _attribute_value(product, key, lang)
            if value is None:
                complete = False
                said.append(_missing_sentence(sku, key, lang))
            else:
                said.append(_spec_sentence(sku, key, value, lang))
        grounded = _grounded(said, [product], lang)
        if len(grounded) < len(said):
            complete = False
        parts += grounded
    gaps = unanswered_parts(question, _named_spans(kb, question, "certifications" in attributes))
    # "¿qué diámetro de brazo admite?": the record's diameter is the luminaire's, not the arm's
    others = _asked_of_others(kb, question, skus[0])
    # "la fréquence du détecteur": a property no record gives, though its name holds ours
    others += [phrase for _, _, phrase in other_properties(question)]
    gaps += [p for p in others if not any(p in gap for gap in gaps)]
    if not parts and not gaps:  # nothing asked that a word of ours names: the question is
        gaps = [question.strip()]
    if gaps:  # "... and does a safety cable come in the box?": no attribute of ours says
        complete = False
        parts.append(_gaps_sentence(kb, skus[0], gaps, lang, alone=not parts))
    text = _sentences(parts, lang) + _cite(sources, lang)
    return Answer(text=text, sources=sources, confident=complete)


def _asked_of_others(kb: KnowledgeBase, question: str, sku: str) -> list[str]:
    """The phrases of ``question`` that ask an attribute of something other than product
    ``sku`` ("la durée de vie du parafoudre", "包装的重量", "the weight of the driver" of a high
    bay): a model number, the product's own range or a market as the owner is the product (or
    where it is sold)."""
    category = (kb.product(sku) or {}).get("category")
    return [
        question[start:end]
        for start, end, at, owner in owned_elsewhere(question)
        if not (
            _starts_a_model_number(kb, question, at, owner)
            or (category and find_category(owner) == category)
            or kb.market_directory.find(owner)
        )
    ]


def _starts_a_model_number(kb: KnowledgeBase, question: str, at: int, word: str) -> bool:
    """``word`` at ``at`` is (the start of) a model number as the buyer wrote it ("fl sp 200w")."""
    ahead = question[at : at + 24]
    return bool(set(kb.find_skus(ahead)) - set(kb.find_skus(ahead[len(word) :])))


def _named_spans(kb: KnowledgeBase, question: str, schemes: bool) -> list[tuple[int, int]]:
    """Where ``question`` names what the answer speaks to: attributes, models and, when it
    gives the certifications, the schemes."""
    spans = [(start, end) for start, end, _ in attribute_spans(question)]
    names = kb.find_skus(question)
    if schemes:
        names += [
            *_codes_mentioned(kb, question),
            *_schemes_mentioned(kb, question),
            *_unknown_codes(kb, question),
        ]
    for name in names:
        spans += [match.span() for match in _all(name, question)]
    spans += [span for _, span in described_beside(kb, question, find_category(question))]
    return spans


def _gaps_sentence(
    kb: KnowledgeBase, sku: str, gaps: list[str], lang: str, *, alone: bool = False
) -> str:
    """The parts of the question no attribute of ours answers, quoted when every figure and
    code in them is the record's own (a figure from the question is no fact of ours, so it is
    not repeated); ``alone``: nothing else of the question was answered."""
    product = kb.product(sku)
    canonical = product["sku"] if product else sku
    record = source_text(product) if product else canonical
    if not all(quotable(gap, record) for gap in gaps) or sum(len(gap) for gap in gaps) > 120:
        return t(
            "answers.question_missing" if alone else "answers.rest_missing", lang, sku=canonical
        )
    return t("answers.part_missing", lang, sku=canonical, part=" / ".join(gaps))


def _spec_sentence(sku: str, key: str, value: str, lang: str) -> str:
    message = f"answers.spec.{key}"
    if message in catalog(lang) or message in catalog(DEFAULT_LANGUAGE):
        return t(message, lang, sku=sku, value=value)
    return t(
        "answers.spec_field", lang, sku=sku, label=t(f"answers.attribute.{key}", lang), value=value
    )


def _missing_sentence(sku: str, key: str, lang: str) -> str:
    return t("answers.spec_missing", lang, sku=sku, label=t(f"answers.attribute.{key}", lang))


def _unknown_property_answer(
    kb: KnowledgeBase, question: str, sku: str, phrase: str, lang: str
) -> Answer | None:
    """ "What is the <something we have no word for> of X?": when no document answers it, the
    record does not give it either (the record's other text is no answer)."""
    hits = kb.search(question, 3)
    if hits and hits[0].doc and hits[0].score >= CONFIDENT_SCORE:
        return None
    product = kb.product(sku)
    assert product is not None
    canonical = product["sku"]
    source = t("answers.record_source", lang, sku=canonical)
    text = _sentence(t("answers.spec_missing", lang, sku=canonical, label=phrase))
    return Answer(text=text + _cite([source], lang), sources=[source], confident=False, hits=hits)


def _category_answer(
    kb: KnowledgeBase, category: str, attributes: list[str], lang: str, question: str = ""
) -> Answer:
    """ "What warranty do you give on street lights?": the value of every product of the category
    from its record, said once when they all share it; what no record of it gives is said."""
    products = kb.products_in(category)
    name = t(f"answers.category.{category}", lang)
    parts: list[str] = []
    complete = bool(products)
    said: list[Any] = []  # what the parts were written from: a record per value, the SKUs
    for key in attributes:
        label = t(f"answers.attribute.{key}", lang)
        # products with the same record fields for the attribute have the same value text:
        # written once per distinct value (a range of thousands has a handful)
        groups: dict[str, list[Product]] = {}
        for product in products:
            groups.setdefault(_raw_value(product, key), []).append(product)
        by_value: dict[str, list[str]] = {}
        written_from: dict[str, Product] = {}
        missing = 0
        for members in groups.values():
            value = _attribute_value(members[0], key, lang)
            if value is None:
                missing += len(members)
                continue
            by_value.setdefault(value, []).extend(str(p["sku"]) for p in members)
            written_from.setdefault(value, members[0])
        shown = list(by_value.items())[:MAX_LISTED]
        said += [written_from[value] for value, _ in shown]
        said += [group[:MAX_LISTED] for _, group in shown]
        if not by_value:
            complete = False
            parts.append(_missing_sentence(name, key, lang))
            continue
        if len(by_value) == 1 and not missing:
            parts.append(
                t(
                    "answers.category_same",
                    lang,
                    category=name,
                    label=label,
                    value=next(iter(by_value)),
                )
            )
        else:  # grouped by value: "5 years: SL-M-30W, SL-M-60W; 3 years: SL-EC-60W"
            if extreme := _extreme(question, key, groups, name, lang):  # "lightest street light"
                parts.append(extreme)
            each = [f"{value}: {_capped(group, ', ', lang)}" for value, group in by_value.items()]
            # "and N more": the counts of what is not listed
            counts = [len(group) for _, group in shown] + [len(by_value)]
            said += [count - MAX_LISTED for count in counts if count > MAX_LISTED]
            parts.append(
                t(
                    "answers.category_each",
                    lang,
                    category=name,
                    label=label,
                    values=_capped(each, t("answers.join", lang), lang),
                )
            )
    grounded = _grounded(parts, said, lang)
    complete = complete and len(grounded) == len(parts)
    skus = sorted({str(p["sku"]) for p in products})
    source = t("answers.records_source", lang, skus=_capped(skus, ", ", lang))
    text = _sentences(grounded, lang) + _cite([source], lang)
    return Answer(text=text, sources=[source], confident=complete)


def _extreme(
    question: str, key: str, groups: dict[str, list[Product]], category: str, lang: str
) -> str | None:
    """ "the lowest weight of our street lights: 2.4 kg, SL-EC-60W" when ``question`` asks for
    the lightest (``lexicon/superlatives.yaml``); None when it asks no extreme of ``key`` or
    the values are no numbers."""
    direction = superlative_asked(question, key)
    if direction is None:
        return None
    numbered = [
        (float(members[0][key]), members)
        for members in groups.values()
        if _is_number(members[0].get(key))
    ]
    if not numbered:
        return None
    pick = min if direction == "min" else max
    _, members = pick(numbered, key=lambda item: item[0])
    shown = _attribute_value(members[0], key, lang)
    if shown is None:
        return None
    skus = _capped([str(p["sku"]) for p in members], ", ", lang)
    label = t(f"answers.attribute.{key}", lang)
    message = f"answers.category_{direction}"
    return t(message, lang, category=category, label=label, value=shown, skus=skus)


def _raw_value(product: Product, key: str) -> str:
    """The record fields an attribute's value text is written from, as one key."""
    fields = (*BY_KEY[key].fields, "moq_unit") if key == "moq" else BY_KEY[key].fields
    return repr([product.get(name) for name in fields])


def _capped(items: list[str], separator: str, lang: str) -> str:
    """At most ``MAX_LISTED`` items, then "and N more"."""
    if len(items) <= MAX_LISTED:
        return separator.join(items)
    more = t("answers.more", lang, n=_number(len(items) - MAX_LISTED, lang))
    return separator.join(items[:MAX_LISTED]) + " " + more


def _key_figures(product: Product, lang: str, reasons: Sequence[str] = ()) -> str:
    """ "150 W, 22,500 lm, IP65": what tells one model of a range from another; then the
    fields a need was matched on ("-40°C to +55°C", "UL, FCC")."""
    shown = []
    for key in ("power_w", "luminous_flux_lm", "ip_rating"):
        value = _attribute_value(product, key, lang) if key in BY_KEY else None
        if value:
            shown.append(value.split(" (")[0])
    for key in reasons:
        if key == "certifications":
            shown.append(", ".join(product.get("certifications") or []))
        elif value := _attribute_value(product, key, lang):
            shown.append(value)
    if product.get("category") == "driver":
        for field_name, suffix in (("output_current_ma", " mA"), ("output_voltage_v", "")):
            value = product.get(field_name)
            if value not in (None, ""):
                shown.append(value_text(value, lang) + (suffix if _is_number(value) else ""))
    return ", ".join(shown)


# Ranges of components, not luminaires: a driver "to run some 15W downlights" is a driver even
# when downlights meet more of the need's figures (theirs are the load's).
COMPONENT_RANGES = frozenset({"driver"})

# the need's ambient temperature and a record's operating range, as the ranking reads them
asked_temperature = temperature_asked
temperature_range = operating_range


def _line_answer(
    kb: KnowledgeBase, question: str, category: str, lang: str, market: str | None = None
) -> Answer | None:
    """ "Do you make high bays?": yes, and the range with its key figures; "a floodlight for
    tennis courts with interchangeable optics": the two or three that fit best (within the
    need's temperature and market, with the figures that show it)."""
    products = kb.products_in(category)
    if not products:
        return None
    name = t(f"answers.category.{category}", lang)
    reasons: list[list[str]]
    gap: tuple[Product, list[str], str] | None = None
    if (
        _NEED_WORDS.search(question)
        or market is not None
        or asked_temperature(question) is not None
        or stated_features(question)
    ):
        hits = kb.search(question, 20, category=category)  # ties broken alike in both rankings
        fits = _ranked(kb, question, products, market, category, hits)
        if read_need(question, sorted(kb.certification_codes)).stated():
            # a category word that names the wrong range ("Strahler" for a high-rack
            # warehouse): when records of other ranges meet more of the need, they are shown
            anywhere = _ranked(kb, question, kb.products, market)
            swappable = category not in COMPONENT_RANGES  # a driver asked is a driver
            if swappable and anywhere and (not fits or anywhere[0].met > fits[0].met):
                return _need_answer(kb, question, lang, market)
        chosen, reasons = _best(fits)
        message = "answers.fits"
        more = 0
        gap = _market_gap(kb, question, products, fits, market, hits, lang)
        if gap is not None:  # the best fit lacks a code the market requires: shown, with that
            best, why, _ = gap
            chosen, reasons = [best, *chosen[:2]], [why, *reasons[:2]]
    else:  # the whole range; a long one cut short ("and 3,480 more")
        chosen = products[:MAX_LISTED]
        reasons = [[] for _ in chosen]
        message = "answers.line"
        more = len(products) - len(chosen)
    items = [
        f"{p['sku']} ({_fit_figures(p, lang, why)})" for p, why in zip(chosen, reasons, strict=True)
    ]
    listed = _join(items, lang)
    if more:
        listed += " " + t("answers.more", lang, n=_number(more, lang))
    said = [t(message, lang, category=name, items=listed)]
    if gap is not None:
        said.append(gap[2])
    parts = _grounded(said, [*chosen, more], lang)
    if not parts:
        return None
    skus = [str(p["sku"]) for p in chosen]
    if more:
        skus.append(t("answers.more", lang, n=_number(more, lang)))
    source = t("answers.records_source", lang, skus=", ".join(skus))
    return Answer(
        text=_sentences(parts, lang) + _cite([source], lang), sources=[source], confident=True
    )


def _ranked(
    kb: KnowledgeBase,
    question: str,
    products: list[Product],
    market: str | None,
    category: str | None = None,
    hits: list[Hit] | None = None,
) -> list[Fit]:
    """The best three of ``products`` for the need ``question`` states (``knowledge.recommend``),
    the search's product hits (``hits``, or a search of the question) breaking ties."""
    need = read_need(question, sorted(kb.certification_codes))
    if hits is None:
        hits = kb.search(question, 20, category=category)
    order = [
        str(product["sku"])
        for hit in hits
        if hit.sku and not hit.doc and (product := kb.product(hit.sku)) is not None
    ]
    sold_in = None
    if market is not None:  # one check per set of certifications, not per record
        verdicts: dict[frozenset[str], bool] = {}
        sold_in = set()
        for p in products:
            held = frozenset(p.get("certifications") or [])
            if held not in verdicts:
                verdicts[held] = not kb.market_directory.check(sorted(held), market).missing
            if verdicts[held]:
                sold_in.add(str(p["sku"]))
    return rank(products, need, order, sold_in, keep=3)


def _market_gap(
    kb: KnowledgeBase,
    question: str,
    products: list[Product],
    fits: list[Fit],
    market: str | None,
    hits: list[Hit],
    lang: str,
) -> tuple[Product, list[str], str] | None:
    """The record that meets more of the need than any sold in ``market`` ("round, surface,
    with a sensor" in France), its reasons and what it lacks there; None when the market's
    best is as good."""
    if market is None:
        return None
    free = _ranked(kb, question, products, None, hits=hits)
    if not free or (fits and free[0].met <= fits[0].met):
        return None
    best = free[0].product
    missing = kb.market_directory.check(sorted(best.get("certifications") or []), market).missing
    note = t(
        "answers.market_gap",
        lang,
        sku=best["sku"],
        codes=", ".join(missing),
        market=market_name(kb.market_directory.markets[market], lang),
    )
    return best, free[0].reasons, note


def _best(fits: list[Fit]) -> tuple[list[Product], list[list[str]]]:
    """The two or three best fits (the others only when they meet nearly as much as the best,
    never one that meets nothing of a need the best meets in part), and the record fields that
    show why each fits."""
    if not fits:
        return [], []
    best = fits[0].met
    chosen = fits[:1] + [
        fit
        for index, fit in enumerate(fits[1:3])
        if (index == 0 or fit.met >= best - 1) and (fit.met > 0 or best == 0)
    ]
    return [fit.product for fit in chosen], [fit.reasons for fit in chosen]


_ATTRIBUTE_OF_FIELD = {name: a.key for a in BY_KEY.values() for name in a.fields[:1]}


def _fit_figures(product: Product, lang: str, reasons: Sequence[str]) -> str:
    """The key figures of a record, then the fields a need was matched on (as attributes where
    an attribute gives them, else the record's value; a yes/no field by its name, "wet
    location listed", which its attribute would say as a bare "yes")."""
    keys = [
        name
        if name == "certifications" or isinstance(product.get(name), bool)
        else _ATTRIBUTE_OF_FIELD.get(name, name)
        for name in reasons
    ]
    known = [key for key in keys if key in BY_KEY or key == "certifications"]
    text = _key_figures(product, lang, [k for k in known if k not in ("power_w", "ip_rating")])
    for key in keys:
        if key not in known and product.get(key) not in (None, "", []):
            value = product[key]
            text += ", " + (
                value_text(value, lang) if not isinstance(value, bool) else key.replace("_", " ")
            )
    return text


def _need_answer(
    kb: KnowledgeBase, question: str, lang: str, market: str | None = None
) -> Answer | None:
    """ "A light for a cold store at -35°C, DLC Premium and DALI": the records of the whole
    catalog that fit best (two or three), grouped by category, each with the figures that show
    why; none when the question states no constraint and the search finds no product for it."""
    need = read_need(question, sorted(kb.certification_codes))
    hits = kb.search(question, 20)
    if not need.stated() and not (hits and hits[0].sku and not hits[0].doc):
        return None
    fits = _ranked(kb, question, kb.products, market, hits=hits)
    chosen, reasons = _best(fits)
    if not chosen:
        return None
    by_category: dict[str, list[str]] = {}
    for product, why in zip(chosen, reasons, strict=True):
        by_category.setdefault(str(product.get("category")), []).append(
            f"{product['sku']} ({_fit_figures(product, lang, why)})"
        )
    parts = [
        t(
            "answers.fits",
            lang,
            category=t(f"answers.category.{category}", lang),
            items=_join(items, lang),
        )
        for category, items in by_category.items()
    ]
    parts = _grounded(parts, chosen, lang)
    if not parts:
        return None
    source = t("answers.records_source", lang, skus=", ".join(str(p["sku"]) for p in chosen))
    return Answer(
        text=_sentences(parts, lang) + _cite([source], lang), sources=[source], confident=True
    )


def _certifications_sentence(
    kb: KnowledgeBase, product: Product, question: str, lang: str
) -> tuple[str, bool]:
    """What the record holds, and for each scheme the question names: yes, no, or (a national
    scheme no record tracks, "ENERGY STAR") that our data does not say; with whether the answer
    is complete."""
    held = list(product.get("certifications") or [])
    sku = product["sku"]
    sentence = (
        t("answers.has_certs", lang, sku=sku, certs=", ".join(held))
        if held
        else t("answers.no_certs", lang, sku=sku)
    )
    if notes := certification_notes(product, lang):
        sentence += f" ({'; '.join(notes)})"
    asked = _codes_mentioned(kb, question)
    yes = [code for code in asked if code in held]
    no = [code for code in asked if code not in held]
    untracked = [name for name in _schemes_mentioned(kb, question) if name not in asked]
    untracked += [code for code in _unknown_codes(kb, question) if code not in untracked]
    details = []
    if yes:
        details.append(t("answers.cert_yes", lang, codes=", ".join(yes)))
    if no:
        details.append(t("answers.cert_no", lang, codes=", ".join(no)))
    if untracked:
        details.append(t("answers.cert_unknown", lang, sku=sku, codes=", ".join(untracked)))
    return _join([sentence, *details], lang), not untracked


def certification_notes(product: Product, lang: str) -> list[str]:
    """The record's certification fields other than the codes ("UL 8750 recognized component,
    Class P"), said after them."""
    return [
        value_text(product[name], lang)
        for name in BY_KEY["certifications"].fields[1:]
        if product.get(name) not in (None, "", [])
    ]


def _schemes_mentioned(kb: KnowledgeBase, question: str) -> list[str]:
    """National schemes outside our code list that ``question`` names, in any case but not in
    lower case ("Energy Star", "Inmetro", "PSE"; not the Spanish verb "saber")."""
    return list(codes_named(question, kb.market_directory.scheme_names(), spelling="not lower"))


# A code as buyers write one: capitals and digits, two to eight, at least two capitals ("ATEX",
# "IECEx", "ATEX认证"), not part of a longer Latin word or of a model number.
_CODE_WORD = re.compile(
    r"(?<![A-Za-z0-9-])(?=(?:[0-9]*[A-Z]){2})[A-Z0-9][A-Za-z0-9]{1,7}"
    r"(?![A-Za-z0-9])(?!-[A-Z0-9]{2}|-[0-9])"  # "ATEX-Zertifizierung", not "UFO-150W"
)


@cache
def _not_certifications() -> frozenset[str]:
    path = Path(__file__).resolve().parent / "lexicon" / "not_certifications.yaml"
    return frozenset(str(word) for word in yaml.safe_load(path.read_text(encoding="utf-8")))


def _unknown_codes(kb: KnowledgeBase, question: str) -> list[str]:
    """Codes a certification question names that neither our code list nor the markets'
    national schemes know ("does it have ATEX?"): our data says nothing about them. Not: known
    codes and schemes, markets ("UAE"), model numbers, attribute words ("CRI", "DALI"), trade
    terms and other abbreviations that are no certification (lexicon/not_certifications.yaml).

    The record's list is no answer to "does it have ATEX?": that it is not on the list does
    not say the product lacks it, only that our data does not say.
    """
    known = {code.upper() for code in _codes_mentioned(kb, question)}
    known |= {name.upper() for name in kb.market_directory.scheme_names()}
    skus = [match.span() for sku in kb.find_skus(question) for match in _all(sku, question)]
    attributes = [(start, end) for start, end, _ in attribute_spans(question)]
    found: list[str] = []
    for match in _CODE_WORD.finditer(question):
        code = match.group(0)
        inside = any(a <= match.start() < b for a, b in [*skus, *attributes])
        if (
            code.upper() in known
            or code.upper() in _not_certifications()
            or not any(c.isupper() for c in code[1:])  # "Does", "Zhaga": words
            or inside
            or kb.market_directory.find(code)
        ):
            continue
        if code not in found:
            found.append(code)
    return found


def _all(name: str, text: str) -> list[re.Match[str]]:
    return list(re.finditer(re.escape(name), text, re.IGNORECASE))


def _codes_mentioned(kb: KnowledgeBase, question: str) -> list[str]:
    known = set(kb.certification_codes)
    for market in kb.market_directory.markets.values():
        known.update(market.required)
        known.update(market.recommended)
    return list(codes_named(question, known, spelling="any"))


# --- compliance -----------------------------------------------------------------------


def _compliance_answer(
    kb: KnowledgeBase,
    sku: str,
    market_code: str,
    lang: str,
    question: str = "",
    attributes: Sequence[str] = (),
) -> Answer:
    """The verdict first ("Yes", "Yes, with the national approvals below", "Not without UL"),
    then why: the product's certifications against the market's rules and national schemes;
    other attributes asked in the same question follow from the record."""
    product = kb.product(sku)
    assert product is not None
    held = list(product.get("certifications") or [])
    check = kb.market_directory.check(held, market_code)
    market = check.market
    sources = [
        t("answers.record_source", lang, sku=product["sku"]),
        t("answers.market_source", lang, code=market_code),
    ]
    if "certifications" in attributes:
        relevant = held
    else:
        relevant = [code for code in held if code in _rule_codes(market)] or held
    opening = (
        t("answers.has_certs", lang, sku=product["sku"], certs=", ".join(relevant))
        if relevant
        else t("answers.no_certs", lang, sku=product["sku"])
    )
    if check.missing:
        verdict = t("answers.verdict_not", lang, missing=", ".join(check.missing))
    elif market.local_schemes:
        verdict = t("answers.verdict_with", lang)
    else:
        verdict = t("answers.verdict_yes", lang)
    clauses = [opening, *_compliance_clauses(check, lang)]
    said = _join(clauses, lang)
    first_word = said.split(" ", 1)[0]
    if not any(char.isdigit() for char in first_word):  # "Yes: the PNL-6060-40W has ..."
        said = said[:1].lower() + said[1:]
    first = f"{verdict}{t('answers.verdict_colon', lang)}{said}"
    parts = [first]
    if market.local_schemes:
        schemes = _join(list(market.local_schemes), lang)
        parts.append(t("answers.local_schemes", lang, schemes=schemes))
    others = [key for key in attributes if key != "certifications"]
    for key in others:
        value = _attribute_value(product, key, lang)
        parts.append(
            _missing_sentence(product["sku"], key, lang)
            if value is None
            else _spec_sentence(product["sku"], key, value, lang)
        )
    # the market's rules as resolved (a member state's own and those it inherits from the EU)
    rules = [kb.markets.get(market_code, {}), market.required, market.recommended]
    grounded = _grounded(parts, [product, *rules, market.local_schemes], lang)
    text = _sentences(grounded, lang) + _cite(sources, lang)
    if market.note and market.local_schemes:
        text += _market_note(market.note, lang)
    complete = all(_attribute_value(product, key, lang) is not None for key in others)
    return Answer(text=text, sources=sources, confident=complete and len(grounded) == len(parts))


def _compliance_clauses(check: ComplianceCheck, lang: str) -> list[str]:
    market = check.market
    name = market_name(market, lang)
    clauses: list[str] = []
    if check.missing:
        clauses.append(t("answers.also_need", lang, market=name, missing=", ".join(check.missing)))
    elif market.required:
        clauses.append(t("answers.covers", lang, market=name, required=", ".join(market.required)))
    elif not market.local_schemes:
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


def _unknown_market_answer(
    kb: KnowledgeBase, skus: Sequence[str], country: str, lang: str
) -> Answer:
    """A market our rules do not cover ("can I sell it in Chile?"): what the product holds,
    from its record, and that we have no rules for that country; not confident, so a sales
    engineer confirms (the person button and a knowledge gap follow)."""
    name = babel(lang).territories.get(country) or country
    parts: list[str] = []
    sources: list[str] = []
    records: list[Any] = []
    for sku in skus:
        product = kb.product(sku)
        if product is None:
            continue
        held = list(product.get("certifications") or [])
        parts.append(
            t("answers.has_certs", lang, sku=product["sku"], certs=", ".join(held))
            if held
            else t("answers.no_certs", lang, sku=product["sku"])
        )
        sources.append(t("answers.record_source", lang, sku=product["sku"]))
        records.append(product)
    parts = _grounded(parts, records, lang)
    parts.append(t("answers.market_unknown", lang, market=name))
    text = _sentences(parts, lang) + (_cite(sources, lang) if sources else "")
    return Answer(text=text, sources=sources, confident=False)


def _market_answer(kb: KnowledgeBase, market_code: str, hits: list[Hit], lang: str) -> Answer:
    market = kb.market_directory.markets[market_code]
    source = t("answers.market_source", lang, code=market_code)
    name = market_name(market, lang)
    parts = [
        t("answers.market_rules", lang, market=name, required=", ".join(market.required))
        if market.required
        else t("answers.nothing_required", lang, market=name)
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
    sentences = [_join(parts, lang)]
    if market.local_schemes:
        schemes = _join(list(market.local_schemes), lang)
        sentences.append(t("answers.local_schemes", lang, schemes=schemes))
    text = _sentences(sentences, lang) + _cite([source], lang)
    if market.note:
        text += _market_note(market.note, lang)
    return Answer(text=text, sources=[source], confident=True, hits=hits)


def _market_note(note: str, lang: str) -> str:
    """The market's note, introduced in the buyer's language when written in another."""
    written_in = text_language(note)
    if written_in == lang:
        return f" {note}"
    original = language_name(written_in, lang)
    return " " + t("answers.market_note", lang, original=original, note=note)


# --- retrieval ------------------------------------------------------------------------


# Words of a request for a product's whole record ("tell me about", "datasheet"): the record's
# summary is then the answer.
_GENERAL_WORDS = (
    "tell me us about info information details detail datasheet data sheet spec specs "
    "specification specifications product products know more send show give describe overview "
    "summary please pls "
    "介绍 资料 信息 参数 详细 了解 一下 规格 规格书 产品 "
    "información informacion datos ficha técnica tecnica detalles producto hoja háblame "
    "informationen infos datenblatt daten produkt beschreibung erzählen "
    "informations fiche technique détails produit parlez-moi "
    "informações informacoes dados detalhes produto fale"
)
_GENERAL = frozenset(_GENERAL_WORDS.split()) | frozenset(tokenize(_GENERAL_WORDS))
# Words asking whether a product suits a use ("does it suit offices?"): its record's summary,
# which names what it is for, is the evidence to quote.
_SUITS = re.compile(
    r"(?<!\w)(?:suitable|suit|suits|fit for|good for|for use|recommended for|sirve para|"
    r"apt[oa] para|adecuad[oa]|vale para|geeignet|passt|taugt|eignet|adapté(?:e|s)?|convient|"
    r"serve (?:para|pra)|adequad[oa]|indicad[oa] para)(?!\w)|适合|适用|能用于|可以用于|可用于",
    re.IGNORECASE,
)


def _summary_only(question: str, skus: Sequence[str], hits: list[Hit]) -> bool:
    """The best passage is the named product's own record, yet most of what the question asks
    (its words, and the English words of the concepts it names) is not in it: quoting the record
    would answer with the product's summary, not with what was asked."""
    if not skus or not hits or not hits[0].sku or hits[0].doc or _SUITS.search(question):
        return False
    if hits[0].sku.upper() not in {sku.upper() for sku in skus}:
        return False
    rest = question
    for sku in skus:
        rest = re.sub(re.escape(sku), " ", rest, flags=re.IGNORECASE)
    named = set(tokenize(" ".join(skus)))
    asked = {
        token
        for token in tokenize(rest)
        if token not in _GENERAL and token not in named and not token.isdigit() and len(token) > 1
    }
    if not asked:
        return False
    record = set(tokenize(hits[0].text))
    found = {token for token in asked if token in record}
    found_english = set(tokenize(english_words(rest))) & record
    return len(found) + len(found_english) < len(asked) / 2


def _no_data_answer(kb: KnowledgeBase, question: str, concept: str, lang: str) -> Answer:
    """The honest "I don't know" (not confident: a person and a knowledge gap follow); when a
    section of our documents is about the concept ("Fast-track stock"), it is quoted after it."""
    text = t("answers.dont_know", lang)
    hits = kb.search(question, 10)
    about = [
        hit
        for hit in hits
        if hit.doc and concept in (hit.section or "").lower() and hit.score >= CONFIDENT_SCORE
    ]
    if not about:
        return Answer(text=text, sources=[], confident=False, hits=hits)
    quoted = _retrieval_text(about[0], lang)
    return Answer(text=f"{text} {quoted}", sources=[about[0].source], confident=False, hits=hits)


def _retrieval_text(hit: Hit, lang: str) -> str:
    excerpt = _excerpt(hit.text)
    written_in = text_language(excerpt)
    if written_in == lang:
        shown = hit.source if lang == SOURCE_LANGUAGE else source_name(hit, lang)
        return t("answers.from_docs", lang, excerpt=excerpt) + _cite([shown], lang)
    return _introduction(hit, lang, written_in) + "\n" + excerpt


def _retrieval_answer(
    kb: KnowledgeBase,
    question: str,
    lang: str,
    skus: Sequence[str] = (),
) -> Answer:
    hits = kb.search(question, 3)
    if not hits or hits[0].score < CONFIDENT_SCORE or _summary_only(question, skus, hits):
        return Answer(text=t("answers.dont_know", lang), sources=[], confident=False, hits=hits)
    best = hits[0]
    return Answer(
        text=_retrieval_text(best, lang), sources=[best.source], confident=True, hits=hits
    )


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


_MARKUP_LINE = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•]\s+|\d{1,2}[.)]\s+|>\s*)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def plain_text(text: str) -> str:
    """Markdown as plain chat text: no heading marks, bullets, emphasis, tables or links; list
    items become clauses ("a; b; c.")."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or set(line) <= set("|-: "):
            continue  # blank, or a table's rule
        is_item = bool(_MARKUP_LINE.match(line))
        line = _MARKUP_LINE.sub("", line)
        if line.startswith("|"):
            line = "; ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
            is_item = True
        line = _LINK.sub(r"\1", _EMPHASIS.sub("", line)).strip()
        if is_item and line and line[-1] not in ".;:!?。；：":
            line += ";"
        lines.append(line)
    joined = " ".join(" ".join(lines).split())
    return joined[:-1] + "." if joined.endswith(";") else joined


def _excerpt(chunk_text: str) -> str:
    body = chunk_text.split("\n", 1)[1] if "\n" in chunk_text else chunk_text
    body = plain_text(body)
    if len(body) <= EXCERPT_CHARS:
        return body
    cut = body[:EXCERPT_CHARS]
    end = max(cut.rfind(". "), cut.rfind("。"))
    return cut[: end + 1] if end > EXCERPT_CHARS // 2 else cut.rstrip() + "…"
