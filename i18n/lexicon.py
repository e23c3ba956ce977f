"""Words buyers use that are not data: declines, politeness, fillers, sentence words, and
the regular expressions that read a fact from their words (business types, payment terms,
dates, the names of languages and asking for one, the RFQ reader's words, yes and no).

One data file per language, ``i18n/lexicon/<lang>.yaml``, with the same lists in each
(a test checks it). The RFQ reader asks these questions of a message:

>>> is_decline("no phone number, thanks")
True
>>> is_decline("不用了，谢谢")
True
>>> is_decline("Jana Weber")
False
>>> is_filler("Sure!")
True

Matching is case- and accent-insensitive and on whole words for scripts with spaces; Chinese
phrases are matched as substrings. Every language's words count in every message: a buyer who
writes English on a German page still says "skip".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from i18n.catalog import LANGUAGES

LEXICON = Path(__file__).parent / "lexicon"
KINDS = (
    "decline",
    "politeness",
    "optional_nouns",
    "filler",
    "sentence_words",
    "phone_words",
    "name_joiners",
    "person_labels",
    "company_labels",
    "company_words",
    "decline_verbs",
    "determiners",
)
# Regular expressions by code ({"importer": ["import\\w*", ...]}), over folded text.
PATTERN_KINDS = (
    "business_names",
    "business_types",
    "payment_methods",
    "payment_words",
    "payment_stages",
    "date_words",
    "language_names",
    "rfq_words",
    "language_switch",
    "yes_no",
)
# The normalisers' words, in the same form (kind -> code -> regular expressions), where every
# language names every code, with an empty list for words its grammar does not have (Chinese
# writes no article before a month): a language lacking a code is a gap, not a choice.
READING_KINDS = (
    "quantity_words",  # sales/normalizers/quantity.py
    "contact_words",  # sales/normalizers/contact.py
    "money_words",  # sales/normalizers/money.py
    "date_phrases",  # sales/normalizers/dates.py
    "place_words",  # sales/normalizers/countries.py
    "certification_answers",  # sales/normalizers/certifications.py
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_PUNCTUATION = re.compile(r"[\s.,;:!?¡¿。，、；：！？\"“”«»()\[\]…~—–-]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.replace("’", "'")


@cache
def _raw(language: str) -> dict[str, Any]:
    # BaseLoader: every word stays a string ("no", "yes" and "on" are no booleans here)
    text = (LEXICON / f"{language}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader) or {}


@cache
def table(language: str) -> dict[str, tuple[str, ...]]:
    """One language's lists, folded as messages are (no case, accents or punctuation),
    longest phrase first."""
    raw = _raw(language)
    return {
        kind: tuple(
            sorted({_words_only(str(w)) for w in raw.get(kind) or ()}, key=len, reverse=True)
        )
        for kind in KINDS
    }


@cache
def pattern_table(language: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """One language's regular expressions: kind -> code -> alternatives, as written."""
    raw = _raw(language)
    return {
        kind: {
            str(code): tuple(str(a) for a in alts or ())
            for code, alts in (raw.get(kind) or {}).items()
        }
        for kind in (*PATTERN_KINDS, *READING_KINDS)
    }


@cache
def patterns(kind: str) -> dict[str, tuple[str, ...]]:
    """Every language's regular expressions of one kind by code, each once, in the order of
    ``LANGUAGES`` and of the files."""
    merged: dict[str, dict[str, None]] = {}
    for language in LANGUAGES:
        for code, alternatives in pattern_table(language)[kind].items():
            merged.setdefault(code, {}).update(dict.fromkeys(alternatives))
    return {code: tuple(alternatives) for code, alternatives in merged.items()}


def alternation(kind: str, code: str, *, han: bool | None = None) -> str:
    """Every language's alternatives of ``kind``'s ``code`` joined with ``|``, in the order
    of ``patterns``; ``han``: only those written in Chinese (True) or only the others (False).
    A regular expression that matches nothing when no language has any."""
    found = [a for a in patterns(kind).get(code, ()) if han is None or bool(_HAN.search(a)) == han]
    return "|".join(found) if found else "(?!)"


@cache
def words(kind: str) -> tuple[str, ...]:
    """Every language's phrases of one kind, longest first."""
    every = {w for lang in LANGUAGES for w in table(lang)[kind]}
    return tuple(sorted(every, key=len, reverse=True))


@cache
def _pattern(kinds: tuple[str, ...]) -> re.Pattern[str]:
    phrases = [w for kind in kinds for w in words(kind)]
    latin = sorted({w for w in phrases if not _HAN.search(w)}, key=len, reverse=True)
    han = sorted({w for w in phrases if _HAN.search(w)}, key=len, reverse=True)
    parts = []
    if latin:
        parts.append(rf"(?<![\w'])(?:{'|'.join(re.escape(w) for w in latin)})(?![\w'])")
    if han:
        parts.append("|".join(re.escape(w) for w in han))
    return re.compile("|".join(parts))


def _words_only(text: str) -> str:
    return _PUNCTUATION.sub(" ", _fold(text)).strip()


@cache
def _han_pattern(kinds: tuple[str, ...]) -> re.Pattern[str] | None:
    han = sorted({w for k in kinds for w in words(k) if _HAN.search(w)}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in han)) if han else None


@cache
def _latin_phrases(kinds: tuple[str, ...]) -> tuple[frozenset[str], int]:
    phrases = frozenset(w for k in kinds for w in words(k) if not _HAN.search(w))
    return phrases, max((len(p.split()) for p in phrases), default=0)


def _made_of(folded: str, kinds: tuple[str, ...]) -> bool:
    """``folded`` is nothing but phrases of ``kinds``, however they overlap ("nein, danke
    schön": "nein" + "danke schön", though "nein danke" is a phrase too)."""
    han = _han_pattern(kinds)
    tokens = (han.sub(" ", folded) if han else folded).split()
    phrases, longest = _latin_phrases(kinds)
    ends = [True] + [False] * len(tokens)  # ends[i]: tokens[:i] split into phrases
    for i in range(1, len(tokens) + 1):
        ends[i] = any(
            ends[i - n] and " ".join(tokens[i - n : i]) in phrases
            for n in range(1, min(longest, i) + 1)
        )
    return ends[-1]


def is_decline(text: str) -> bool:
    """The whole message refuses what was asked ("skip", "no phone number, thanks", "不用",
    "sin teléfono", "prefiero no decirlo"): a decline, politeness and the name of an optional
    field, and nothing else."""
    folded = _words_only(text)
    if not folded or not _pattern(("decline",)).search(folded):
        return False
    parts = (
        "decline", "politeness", "optional_nouns", "phone_words", "decline_verbs", "determiners"
    )  # fmt: skip
    return _made_of(folded, parts)


def mentions(kind: str, text: str) -> bool:
    """``text`` names one of the words of ``kind`` ("kein Telefon": phone_words)."""
    return bool(_pattern((kind,)).search(_words_only(text)))


def is_one_of(kind: str, text: str) -> bool:
    """The whole of ``text`` is one phrase of ``kind`` ("Ansprechpartner": person_labels)."""
    return _words_only(text) in table_words(kind)


@cache
def table_words(kind: str) -> frozenset[str]:
    return frozenset(words(kind))


def is_filler(text: str) -> bool:
    """A message (or part of one) that says nothing: "Sorry", "Sure", "Hola", "好的"."""
    folded = _words_only(text)
    return bool(folded) and _made_of(folded, ("filler", "politeness"))


def sentence_words(text: str, *, lower_case_only: bool = False) -> list[str]:
    """The words of ``text`` that make a sentence rather than a name ("I", "don't",
    "understand"; 我, 不). ``lower_case_only``: Latin words count only as written in lower
    case (and "I"), so that "Do Van Nam" keeps its "Do"."""
    folded = _fold(text)
    found: list[str] = []
    for match in _pattern(("sentence_words",)).finditer(folded):
        word = match.group(0)
        original = text[match.start() : match.end()] if len(text) == len(folded) else word
        if not lower_case_only or _HAN.search(word) or word == "i" or original.islower():
            found.append(word)
    return found
