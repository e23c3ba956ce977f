"""Word lists as one regular expression: the lexicons' phrases found in a question.

A Latin phrase stands on its own (not inside a longer word), also right next to Chinese, which
has no spaces ("的bitola do cabo是"); a Chinese phrase is found anywhere. Longer phrases win
over their beginnings. Case is ignored.

>>> [m.group(0) for m in phrase_pattern(["storage temperature", "温度"]).finditer(
...     "Storage temperature? 存储温度")]
['Storage temperature', '温度']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = re.compile(r"[\u3400-\u9fff]")
# A Latin phrase's own edges: no letter or digit of a spaced script next to it.
LATIN_START = r"(?<![^\W\u3400-\u9fff])"
LATIN_END = r"(?![^\W\u3400-\u9fff])"


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``phrases`` (longest first); it matches nothing when
    there are none."""
    words = sorted({str(p) for p in phrases if str(p)}, key=len, reverse=True)
    if not words:
        return re.compile(r"(?!)")
    return re.compile(
        "|".join(
            re.escape(w) if _CJK.search(w) else f"{LATIN_START}{re.escape(w)}{LATIN_END}"
            for w in words
        ),
        re.IGNORECASE,
    )
