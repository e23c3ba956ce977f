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
    """Regex source for any of ``words`` as whole words, longest first."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(whole(w) for w in ordered)
