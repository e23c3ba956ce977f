"""Product words as buyers mistype them: "2,5k Downligts", "500 flood lites", "pannels".

A word near a count (a number in the 24 characters before it, or a spec such as "100W" right
after it) that is one edit from a product word of the catalog (two for words of eight letters
or more), or a known informal spelling, is read as that product word. Words elsewhere (names,
companies, places) are left as written.

>>> correct("We need 2,5k Downligts and 500 flood lites")
'We need 2,5k downlights and 500 flood lights'
>>> correct("Pannell Trading Ltd")
'Pannell Trading Ltd'

Chinese is typed by sound (pinyin input): a run of Han characters near a count that sounds
exactly like a product word but is written otherwise is read as that word.

>>> correct("我们需要3000个桶灯和200个头光灯")
'我们需要3000个筒灯和200个投光灯'
"""

from __future__ import annotations

import re
from functools import cache

from pypinyin import lazy_pinyin

from sales.normalizers._text import fold
from sales.normalizers.word_edges import has_han
from sales.rfq.products import (
    CATEGORY_WORDS,
    VARIANT_WORDS,
    category_of,
    compound_category,
    compound_heads,
)

# Informal spellings that are no typo of one word.
SPELLINGS = {"lites": "lights", "lite": "light", "hibay": "high bay", "hibays": "high bays"}
# Spellings that are no word of their own: read as the product word wherever they stand.
ALWAYS = frozenset({"lites", "hibays"})
_WORD = re.compile(r"[^\W\d_]{4,}")
_COUNT_BEFORE = re.compile(r"\d[\d.,]*\s*(?:k|pcs|x|w|mm|cm)?\b[^\d]{0,24}$", re.I)
# ...or a spec right after it ("reflecotres de 100W", "projeteurs LED 100W").
_SPEC_AFTER = re.compile(r"^.{0,16}?(?:(?<![\d.,])\d+\s*(?:w|mm|x\s*\d)(?![a-z])|\bt[58]\b)", re.I)
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_HAN_COUNT_BEFORE = re.compile(r"[\d百千万]\s*[^\d]{0,12}$")
_HAN_COUNT_AFTER = re.compile(r"^[^\d]{0,6}\d")


@cache
def _vocabulary() -> dict[str, str]:
    """Each word (five letters or more) of the catalog's product words that names its category
    on its own ("downlights"; not "alimentation" of "bloc d'alimentation"), with the category."""
    return {
        part: category
        for category, words in CATEGORY_WORDS.items()
        for word in words
        for part in fold(word).split()
        if len(part) >= 5 and part.isalpha() and category_of(part) == category
    }


@cache
def _phrase_starts() -> dict[str, tuple[str, ...]]:
    """The first word of each product phrase that names no category alone ("street" of "street
    lights"), with what must follow it for the phrase ("lights", "light")."""
    starts: dict[str, set[str]] = {}
    for words in CATEGORY_WORDS.values():
        for word in words:
            first, *rest = fold(word).split()
            if rest and len(first) >= 5 and first.isalpha() and first not in _vocabulary():
                starts.setdefault(first, set()).add(" ".join(rest))
    return {first: tuple(rests) for first, rests in starts.items()}


def _compound_heads() -> tuple[str, ...]:
    """Category words that end compounds ("röhren" of "Glasröhren"), folded."""
    return tuple(head for head, _ in compound_heads())


@cache
def _han_sounds() -> dict[tuple[str, ...], str | None]:
    """The toneless pinyin of each Han product or variant word, with the word ("tong deng" ->
    筒灯, "bo li" -> 玻璃); None where two words sound the same."""
    sounds: dict[tuple[str, ...], str | None] = {}
    for words in (*CATEGORY_WORDS.values(), *VARIANT_WORDS.values()):
        for word in words:
            if has_han(word) and len(word) >= 2 and not _HAN_RUN.sub("", word):
                key = tuple(lazy_pinyin(word))
                sounds[key] = word if sounds.get(key, word) == word else None
    return sounds


def _han_fixed(text: str, start: int, end: int) -> str:
    """text[start:end] (Han characters) with each stretch near a count that sounds like a
    product word written as that word ("3000个桶灯" -> 筒灯; a company name further away is
    left as written)."""
    words = {w for w in _han_sounds().values() if w}
    lengths = sorted({len(w) for w in words}, reverse=True)
    out, at = [], start
    while at < end:
        size = 1
        for length in lengths:
            part = text[at : at + length]
            if at + length > end:
                continue
            sound = None if part in words else _han_sounds().get(tuple(lazy_pinyin(part)))
            if part in words or sound:
                size = length
                near = _HAN_COUNT_BEFORE.search(text[:at]) or _HAN_COUNT_AFTER.search(
                    text[at + length :]
                )
                out.append(sound if sound and near else part)
                break
        else:
            out.append(text[at])
        at += size
    return "".join(out)


def _distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b, capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def _limit(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _fixed(word: str, after: str) -> str | None:
    """The product word ``word`` is a typo of; ``after``: the text after it (folded)."""
    low = fold(word)
    if low in _vocabulary() or low in _phrase_starts():
        return None
    if low in SPELLINGS:
        return SPELLINGS[low]
    limit = _limit(low)
    close = sorted(
        (d, abs(len(w) - len(low)), w)
        for w in _vocabulary()
        if (d := _distance(low, w, limit)) <= limit
    )
    best = [w for d, _, w in close if d == close[0][0]] if close else []
    if len({_vocabulary()[w] for w in best}) == 1:
        return best[0]
    if best:
        return None  # equally close words of two categories: left as written
    return _phrase_start(low, after) or _compound(low)


def _phrase_start(low: str, after: str) -> str | None:
    """ "stret lights" -> "street": the first word of a phrase, when the rest of it follows."""
    for first, rests in _phrase_starts().items():
        if _distance(low, first, _limit(low)) <= _limit(low) and any(
            re.match(rf"\s+{re.escape(rest)}\b", after) for rest in rests
        ):
            return first
    return None


def _compound(low: str) -> str | None:
    """ "glasrohen" -> "glasrohren": a compound whose head is one edit from a category word of a
    language that writes compounds (five letters or more, three before it)."""
    if compound_category(low):
        return None  # a compound of ours already
    for head in _compound_heads():
        for size in (len(head) - 1, len(head), len(head) + 1):
            modifier, tail = low[:-size], low[-size:]
            if len(modifier) >= 3 and tail != head and _distance(tail, head, 1) <= 1:
                return modifier + head
    return None


def correct(text: str) -> str:
    """``text`` with mistyped product words after a count written the catalog's way."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if fold(word) in ALWAYS:
            return SPELLINGS[fold(word)]  # "slim flood lites": no word of its own
        if not (
            _COUNT_BEFORE.search(text[: match.start()]) or _SPEC_AFTER.search(text[match.end() :])
        ):
            return word
        return _fixed(word, fold(text[match.end() :])) or word

    text = _WORD.sub(fix, text)
    return _HAN_RUN.sub(lambda m: _han_fixed(text, m.start(), m.end()), text)
