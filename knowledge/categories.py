"""Product categories named in a question, in six languages, and their words for search.

The RFQ reader's words (``sales.rfq.products.CATEGORY_WORDS``) name a category in a request;
questions also use the words of a range ("street lighting", "alumbrado público", "dalles LED",
"éclairage public"), which are added here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from knowledge.attributes import attribute_spans
from knowledge.phrases import phrase_pattern
from sales.normalizers._text import fold
from sales.rfq.products import CATEGORY_WORDS, category_of

# Words of a range or a trade that the RFQ reader does not need, per category.
EXTRA_WORDS: dict[str, tuple[str, ...]] = {
    "panel": (
        "panel light", "panel lights", "troffers", "ceiling panel", "ceiling panels", "dalle",
        "dalles", "dalles led", "plafonnier encastré", "panel de techo", "paneles de techo",
        "painéis", "painéis led", "led-panele", "panele", "pannello", "面板", "平板",
    ),
    "downlight": ("downlighting", "recessed light", "recessed lights", "spot lights", "射灯"),
    "tube": ("tubular", "tube lights", "tubos fluorescentes", "leuchtröhre", "leuchtröhren",
             "réglette", "t8 tubes", "灯管", "日光灯"),
    "high_bay": ("high-bay", "high-bays", "high bay lights", "industrial lighting",
                 "campanas led", "cloches led", "luminárias industriais", "luminária industrial",
                 "hallenbeleuchtung", "hallenstrahlern", "高棚灯", "工矿"),
    "floodlight": ("flood lighting", "floodlighting", "flood lamps", "focos led",
                   "proyectores led", "projecteurs led", "refletores led", "strahler",
                   "flutlichter", "fluter"),
    "street_light": ("street lighting", "streetlighting", "road lighting", "public lighting",
                     "alumbrado", "alumbrado público", "luminarias de calle", "farolas led",
                     "straßenbeleuchtung", "strassenbeleuchtung", "éclairage public",
                     "éclairage routier", "luminaires d'éclairage public", "iluminação pública",
                     "luminárias públicas", "postes de luz", "路灯", "道路照明"),
    "driver": ("led driver", "led drivers", "drivers led", "control gear", "驱动器"),
}  # fmt: skip
_MORE_WORDS = Path(__file__).with_name("lexicon") / "category_words.yaml"
if _MORE_WORDS.exists():  # words added as data (knowledge/lexicon/category_words.yaml)
    for _category, _words in (
        yaml.safe_load(_MORE_WORDS.read_text(encoding="utf-8")) or {}
    ).items():
        EXTRA_WORDS[_category] = (*EXTRA_WORDS.get(_category, ()), *map(str, _words))
# The words a category's records are written in (English), added to a search for it.
SEARCH_WORDS = {
    "panel": "LED panel",
    "downlight": "downlight",
    "tube": "LED tube",
    "high_bay": "high bay",
    "floodlight": "floodlight",
    "street_light": "street light",
    "driver": "LED driver",
}


@cache
def _extra_pattern() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (category, phrase_pattern(fold(word) for word in words))
        for category, words in EXTRA_WORDS.items()
    ]


def find_category(text: str) -> str | None:
    """The category the text names first (the RFQ reader's words, then a range's words),
    outside the attribute phrases if it names one there: "la tension d'alimentation de vos
    projecteurs" asks of floodlights, not of power supplies ("alimentation").

    >>> find_category("Quelle tension d'alimentation pour vos projecteurs ?")
    'floodlight'
    >>> find_category("what downlight cut-out sizes do you have?")
    'downlight'
    """
    outside = list(text)
    for start, end, key in attribute_spans(text):
        if key not in CATEGORY_WORDS:  # "电源", the driver attribute, names the range too
            outside[start:end] = " " * (end - start)
    return _first_category("".join(outside)) or _first_category(text)


def _first_category(text: str) -> str | None:
    found = category_of(text)
    if found:
        return found
    folded = fold(text)
    best: tuple[int, str] | None = None
    for category, pattern in _extra_pattern():
        match = pattern.search(folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), category)
    return best[1] if best else compound_category(folded)


# A compound's head names its range ("Stadionstrahler", "Konstantstromtreiber"): the last part
# of a word at least this long, a single word of a range at least COMPOUND_HEAD_MIN long.
COMPOUND_MIN = 9
COMPOUND_HEAD_MIN = 5


@cache
def _compound_heads() -> tuple[tuple[str, str], ...]:
    """(folded single Latin word of a range, its category), longest first."""
    heads = {
        fold(word): category
        for category, words in (*CATEGORY_WORDS.items(), *EXTRA_WORDS.items())
        for word in words
        if re.fullmatch(r"[^\W\d_]+", word) and len(word) >= COMPOUND_HEAD_MIN
    }
    return tuple(sorted(heads.items(), key=lambda item: len(item[0]), reverse=True))


def compound_category(folded: str) -> str | None:
    """The category of the first word of ``folded`` text that ends in a range's word: German
    compounds ("stadionstrahler" -> floodlight, "konstantstromtreiber" -> driver).

    >>> compound_category("ihr 1000-watt-stadionstrahler")
    'floodlight'
    """
    for word in re.findall(r"[^\W\d_]+", folded):
        if len(word) < COMPOUND_MIN:
            continue
        for head, category in _compound_heads():
            if word.endswith(head) and len(word) > len(head):
                return category
    return None


def search_words(text: str) -> str:
    """The English words of the category a non-English question names ("farolas" -> "street
    light"), to add to its search; empty when it names none or names it in English already."""
    category = find_category(text)
    if category is None:
        return ""
    english = SEARCH_WORDS[category]
    return "" if fold(english) in fold(text) else english


__all__ = ["CATEGORY_WORDS", "EXTRA_WORDS", "find_category", "search_words"]
