"""Questions that ask for a list of our products ("which of your products have a CB report?").

The words are data, ``knowledge/lexicon/list_questions.yaml``.

>>> asks_for_a_list("Welche Ihrer Leuchten sind UL-gelistet?")
True
>>> asks_for_a_list("哪些产品有ETL认证？")
True
>>> asks_for_a_list("which of your drivers come with a CB test certificate?")
True
>>> asks_for_a_list("What is the IP rating of HB-UFO-150W?")
False
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from knowledge.phrases import phrase_pattern

WORDS_FILE = Path(__file__).resolve().parent / "lexicon" / "list_questions.yaml"
_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _lexicon() -> dict[str, list[str]]:
    data: dict[str, list[str]] = yaml.safe_load(WORDS_FILE.read_text("utf-8"))
    return data


@cache
def generic_heading_words() -> frozenset[str]:
    """Heading words that say only that a passage lists products ("products", "models")."""
    return frozenset(str(word).lower() for word in _lexicon()["generic_heading_words"])


@cache
def _pattern() -> re.Pattern[str]:
    return phrase_pattern(str(word).lower() for word in _lexicon()["phrases"])


# The range's word must be among this many words (Chinese: characters) after the asking words.
RANGE_REACH = 3
RANGE_REACH_HAN = 6


@cache
def _askers() -> re.Pattern[str]:
    return phrase_pattern(str(word).lower() for word in _lexicon()["range_askers"])


def asks_for_a_list(question: str) -> bool:
    """Whether ``question`` asks which of our products (or which ones of a range) have
    something."""
    if _pattern().search(question) is not None:
        return True
    from knowledge.categories import find_category

    for match in _askers().finditer(question):
        rest = question[match.end() :]
        following = (
            rest.lstrip()[:RANGE_REACH_HAN]
            if _CJK.match(rest.lstrip()[:1])
            else " ".join(rest.split()[:RANGE_REACH])
        )
        if find_category(following):
            return True
    return False
