"""Yes/no answers in English, Spanish, German, Chinese, French and Portuguese.

Latin-script answers are matched on folded text (lower case, no accents: "não" is "nao").
"""

from __future__ import annotations

import re

from i18n import Msg
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.result import Parsed

# Accent-free, lower case; longest phrases are tried first.
_YES = (
    "yes please do|yes please|yes sure|yes|yep|yup|yeah|yea|ya|y|sure|ok|okay|k|please do"
    "|please|of course|definitely|absolutely|certainly|correct|right|affirmative|go ahead"
    "|sounds good|why not|i do|we do|i would|we would|that would be great|thumbs up"
    "|si|claro|vale|por supuesto|de acuerdo|dale|por favor|correcto|perfecto|esta bien"
    "|desde luego|con gusto|adelante|sin problema|nos interesa|lo queremos"
    "|ja|jawohl|klar|gerne|gern|sicher|genau|naturlich|bitte|jep|jo|auf jeden fall"
    "|in ordnung|einverstanden|passt|gut|sehr gut|selbstverstandlich|unbedingt"
    "|oui|ouais|bien sur|d'accord|volontiers|avec plaisir|exactement|parfait|tout a fait"
    "|ca marche|absolument|evidemment|bien entendu|avec joie"
    "|sim|com certeza|pode ser|certo|quero|claro|perfeito|beleza|pode|queremos|de acordo"
    "|com prazer|sem duvida|isso|positivo"
)
_NO = (
    "no thanks|no thank you|no need|not needed|not necessary|no|nope|nah|n|not now|never mind"
    "|don't|dont|do not|i don't|we don't|negative|not really|no sample|no samples"
    "|no gracias|no es necesario|no hace falta|no lo necesitamos|ninguno|ninguna|para nada"
    "|mejor no|nein danke|nein|no|ne|nee|nicht notig|nicht erforderlich|nicht noetig"
    "|brauche ich nicht|brauchen wir nicht|kein bedarf|lieber nicht|keine|auf keinen fall"
    "|non merci|non|pas besoin|pas necessaire|pas la peine|pas pour l'instant|aucun|aucune"
    "|nao obrigado|nao obrigada|nao|nao precisa|nao e necessario|nao e preciso|dispenso"
    "|nenhum|nenhuma|de jeito nenhum"
)
_UNSURE = re.compile(
    r"^(?:maybe|perhaps|not sure|i'?m not sure|don'?t know|dont know|no idea|depends"
    r"|it depends|possibly|quizas|quiza|tal vez|no estoy seguro|depende|vielleicht"
    r"|keine ahnung|weiss nicht|kommt darauf an|peut-etre|je ne sais pas|ca depend|talvez"
    r"|nao sei|depende|也许|不确定|可能|看情况|再说)(?!\w)",
)
_YES_RE = re.compile(rf"^(?:{_YES})(?![\w'])")
_NO_RE = re.compile(rf"^(?:{_NO})(?![\w'])")
_YES_ANY = re.compile(rf"(?<![\w'])(?:{_YES})(?![\w'])")
_NO_ANY = re.compile(rf"(?<![\w'])(?:{_NO})(?![\w'])")
_BOTH = re.compile(
    r"(?<!\w)(?:yes|si|ja|oui|sim)\s+(?:and|or|y|o|und|oder|et|ou|e)\s+(?:no|nein|non|nao)(?!\w)"
)
# "没问题" (no problem) and "不错" (not bad) say yes although they contain a "no" character.
_ZH_YES_PHRASES = re.compile(r"没问题|没有问题|不错|当然要|必须的|要的")
_ZH_NO = re.compile(r"不|没|否|别|無|无|免了|算了")
_ZH_YES = re.compile(r"是|好|要|需要|可以|对|行|嗯|当然|麻烦|请")
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
