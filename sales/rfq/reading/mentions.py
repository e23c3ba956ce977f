"""Where a message names products: model numbers and product words, with the specs around
them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sales.normalizers._text import fold, fold_chars
from sales.normalizers.word_edges import END, START, alternatives, has_han
from sales.rfq.products import Catalog, category_of, match_product
from sales.rfq.reading.patterns import (
    _COUNT_BEFORE_MODEL,
    _GENERIC_NOUNS,
    _HAN_MENTION,
    _HAN_UNITS,
    _MENTION,
    _QUANTITY,
)


@dataclass
class _Mention:
    start: int
    end: int
    words: str
    sku: str | None
    category: str | None


# Leading words that are not the product's name: articles and "of" in the six languages, and a
# count written with a multiplier ("10k recessed round downlights").
_LEADING = re.compile(
    r"(?i)^(?:the|a|an|some|our|your|of|los|las|el|la|unos|unas|de|del|die|der|das|den|einige"
    r"|les|le|des|du|os|as|o|uns|umas|dos|das|\d+(?:[.,]\d+)?k)\s+"
)


def _product_words(text: str) -> str:
    words = text.strip(" .,!?。")
    while (stripped := _LEADING.sub("", words)) != words:
        words = stripped
    return words[:200]


# Where the words about one product end: "T8 glass tubes, 1200 mm 18W. Also ..." -> "T8 ...18W".
_CLAUSE_END = re.compile(
    rf"[.;!?\n。]|{START}(?:also|for|to|by|with|con|para|hasta|antes|adem[aá]s|mit|nach|bis"
    rf"|au(?:ss|ß)erdem|avec|pour|avant|aussi|com|ate|tamb[eé]m){END}|[与]|另外|还要|再加"
    rf"|发往|运往|需要"
    # "and" goes on with the specs when a figure follows: "de 150 cm y 22 W", "1200mm和18W"
    rf"|(?:{START}(?:and|plus|y|und|et|e){END}|和)"
    # ("k" only after four digits, a colour temperature: "and 10k" is a count)
    rf"(?!\s*(?:\d+(?:[.,]\d+)?\s*(?:w|watts?|mm|cm|v|lm|ma)|\d{{4}}\s*k)(?![^\W\d_]))",
    re.I,
)
_SPEC_TAIL_CHARS = 40


def _spec_tail(text: str, end: int, *, named: bool = True) -> str:
    """The words after a product noun that still describe it ("..., 1200 mm 18W"), up to the
    clause's end, the next count ("de 40W 600x600, 10 mil peças de FL-SL-100W": the model
    number is the next item's) or the next product's words."""
    tail = text[end : end + _SPEC_TAIL_CHARS]
    stop = _CLAUSE_END.search(tail)
    tail = tail[: stop.start()] if stop else tail
    count = _QUANTITY.search(fold_chars(tail))
    tail = tail[: count.start()] if count else tail
    if not named:
        return tail  # "luminaires d'éclairage public": the words after a generic noun name it
    # another product's words ("工矿灯和40W 600x600平板灯"): its specs are its own
    other = _HAN_MENTION.search(tail) or _MENTION.search(fold_chars(tail))
    return tail[: other.start("phrase")] if other else tail


# Chinese puts what describes a product before its noun ("T8玻璃灯管": T8 glass tube); the
# describing words reach back to the clause's start, the last count ("5000个") or "的" (what
# stands before "的" is a part or feature, "带应急电源的面板灯": a panel with an emergency kit),
# or "和" (what stands before it is another product's: "灯管1200mm 18W和200W UFO工矿灯").
_HAN_HEAD_STOP = re.compile(
    rf"[，。：；、,:;!?！？的和与及跟]|还有|\d\s*(?:{'|'.join(_HAN_UNITS)})"
)
_HAN_HEAD_CHARS = 12


def _han_head(text: str, start: int) -> str:
    """The words right before a Chinese product noun that still describe it."""
    head = text[max(0, start - _HAN_HEAD_CHARS) : start]
    stops = list(_HAN_HEAD_STOP.finditer(head))
    if not stops:
        return head
    last = stops[-1]
    if last.group(0) == "的" and (specs := _SPECS_BEFORE_DE.search(head[: last.start()])):
        # "1200mm 18W的T8玻璃灯管": figures before 的 are the product's own specs
        return f"{specs.group(0)} {head[last.end() :]}"
    return head[last.end() :]


# Figures written right before 的: "1200mm 18W的".
_SPECS_BEFORE_DE = re.compile(r"(?:\d+(?:\.\d+)?\s*(?:mm|cm|w|v|k|lm)\s*)+$", re.I)


def _product_mentions(text: str, catalog: Catalog, context_category: str | None) -> list[_Mention]:
    skus: list[_Mention] = []
    for sku in catalog.find_skus(text):
        at = text.upper().find(sku.upper())
        start = at if at >= 0 else 0
        product = catalog.product(sku)
        category = product.get("category") if product else None
        skus.append(_Mention(start, start + len(sku), sku, sku, category))
    mentions: list[_Mention] = []
    folded = fold_chars(text)  # the nouns are listed folded ("paineis" for "painéis")
    found_nouns = [*_MENTION.finditer(folded), *_HAN_MENTION.finditer(text)]
    for match in sorted(found_nouns, key=lambda m: m.start()):
        if any(m.start < match.end() and match.start() < m.end for m in skus):
            continue
        if any(m.start < match.end() and match.start() < m.end for m in mentions):
            continue
        phrase = text[match.start("phrase") : match.end("phrase")]
        tail = _spec_tail(text, match.end(), named=category_of(phrase) is not None)
        # a model number right next to the words names the same product (one with its own
        # count before it is another item: "office panels, 30W and 10k of SL-M-100W")
        beside = next(
            (
                m
                for m in skus
                if (0 <= m.start - match.end() <= len(tail) or 0 <= match.start() - m.end <= 2)
                and not _COUNT_BEFORE_MODEL.search(text[max(0, m.start - 20) : m.start])
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
        head = _han_head(text, match.start("phrase")) if has_han(phrase) else ""
        found = match_product(f"{head}{phrase} {tail}", catalog, context_category=context_category)
        if found.sku is None and (extra := _with_clause(text, match.end() + len(tail))):
            # "Einlegepanels 600x600 mit UGR<19, 30 W": what comes with it still describes it
            again = match_product(
                f"{head}{phrase} {tail} {extra}", catalog, context_category=context_category
            )
            found = again if again.sku else found
        if found.category is None and not _GENERIC.search(fold(phrase)):
            continue
        mentions.append(
            _Mention(match.start(), match.end(), _product_words(phrase), found.sku, found.category)
        )
    mentions = _features_merged(text, mentions, catalog, context_category)
    mentions.extend(skus)
    if not mentions and context_category:
        # "add 500 pcs of the 60W too": the wattage names a product of the category in hand
        watt = re.search(
            rf"(?i){START}\d{{1,4}}\s*w{END}(?:\s+(?:version|model|one|ones|modelo|versión"
            rf"|versao|version|modell|variante))?",
            text,
        )
        if watt:
            found = match_product(watt.group(0), catalog, context_category=context_category)
            mentions.append(
                _Mention(watt.start(), watt.end(), watt.group(0), found.sku, found.category)
            )
    return sorted(mentions, key=lambda m: m.start)


# "panels with a 3-hour emergency pack", "paneles con kit de emergencia", "带应急电源的面板灯": the
# second product words describe the first product, they are not a second one.
_WITH = re.compile(
    rf"{START}(?:with|con|com|mit|avec|inkl|including|incluyendo|incluindo|y con|e com){END}",
    re.I,
)
_NOT_BETWEEN_FEATURES = re.compile(rf"[.;!?\n。]|{START}(?:and|und|et|y|e|plus){END}", re.I)
# a count after "with" is another item ("500 tubes with 200 floodlights"), a duration is not
_COUNT_AFTER_WITH = re.compile(r"\d+(?![\d-]|\s*-?\s*(?:hours?|hrs?|horas?|stunden|heures?|h\b))")


def _with_clause(text: str, at: int) -> str:
    """The specs after "with" right at ``at`` ("mit UGR<19, 30 W"), up to the next count or
    "and" ("mit 40W und 2'500 Stück DL-R150-12W": 40W); none when another product follows
    ("with 200 floodlights")."""
    said = _WITH.match(text, at + len(text[at:]) - len(text[at:].lstrip()))
    if said is None:
        return ""
    clause = re.split(r"[.;!?\n。]", text[said.end() : said.end() + _SPEC_TAIL_CHARS])[0]
    if count := _QUANTITY.search(fold_chars(clause)):
        clause = clause[: count.start()]
    if stop := _CLAUSE_END.search(clause):
        clause = clause[: stop.start()]
    if _MENTION.search(fold_chars(clause)) or _HAN_MENTION.search(clause):
        return ""
    return clause


def _features_merged(
    text: str, mentions: list[_Mention], catalog: Catalog, context_category: str | None
) -> list[_Mention]:
    kept: list[_Mention] = []
    merged: set[int] = set()
    for i, mention in enumerate(mentions):
        if i in merged:
            continue
        following = mentions[i + 1] if i + 1 < len(mentions) else None
        if following is not None:
            between = text[mention.end : following.start]
            with_word = _WITH.search(between)
            if (
                mention.sku is None
                and with_word
                and not _NOT_BETWEEN_FEATURES.search(between[: with_word.start()])
                and not _COUNT_AFTER_WITH.search(between[with_word.end() :])
            ):
                features = text[mention.end : following.end + _SPEC_TAIL_CHARS]
                found = match_product(
                    f"{mention.words} {_spec_tail(text, mention.end)}",
                    catalog,
                    context_category=context_category,
                    features=features,
                )
                kept.append(
                    _Mention(
                        mention.start, following.end, mention.words, found.sku, mention.category
                    )
                )
                merged.add(i + 1)
                continue
            if (
                following.sku is None
                and text[: mention.start].endswith("带")
                and between.strip() == "的"
            ):
                found = match_product(
                    following.words,
                    catalog,
                    context_category=context_category,
                    features=mention.words,
                )
                kept.append(
                    _Mention(
                        mention.start, following.end, following.words, found.sku, following.category
                    )
                )
                merged.add(i + 1)
                continue
        kept.append(mention)
    return kept


_GENERIC = re.compile(alternatives(_GENERIC_NOUNS))
