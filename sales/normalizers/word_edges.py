"""Word edges that also work for Chinese, which is written without spaces.

``\\b`` fails between "40W" and "面板灯" (both are word characters to ``re``), and a Chinese
word has no edges at all. These patterns treat only letters and digits of spaced scripts as
the inside of a word: "CE" is a whole word in "需要CE和RoHS认证", "5000" in "需要5000个".
"""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A letter or digit of a spaced script (Latin, Greek, Cyrillic...): not Han, not punctuation.
SPACED_CHAR = rf"[^\W{HAN}]"
START = rf"(?<!{SPACED_CHAR})"
END = rf"(?!{SPACED_CHAR})"
_HAN_CHAR = re.compile(f"[{HAN}]")


def has_han(text: str) -> bool:
    """True when ``text`` contains a Chinese character."""
    return _HAN_CHAR.search(text) is not None


def whole(word: str) -> str:
    """Regex source for ``word`` standing on its own: edges only where the word is spaced."""
    if not word:
        return ""
    start = "" if has_han(word[0]) else START
    end = "" if has_han(word[-1]) else END
    return f"{start}{re.escape(word)}{end}"


def alternatives(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """Regex source for any of ``words`` as whole words, longest first.

    The same matches as ``"|".join(whole(w) for w in longest_first)``, with each run of words
    that have the same edges under one pair of them: an edge's class compiles in milliseconds
    each time it is written (1.2 s for the unit words, 0.6 s for the category words, written
    once a word). Words that start with a Chinese character and words that do not never
    match at the same place, so each kind keeps its own longest-first order, apart.
    """
    ordered = sorted(set(words), key=len, reverse=True)
    runs: list[tuple[tuple[str, str], list[str]]] = []
    for chinese_first in (True, False):
        for word in ordered:
            if not word or has_han(word[0]) != chinese_first:
                continue
            edges = ("" if chinese_first else START, "" if has_han(word[-1]) else END)
            if runs and runs[-1][0] == edges:
                runs[-1][1].append(re.escape(word))
            else:
                runs.append((edges, [re.escape(word)]))
    parts = [f"{start}(?:{'|'.join(run)}){end}" for (start, end), run in runs]
    return "|".join(parts + [""] * ("" in ordered))
