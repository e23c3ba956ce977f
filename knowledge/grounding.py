"""Grounding: every figure and code in an answer must appear in the source it cites.

A figure is a run of digits with its separators ("4,400", "6,8", "0.45", "25") or a code with
digits in it ("IP65", "DRV-010V-150W-HB", "L70B50"); it is compared by its digits alone, so a
number written with the buyer's separators ("4.400", "4 400", "6,8") still matches the record's
("4400", "6.8"). A sentence whose figures are not all in the source is not said.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

_NUMBER = re.compile(r"\d(?:[\d.,\u00a0\u202f']*\d)?")


def figures(text: str) -> set[str]:
    """The figures of ``text``: each number's digits, leading zeros dropped ("08" -> "8")."""
    found = set()
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0)).lstrip("0") or "0"
        found.add(digits)
        # "1.5m" also stands for "1", "5": a number split by a separator in the other spelling
        for piece in re.split(r"[.,\u00a0\u202f']", match.group(0)):
            if piece:
                found.add(piece.lstrip("0") or "0")
    return found


def source_text(value: Any) -> str:
    """A record (mapping, list, value) as text for the check."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def ungrounded(sentence: str, source: str | set[str]) -> set[str]:
    """Figures of ``sentence`` that ``source`` (text, or its figures) does not have."""
    allowed = source if isinstance(source, set) else figures(source)
    said = {
        re.sub(r"\D", "", match.group(0)).lstrip("0") or "0" for match in _NUMBER.finditer(sentence)
    }
    return {figure for figure in said if figure not in allowed}


def grounded(sentence: str, source: str | set[str]) -> bool:
    return not ungrounded(sentence, source)


def keep_grounded(sentences: Iterable[str], source: str | set[str]) -> list[str]:
    """The sentences whose every figure is in ``source``; the others are dropped."""
    allowed = source if isinstance(source, set) else figures(source)
    return [sentence for sentence in sentences if grounded(sentence, allowed)]


# A code: letters and digits in one word ("IP65", "TM-30", "400-W-Sportstrahler", "R9").
_CODE = re.compile(
    r"(?<![A-Za-z0-9])(?=[A-Za-z0-9./-]*[0-9])(?=[A-Za-z0-9./-]*[A-Za-z])"
    r"[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*(?![A-Za-z0-9])"
)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def quotable(text: str, source: str) -> bool:
    """Every figure and every code of ``text`` (the buyer's words, to be quoted back) is in
    ``source``: quoting it says nothing the source does not."""
    compact = _compact(source)
    return grounded(text, source) and all(_compact(code) in compact for code in _CODE.findall(text))
