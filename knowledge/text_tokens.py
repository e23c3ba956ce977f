"""Tokenisation for the lexical (BM25) side: words for Latin scripts, jieba and character
bigrams for Chinese, stop words per language.

Stop words are data (``knowledge/lexicon/stopwords/{lang}.txt``, one file per supported
language).  A text's stop words are English's plus those of the language its words point to
(the language whose stop list it hits most), so French "ce", Portuguese "na" or Spanish "en"
are not taken out of an English text, where they are CE, NA and EN.  A word written in capitals
("CE", "EU", "NA") is a code and never a stop word.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

STOPWORD_DIR = Path(__file__).resolve().parent / "lexicon" / "stopwords"
LANGUAGES = ("en", "zh", "es", "de", "fr", "pt")
LATIN_LANGUAGES = ("en", "es", "de", "fr", "pt")

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-zà-öø-ÿß]+(?:[-./][0-9a-zà-öø-ÿß]+)*")
_CAPS_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![a-z])")
_SPLIT = re.compile(r"[-./]")


@cache
def language_stopwords(lang: str) -> frozenset[str]:
    """The stop words of one language, from its data file."""
    path = STOPWORD_DIR / f"{lang}.txt"
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(word for word in words if word and not word.startswith("#"))


@cache
def stopwords() -> frozenset[str]:
    """Every language's stop words together."""
    return frozenset().union(*(language_stopwords(lang) for lang in LANGUAGES))


def guess_language(words: list[str]) -> str:
    """The Latin-script language whose stop words occur most among ``words`` (English on a
    tie or when none occurs)."""
    counts = {lang: 0 for lang in LATIN_LANGUAGES}
    for word in words:
        for lang in LATIN_LANGUAGES:
            if word in language_stopwords(lang):
                counts[lang] += 1
    best = max(counts.values())
    if best == 0 or counts["en"] == best:
        return "en"
    return next(lang for lang in LATIN_LANGUAGES if counts[lang] == best)


@cache
def _stop_set(lang: str) -> frozenset[str]:
    return language_stopwords("en") | language_stopwords(lang)


@cache
def _jieba() -> Any:  # jieba ships no type information
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _light_stem(word: str) -> str:
    """Fold English plurals ("panels" -> "panel"); leaves short words and "-ss" alone."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word[-2].isdigit():
        return word[:-1]
    return word


def han_bigrams(run: str) -> list[str]:
    """Overlapping character bigrams of a Han run, without those made of stop characters
    only ("的是"): they match Chinese words however jieba cut the query and the source."""
    stop = language_stopwords("zh")
    return [
        run[i : i + 2]
        for i in range(len(run) - 1)
        if run[i : i + 2] not in stop and not (run[i] in stop and run[i + 1] in stop)
    ]


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stop words.

    Dotted or dashed terms are kept whole, joined ("pnl-6060-40w" -> "pnl606040w") and split
    into parts, so both the model number and its parts match.  Chinese runs are cut by jieba
    in search mode (words plus their shorter sub-words) and into character bigrams.
    """
    lowered = text.lower()
    codes = {word.lower() for word in _CAPS_WORD.findall(text)}
    words = [match.group(0) for match in _WORD.finditer(_CJK_RUN.sub(" ", lowered))]
    stop = _stop_set(guess_language(words)) - codes
    tokens: list[str] = []
    for word in words:
        parts = [part for part in _SPLIT.split(word) if part]
        if len(parts) > 1:
            tokens.append("".join(parts))
        for part in parts:
            if part not in stop:
                tokens.append(_light_stem(part))
    zh_stop = language_stopwords("zh")
    for run in _CJK_RUN.findall(lowered):
        words_zh = [t for t in _jieba().lcut_for_search(run) if t.strip() and t not in zh_stop]
        tokens.extend(words_zh)
        tokens.extend(bigram for bigram in han_bigrams(run) if bigram not in words_zh)
    return tokens


# Linking elements German puts between the parts of a compound ("Lieferzeit-s-angabe").
_LINKS = ("", "s", "es", "n", "en", "e")
MIN_PART = 3
MIN_COMPOUND = 7


def decompound(word: str, known: Any, max_parts: int = 3) -> list[str] | None:
    """``word`` cut into parts that ``known`` holds (a set or mapping of words), allowing
    German linking elements between them; the cut with the fewest parts, then the longest
    first part; None when there is none or the word is short.

    "hallenstrahler" -> ["hallen", "strahler"] when both are known.
    """
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return None

    @cache
    def split(rest: str, parts_left: int) -> tuple[str, ...] | None:
        if rest in known and len(rest) >= MIN_PART:
            return (rest,)
        if parts_left <= 1:
            return None
        best: tuple[str, ...] | None = None
        for cut in range(len(rest) - MIN_PART, MIN_PART - 1, -1):
            head = rest[:cut]
            if head not in known:
                continue
            for link in _LINKS:
                tail = rest[cut:]
                if not tail.startswith(link) or len(tail) - len(link) < MIN_PART:
                    continue
                found = split(tail[len(link) :], parts_left - 1)
                if found is not None and (best is None or len(found) + 1 < len(best)):
                    best = (head, *found)
            if best is not None and len(best) == 2:
                break
        return best

    parts = split(word, max_parts)
    return list(parts) if parts is not None and len(parts) > 1 else None
