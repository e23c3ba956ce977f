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


def phrase_pattern(phrases: Iterable[str], *, latin_ending: str = "") -> re.Pattern[str]:
    """One pattern that finds any of ``phrases`` (longest first); it matches nothing when
    there are none. ``latin_ending``: an alternation a Latin phrase may also end with (a
    plural: ``"s|es"``), inside its edges.

    The same matches as the plain alternation of every phrase, longest first, each Latin one
    inside its own edges, written so that it compiles in milliseconds: the edges, whose
    letter class the compiler expands case-insensitively over the Han block at great cost
    (about 8 ms each: 14 s for the 1,755 Latin attribute words), stand once around the group
    of Latin phrases. The Chinese phrases go first: where a Chinese and a Latin phrase match at
    one place, the Chinese one is the longer (the Latin one, with no Han character, can only
    match a beginning of it), so it came first in the longest-first order too.
    """
    words = sorted({str(p) for p in phrases if str(p)}, key=len, reverse=True)
    if not words:
        return re.compile(r"(?!)")
    chinese = [re.escape(w) for w in words if _CJK.search(w)]
    latin = [re.escape(w) for w in words if not _CJK.search(w)]
    ending = f"(?:{latin_ending})?" if latin_ending else ""
    spaced = [f"{LATIN_START}(?:{'|'.join(latin)}){ending}{LATIN_END}"] if latin else []
    return re.compile("|".join(chinese + spaced), re.IGNORECASE)
