"""Yes/no answers in English, Spanish, German, Chinese, French and Portuguese.

Latin-script answers are matched on folded text (lower case, no accents: "não" is "nao"); the
words are the lexicons' (``i18n/lexicon/<lang>.yaml``: yes_no).
"""

from __future__ import annotations

import re

from i18n import Msg
from i18n.lexicon import patterns
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import has_han


def _words(code: str, *, han: bool) -> str:
    """Every language's words of ``code`` (``i18n/lexicon/<lang>.yaml``: yes_no), those written
    in Chinese or the others, as one alternation in the lexicons' order."""
    return "|".join(w for w in patterns("yes_no")[code] if has_han(w) == han)


_YES = _words("yes", han=False)
_NO = _words("no", han=False)
_UNSURE = re.compile(rf"^(?:{_words('unsure', han=False)}|{_words('unsure', han=True)})(?!\w)")
_YES_RE = re.compile(rf"^(?:{_YES})(?![\w'])")
_NO_RE = re.compile(rf"^(?:{_NO})(?![\w'])")
_YES_ANY = re.compile(rf"(?<![\w'])(?:{_YES})(?![\w'])")
_NO_ANY = re.compile(rf"(?<![\w'])(?:{_NO})(?![\w'])")
_BOTH = re.compile(
    r"(?<!\w)(?:yes|si|ja|oui|sim)\s+(?:and|or|y|o|und|oder|et|ou|e)\s+(?:no|nein|non|nao)(?!\w)"
)
# "没问题" (no problem) and "不错" (not bad) say yes although they contain a "no" character.
_ZH_YES_PHRASES = re.compile(_words("yes_despite_no", han=True))
_ZH_NO = re.compile(_words("no", han=True))
_ZH_YES = re.compile(_words("yes", han=True))
_EMOJI_YES = ("👍", "👌", "✅", "✔")
_EMOJI_NO = ("👎", "❌", "✖")


def parse_yes_no(text: str) -> Parsed[bool]:
    """'yes please' / 'sí' / 'nein danke' / '不需要' -> True/False, or ask again."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.yes_no.empty"))
    if too_long(raw):
        return Parsed.failure(Msg("validation.yes_no.too_long"))
    if any(e in raw for e in _EMOJI_YES) and not any(e in raw for e in _EMOJI_NO):
        return Parsed.success(True)
    if any(e in raw for e in _EMOJI_NO):
        return Parsed.success(False)
    low = fold(raw).replace("’", "'").strip(" .!¡¿?,")
    if _UNSURE.match(low) or _BOTH.search(low):
        return Parsed.failure(Msg("validation.yes_no.unsure"))
    if re.search(r"[\u4e00-\u9fff]", low):
        if _ZH_YES_PHRASES.search(low) and not _ZH_NO.search(_ZH_YES_PHRASES.sub("", low)):
            return Parsed.success(True)
        if _ZH_NO.search(low):
            return Parsed.success(False)
        if _ZH_YES.search(low):
            return Parsed.success(True)
    # the answer's first words decide: "yes, but no rush" is yes; "no, not needed" is no
    if _NO_RE.match(low) and not _YES_RE.match(low):
        return Parsed.success(False)
    if _YES_RE.match(low):
        no_first = _NO_RE.match(low)
        yes_first = _YES_RE.match(low)
        if no_first and yes_first and len(no_first.group(0)) > len(yes_first.group(0)):
            return Parsed.success(False)
        return Parsed.success(True)
    has_yes, has_no = bool(_YES_ANY.search(low)), bool(_NO_ANY.search(low))
    if has_yes != has_no:
        return Parsed.success(has_yes)
    return Parsed.failure(Msg("validation.yes_no.unreadable", text=clip(raw)))
