"""Cross-language words for the lexical search: a question's trade words in English.

Our sources are English, so BM25 has nothing to match in a question asked in Chinese or German
("定金", "Lieferbedingung"): everything would rest on the sentence encoder.  The glossary
(``knowledge/lexicon/glossary.tsv``: one concept of the trade a row, its words in en/zh/es/de/
fr/pt) gives the English words of the concepts a non-English question names, which are added
to its lexical query the way ``knowledge.categories.search_words`` adds a category's words.

Matching, per language of the question (Han characters: Chinese; otherwise the language its
stop words point to; an English question gets nothing added):

- Chinese: a term of two or more characters anywhere in the text;
- German: a term as a whole word, or as the first or last part of a compound
  ("Ersatzleuchten" holds "ersatz" and "leuchte"), found by decompounding against the
  glossary's German words;
- Spanish, French, Portuguese: a term at the start of a word, with up to three letters of
  inflection ("devolución", "devoluciones").

The attributes a question names in its language ("Schutzart", "光效"; ``knowledge.attributes``)
add their English word as well.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from knowledge.attributes import BY_KEY, find_attributes
from knowledge.text_tokens import MIN_PART, decompound, guess_language
from sales.normalizers._text import fold

GLOSSARY_FILE = Path(__file__).resolve().parent / "lexicon" / "glossary.tsv"
COLUMNS = ("en", "zh", "es", "de", "fr", "pt")
MIN_HAN_TERM = 2
MIN_COMPOUND_PART = 4
INFLECTION = 3

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@cache
def glossary() -> dict[str, dict[str, str]]:
    """language -> folded term -> the concept's English words."""
    terms: dict[str, dict[str, str]] = {lang: {} for lang in COLUMNS[1:]}
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{GLOSSARY_FILE.name}: expected {len(COLUMNS)} columns: {line!r}")
        english = cells[0].strip()
        for lang, cell in zip(COLUMNS[1:], cells[1:], strict=True):
            for term in cell.split("|"):
                key = fold(term.strip())
                if key and not (lang == "zh" and len(key) < MIN_HAN_TERM):
                    existing = terms[lang].get(key)
                    terms[lang][key] = f"{existing} {english}" if existing else english
    return terms


def question_language(text: str) -> str:
    """zh for Han text, else the language its stop words point to (English by default)."""
    if len(_HAN.findall(text)) >= 2:
        return "zh"
    return guess_language(_WORD.findall(text.lower()))


@cache
def _phrase_pattern(lang: str) -> re.Pattern[str] | None:
    """Multi-word terms of a Latin-script language, as one alternation."""
    phrases = sorted((term for term in glossary()[lang] if " " in term), key=len, reverse=True)
    if not phrases:
        return None
    return re.compile(
        "|".join(rf"(?<!\w){re.escape(p)}\w{{0,{INFLECTION}}}(?!\w)" for p in phrases)
    )


def _word_concepts(word: str, lang: str) -> list[str]:
    terms = glossary()[lang]
    if word in terms:
        return [terms[word]]
    if lang == "de":
        if _stem(word, terms) in terms:  # "lieferzeiten"
            return [terms[_stem(word, terms)]]
        parts = decompound(word, _CompoundVocabulary(lang))
        if parts:
            return [terms[_stem(part, terms)] for part in parts]
        return _compound_ends(word, terms)
    for cut in range(1, INFLECTION + 1):  # "devoluciones" -> "devolucion"
        if len(word) - cut >= MIN_COMPOUND_PART and word[:-cut] in terms:
            return [terms[word[:-cut]]]
    return []


def _compound_ends(word: str, terms: dict[str, str]) -> list[str]:
    """The longest term a compound starts with and the longest it ends with, the other part
    unknown ("garantiezeit" -> "garantie")."""
    found: list[str] = []
    for cut in range(len(word) - MIN_PART, MIN_COMPOUND_PART - 1, -1):
        if _stem(word[:cut], terms) in terms:
            found.append(terms[_stem(word[:cut], terms)])
            break
    for cut in range(MIN_PART, len(word) - MIN_COMPOUND_PART + 1):
        if _stem(word[cut:], terms) in terms:
            found.append(terms[_stem(word[cut:], terms)])
            break
    return found


def _stem(part: str, terms: dict[str, str]) -> str:
    """The glossary term a compound part stands for ("leuchten" -> "leuchte")."""
    if part in terms:
        return part
    for cut in range(1, INFLECTION):
        if part[:-cut] in terms:
            return part[:-cut]
    return part


class _CompoundVocabulary:
    """German glossary words, inflected forms included, as ``decompound`` asks for them."""

    def __init__(self, lang: str) -> None:
        self._terms = glossary()[lang]

    def __contains__(self, part: object) -> bool:
        if not isinstance(part, str) or len(part) < MIN_COMPOUND_PART:
            return False
        return _stem(part, self._terms) in self._terms


def english_words(text: str) -> str:
    """The English words of the trade concepts a non-English ``text`` names ("" if none or if
    the text is English)."""
    lang = question_language(text)
    if lang == "en":
        return ""
    terms = glossary()[lang]
    folded = fold(text)
    found: list[str] = []
    if lang == "zh":
        found = [english for term, english in terms.items() if term in folded]
    else:
        pattern = _phrase_pattern(lang)
        if pattern is not None:
            found += [terms[_phrase_key(m.group(0), terms)] for m in pattern.finditer(folded)]
        for word in _WORD.findall(folded):
            found += _word_concepts(word, lang)
    # the attribute lexicon ("Schutzart", "光效") gives its English word too
    found += [BY_KEY[key].words[0] for key in find_attributes(text)]
    return " ".join(dict.fromkeys(found))


def _phrase_key(matched: str, terms: dict[str, str]) -> str:
    for cut in range(INFLECTION + 1):
        key = matched[: len(matched) - cut] if cut else matched
        if key in terms:
            return key
    return matched
