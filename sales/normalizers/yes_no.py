"""Yes/no answers in English, Spanish, German, Chinese, French and Portuguese."""

from __future__ import annotations

import re

from sales.normalizers._text import clean, fold, quote, too_long
from sales.normalizers.result import Parsed

# Accent-free, lower case; longest phrases are tried first.
_YES = (
    "yes please do|yes please|yes sure|yes|yep|yup|yeah|yea|ya|y|sure|ok|okay|k|please do"
    "|please|of course|definitely|absolutely|certainly|correct|right|affirmative|go ahead"
    "|sounds good|why not|i do|we do|i would|we would|that would be great|thumbs up"
    "|si|claro|vale|por supuesto|de acuerdo|dale|por favor|correcto"
    "|ja|jawohl|klar|gerne|gern|sicher|genau|naturlich|bitte|jep|jo"
    "|oui|ouais|bien sur|d'accord|volontiers|avec plaisir|exactement"
    "|sim|com certeza|pode ser|certo|quero"
)
_NO = (
    "no thanks|no thank you|no need|not needed|not necessary|no|nope|nah|n|not now|never mind"
    "|don't|dont|do not|i don't|we don't|negative|not really|no sample|no samples"
    "|no gracias|no es necesario|no hace falta|nein danke|nein|no|ne|nee|nicht notig"
    "|brauche ich nicht|brauchen wir nicht|non merci|non|pas besoin|pas necessaire"
    "|nao obrigado|nao|nao precisa|nao e necessario"
)
_UNSURE = re.compile(
    r"^(?:maybe|perhaps|not sure|i'?m not sure|don'?t know|dont know|no idea|depends"
    r"|it depends|possibly|quizas|tal vez|vielleicht|keine ahnung|peut-etre|talvez"
    r"|也许|不确定|可能)\b",
)
_YES_RE = re.compile(rf"^(?:{_YES})(?![\w'])")
_NO_RE = re.compile(rf"^(?:{_NO})(?![\w'])")
_YES_ANY = re.compile(rf"(?<![\w'])(?:{_YES})(?![\w'])")
_NO_ANY = re.compile(rf"(?<![\w'])(?:{_NO})(?![\w'])")
_BOTH = re.compile(
    r"(?<!\w)(?:yes|si|ja|oui|sim)\s+(?:and|or|y|o|und|oder|et|ou|e)\s+(?:no|nein|non|nao)(?!\w)"
)
_ZH_NO = re.compile(r"不|没|否|别|無|无")
_ZH_YES = re.compile(r"是|好|要|需要|可以|对|行|嗯|当然")
_EMOJI_YES = ("👍", "👌", "✅", "✔")
_EMOJI_NO = ("👎", "❌", "✖")


def parse_yes_no(text: str) -> Parsed[bool]:
    """'yes please' / 'sí' / 'nein danke' / '不需要' -> True/False, or ask again."""
    raw = clean(text)
    if not raw:
        return Parsed.failure("Please answer yes or no.")
    if too_long(raw):
        return Parsed.failure("Sorry, just yes or no?")
    if any(e in raw for e in _EMOJI_YES) and not any(e in raw for e in _EMOJI_NO):
        return Parsed.success(True)
    if any(e in raw for e in _EMOJI_NO):
        return Parsed.success(False)
    low = fold(raw).replace("’", "'").strip(" .!¡¿?,")
    if _UNSURE.match(low) or _BOTH.search(low):
        return Parsed.failure("No problem. Just say yes or no when you've decided.")
    if re.search(r"[\u4e00-\u9fff]", low):
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
    return Parsed.failure(f"Sorry, I didn't get {quote(raw)}. Yes or no?")
