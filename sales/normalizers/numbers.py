"""Numbers as buyers type them: digits with any thousands style, and number words.

Digits go through price-parser's ``parse_number``, which reads ``5,000``, ``5.000``,
``5 000`` and ``1.234,56`` alike. Number words: English by :func:`parse_number_words`, a small,
table-driven reader for the forms buyers actually write ("five thousand", "two hundred and
fifty", "a dozen", "one and a half thousand"); Spanish, German, French and Portuguese by
text2num ("cinco mil", "fünftausend", "cinq mille", "dois mil e quinhentos"); Chinese numerals
by cn2an ("五千", "一万", "5千", "1.2万"). :func:`words_to_number` tries them all.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from price_parser.parser import parse_number as _price_parser_number
from text_to_num import text2num

from sales.normalizers._data import load_table
from sales.normalizers._text import fold_chars
from sales.normalizers.word_edges import END, START

_DIGITS = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f,.'’]\d{3})*(?:[.,]\d+)?$|^\d+(?:[.,]\d+)?$")

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
}  # fmt: skip
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD = re.compile(r"[a-z]+")


def parse_digits(text: str) -> Decimal | None:
    """``"5,000"``/``"5.000"``/``"5 000"``/``"5'000"``/``"2.5"``/``"1.234,56"`` -> Decimal.

    A lone separator followed by exactly three digits is a thousands separator
    (``"5.000"`` is five thousand, as in Germany); otherwise it is the decimal mark.
    Anything else (signs, exponents, letters) gives ``None``.
    """
    text = text.strip()
    if not _DIGITS.match(text):
        return None
    text = re.sub(r"[\u00a0\u202f]", " ", re.sub(r"['’]", "", text))  # French: 5 000
    value = _price_parser_number(text)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def parse_number_words(text: str) -> Decimal | None:
    """English number words -> Decimal, or ``None`` if ``text`` is not only number words.

    Handles "five thousand", "twenty-five", "two hundred and fifty", "a thousand",
    "one and a half thousand", "half a million", "a dozen", "three dozen".
    """
    words = _WORD.findall(text.casefold().replace("-", " "))
    if not words or " ".join(words) != re.sub(r"[\s-]+", " ", text.casefold().strip()):
        return None
    if "half" in words:
        # "one and a half thousand" / "half a million" / "two and a half"
        i = words.index("half")
        before, after = words[:i], words[i + 1 :]
        if before[-2:] == ["and", "a"]:
            before = before[:-2]
        elif before[-1:] == ["a"]:
            before = before[:-1]
        if after[:1] in (["a"], ["an"]):
            after = after[1:]
        if after and after[0] not in _SCALES:
            return None
        base = _words_to_int(before) if before else 0
        if base is None or (before and not after and base == 0):
            return None
        scale = _words_to_int(after) if after else 1
        if scale is None:
            return None
        return (Decimal(base) + Decimal("0.5")) * scale
    result = _words_to_int(words)
    return None if result is None else Decimal(result)


def _words_to_int(words: list[str]) -> int | None:
    """Integer from number words; ``None`` for an ungrammatical sequence ("five five")."""
    total = 0
    current = 0
    last = "start"  # start | unit | teen | tens | hundred | scale | and | article
    for word in words:
        if word in ("a", "an"):
            if last not in ("start", "and"):
                return None
            current, last = current + 1, "article"
        elif word == "and":
            if last not in ("hundred", "scale"):
                return None
            last = "and"
        elif word in _SMALL:
            value = _SMALL[word]
            kind = "unit" if value < 10 else "teen" if value < 20 else "tens"
            after_tens = last == "tens" and kind == "unit" and value > 0
            new_part = last in ("start", "hundred", "scale", "and") and current % 100 == 0
            if not (after_tens or new_part):
                return None
            current += value
            last = kind
        elif word == "hundred":
            if last not in ("start", "unit", "teen", "article"):
                return None
            current, last = (current or 1) * 100, "hundred"
        elif word == "dozen":
            if last not in ("start", "unit", "teen", "tens", "article"):
                return None
            current, last = (current or 1) * 12, "unit"
        elif word in _SCALES:
            if last in ("scale", "and"):
                return None
            total += (current or 1) * _SCALES[word]
            current, last = 0, "scale"
        else:
            return None
    if last in ("start", "and", "article") and total + current <= 1 and len(words) == 1:
        return None
    return total + current


WORD_LANGUAGES = ("es", "de", "fr", "pt")
# Chinese numerals, optionally after digits: "五千", "两万", "5千", "1.2万", "一千二百五十".
CHINESE_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
MAX_CHINESE_CHARS = 24  # longer than any quantity anyone writes ("九千九百九十九万…")
_CHINESE = re.compile(rf"^(?:\d+(?:\.\d+)?)?[{CHINESE_NUMERALS}]+$")


@cache
def _articles() -> frozenset[str]:
    return frozenset(load_table("number_words.yaml")["articles"])


def parse_foreign_number_words(text: str) -> Decimal | None:
    """Spanish, German, French or Portuguese number words -> Decimal (text2num), else None.

    A lone article ("un", "eine", "uma") is not a number.
    """
    words = re.sub(r"\s+", " ", text.casefold().strip())
    if not words or words in _articles() or not re.fullmatch(r"[^\W\d_]+(?:[ -][^\W\d_]+)*", words):
        return None
    for language in WORD_LANGUAGES:
        try:
            value = text2num(words, language)
        except ValueError:
            continue
        return Decimal(value)
    return None


def chinese_number(text: str) -> Decimal | None:
    """'五千' / '一万' / '5千' / '1.2万' / '两千五百' / '一' -> Decimal (cn2an), else None."""
    text = text.strip()
    if len(text) > MAX_CHINESE_CHARS or not _CHINESE.match(text):
        return None
    if text in ("百", "千", "万", "亿"):
        return None  # a multiplier alone is no number ("十" is ten)
    import cn2an  # imported here: it takes a while to load and only Chinese needs it

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return Decimal(int(result)) if result == result.to_integral_value() else result


def words_to_number(text: str) -> Decimal | None:
    """A number written in words in any supported language, or None."""
    for reader in (parse_number_words, parse_foreign_number_words, chinese_number):
        value = reader(text)
        if value is not None:
            return value
    return None


@cache
def number_words_pattern() -> str:
    """Regex source for a run of Spanish/German/French/Portuguese number words in free text
    folded with ``fold_chars`` (lower case, no accents: "funftausend").

    Finding only: the run is read by :func:`parse_foreign_number_words`, which rejects what
    is not a number.
    """
    table = load_table("number_words.yaml")
    # folded one character at a time, as the text it is searched in (``fold_chars``)
    pieces = {fold_chars(w) for lang in WORD_LANGUAGES for w in table[lang]}
    pieces = sorted(pieces, key=len, reverse=True)
    piece = "(?:" + "|".join(re.escape(p) for p in pieces) + ")"
    token = rf"{piece}(?:(?:und)?{piece})*"
    joiners = "|".join(re.escape(j) for j in table["joiners"])
    return rf"{START}{token}(?:[\s-]+(?:(?:{joiners})[\s-]+)?{token})*{END}"
