"""Business type from free text: "we are a distributor", "electrical contractor", "we import".

Codes: importer, distributor, wholesaler, retailer, contractor, integrator, end_user, other.
When several match ("importer and distributor") the one mentioned first wins.
"""

from __future__ import annotations

import re

from sales.normalizers._text import clean, fold, too_long
from sales.normalizers.result import Parsed

BUSINESS_TYPES = (
    "importer",
    "distributor",
    "wholesaler",
    "retailer",
    "contractor",
    "integrator",
    "end_user",
    "other",
)
_LATIN: dict[str, str] = {
    "end_user": (
        r"end[\s-]?users?|(?:for\s+)?(?:our|my)\s+own\b|own use|self[\s-]use|for ourselves"
        r"|for (?:our|my) (?:warehouse|factory|office|offices|hotel|building|buildings|shop floor"
        r"|premises|plant|farm|school|hospital|home|house|stores?|shops?|restaurants?)"
        r"|facility manage\w*|usuario final|uso propio|endkunde|endverbraucher|eigenbedarf"
        r"|utilisateur final|usage propre|usuario final|uso proprio"
    ),
    "importer": r"import\w*|importador\w*|importeur\w*|importateur\w*|trading compan\w*",
    "distributor": (
        r"distribut\w*|distribuidor\w*|distributeur\w*|dealers?|resellers?|agents?|vertrieb\w*"
        r"|handler|handel\b|revendeur\w*"
    ),
    "wholesaler": (r"wholesal\w*|mayorista\w*|grosshandler|grosshandel|grossiste\w*|atacad\w*"),
    "retailer": (
        r"retail\w*|shops?|stores?|online (?:shop|store|seller)|e-?commerce|amazon|ebay|etsy"
        r"|minorista\w*|tienda\w*|einzelh(?:a|ä)nd\w*|detaillant\w*|varejo\w*|lojas?"
    ),
    "contractor": (
        r"contractors?|contracting|installers?|installation compan\w*|electricians?"
        r"|construction|builders?|epc|contratista\w*|instalador\w*|elektroinstallat\w*"
        r"|bauunternehm\w*|installateur\w*|entrepreneur\w*|empreiteir\w*|project compan\w*"
    ),
    "integrator": (
        r"integrat\w*|lighting design\w*|lighting consult\w*|smart home|building automation"
        r"|integrador\w*|systemintegrat\w*|intégrateur\w*"
    ),
    "other": r"other|others|otro|andere|autre|outro|manufacturer|brand owner|oem|consultant",
}
_CJK: dict[str, str] = {
    "end_user": r"自用|终端用户|最终用户",
    "importer": r"进口商|进口",
    "distributor": r"经销商|分销商|代理商|代理",
    "wholesaler": r"批发",
    "retailer": r"零售|网店|商店",
    "contractor": r"工程商|承包商|安装",
    "integrator": r"集成商|系统集成",
    "other": r"其他",
}
_PATTERNS = [
    (code, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.I)) for code, pattern in _LATIN.items()
] + [(code, re.compile(pattern)) for code, pattern in _CJK.items()]

_CHOICES = (
    "importer, distributor, wholesaler, retailer, contractor/installer, system integrator, "
    "end user (buying for your own use), or other"
)


def parse_business_type(text: str) -> Parsed[str]:
    """'we are a distributor' -> 'distributor'; 'for our own warehouse' -> 'end_user'."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(f"What kind of business are you? For example: {_CHOICES}.")
    if too_long(raw):
        return Parsed.failure(f"Please answer in a few words: {_CHOICES}?")
    low = fold(raw)
    if low.strip(" .!") in BUSINESS_TYPES or low.strip(" .!") == "end user":
        return Parsed.success(low.strip(" .!").replace(" ", "_"))
    hits = [(m.start(), code) for code, pattern in _PATTERNS if (m := pattern.search(low))]
    if not hits:
        return Parsed.failure(f"Sorry, I didn't catch that. Are you an {_CHOICES}?")
    return Parsed.success(min(hits)[1])
