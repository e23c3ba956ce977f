"""The parts of a buyer's message that ask something, and which of them nothing answered.

"T8-AB-1200-15W: is it rated for damp locations, which CCTs can I get, and how many tubes to a
carton?" asks three things; an answer that gives the CCTs and the carton must say that our data
does not answer the first. A message is cut at sentence ends, commas, colons and the word "and"
of its language; a part asks when it opens with a question word of
``lexicon/question_words.yaml`` (Chinese: holds one), or when it is a whole sentence ending in a
question mark.

>>> asked_parts("T8-AB-1200-15W: is it rated for damp locations, which CCTs can I get?")
[(16, 46), (48, 68)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).resolve().parent / "lexicon" / "question_words.yaml"
_CJK = re.compile(r"[\u3400-\u9fff]")
# Sentence ends and the marks inside a sentence that separate its questions.
_SENTENCE = re.compile(r"[^?？!！;；。\n]+[?？!！;；。]?")
_AND = r"(?:and|or|also|plus|y|e|et|ou|und|oder|sowie|bzw\.?)"  # not "o": a Portuguese article
_INSIDE = re.compile(rf"(?:[,，、:：]|\s[-–—]\s)\s*(?:{_AND}\s+)?|\s+{_AND}\s+", re.IGNORECASE)


@cache
def _openers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(Latin question words at the start of a part, Chinese question words anywhere)."""
    data: dict[str, list[str]] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    words = {str(word).lower() for values in data.values() for word in values}
    latin = sorted((w for w in words if not _CJK.search(w) and w != "¿"), key=len, reverse=True)
    chinese = sorted((w for w in words if _CJK.search(w)), key=len, reverse=True)
    start = re.compile(
        r"^\W*(?:" + "|".join(re.escape(w) for w in latin) + r")(?![\w'-])", re.IGNORECASE
    )
    anywhere = re.compile("¿|" + "|".join(re.escape(w) for w in chinese))
    return start, anywhere


def _asks(part: str) -> bool:
    start, anywhere = _openers()
    return bool(start.search(part) or anywhere.search(part))


def asked_parts(message: str) -> list[tuple[int, int]]:
    """Spans of the parts of ``message`` that ask something, in order."""
    spans: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(message):
        pieces = _pieces(message, sentence.start(), sentence.end())
        asked = sentence.group(0).rstrip().endswith(("?", "？"))
        # the piece the question mark closes asks too: "O DL-R200-18W tem proteção contra
        # surto?", "¿cuál es el peso y lo tienen en negro?"
        asking = [
            (a, b)
            for index, (a, b) in enumerate(pieces)
            if _asks(message[a:b]) or (asked and index == len(pieces) - 1)
        ]
        spans += asking
    return spans


def message_pieces(message: str) -> list[tuple[int, int]]:
    """Spans of every piece of ``message`` (cut as ``asked_parts`` cuts), asking or not.

    >>> message_pieces("Entre le UFO 200W et le UFO 240W, quelle efficacité ?")
    [(0, 17), (21, 32), (34, 51)]
    """
    return [
        piece
        for sentence in _SENTENCE.finditer(message)
        for piece in _pieces(message, sentence.start(), sentence.end())
    ]


def _pieces(message: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start]
    for match in _INSIDE.finditer(message, start, end):
        cuts += [match.start(), match.end()]
    cuts.append(end)
    pieces = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        text = message[a:b]
        stripped = text.strip(" \t?？!！;；。.")
        if stripped:
            lead = a + text.index(stripped)
            pieces.append((lead, lead + len(stripped)))
    return pieces


def unanswered_parts(message: str, answered: Iterable[tuple[int, int]]) -> list[str]:
    """The parts of ``message`` that ask something and hold none of the ``answered`` spans
    (where the answer's attributes, models or markets are named)."""
    covered = list(answered)
    return [
        message[a:b]
        for a, b in asked_parts(message)
        if not any(a <= start < b or start <= a < end for start, end in covered)
    ]
