"""Business type from free text: "we are a distributor", "electrical contractor", "we import",
"somos mayoristas", "wir sind Großhändler", "nous sommes installateur", "somos atacadistas",
"我们是经销商".

Codes: importer, distributor, wholesaler, retailer, contractor, integrator, end_user, other.
When several match ("importer and distributor") the one mentioned first wins.
"""

from __future__ import annotations

import re

from i18n import Msg
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
# Matched on folded text (lower case, no accents: "Großhändler" is "grosshandler").
_LATIN: dict[str, str] = {
    "end_user": (
        r"end[\s-]?users?|(?:for\s+)?(?:our|my)\s+own\b|own use|self[\s-]use|for ourselves"
        r"|for (?:our|my) (?:warehouse|factory|office|offices|hotel|building|buildings|shop floor"
        r"|premises|plant|farm|school|hospital|home|house|stores?|shops?|restaurants?)"
        r"|facility manage\w*|usuarios? finale?s?|uso propio|consumidor(?:es)? finale?s?"
        r"|para (?:nuestra|nuestro) (?:propio|propia|fabrica|almacen|oficina|empresa|hotel)"
        r"|endkunden?|endverbraucher\w*|eigenbedarf|eigenen? (?:bedarf|gebrauch|verwendung)"
        r"|fur (?:unser|unsere|unseren) (?:eigenes?|lager|werk|buro|hotel|fabrik)"
        r"|utilisateurs? finale?s?|usage propre|pour notre (?:propre|usine|entrepot|bureau)"
        r"|usuarios? finais|usuario final|uso proprio|consumidor final"
        r"|para (?:nossa|nosso) (?:proprio|propria|fabrica|armazem|escritorio|empresa)"
    ),
    "importer": r"import\w*|importador\w*|importeur\w*|importateur\w*|trading compan\w*",
    "distributor": (
        r"distribut\w*|distribuidor\w*|distributeur\w*|dealers?|resellers?|agents?|vertrieb\w*"
        r"|handler|handel\b|revendeur\w*|revendedor\w*|vertragshandler|fachhandler"
    ),
    "wholesaler": (r"wholesal\w*|mayorista\w*|grosshandler\w*|grosshandel|grossiste\w*|atacad\w*"),
    "retailer": (
        r"retail\w*|shops?|stores?|online (?:shop|store|seller)|e-?commerce|amazon|ebay|etsy"
        r"|minorista\w*|tienda\w*|einzelh(?:a|ä)nd\w*|detaillant\w*|varej\w*|lojas?"
        r"|magasins?|boutiques?|commerce de detail|comercio minorista"
    ),
    "contractor": (
        r"contractors?|contracting|installers?|installation compan\w*|electricians?"
        r"|construction|builders?|epc|contratista\w*|instalador\w*|elektroinstallat\w*"
        r"|bauunternehm\w*|installateur\w*|entrepreneur\w*|empreiteir\w*|project compan\w*"
        r"|electricista\w*|constructora\w*|elektriker\w*|errichter\w*|generalunternehm\w*"
        r"|electricien\w*|entreprise d'electricite|eletricista\w*|construtora\w*"
    ),
    "integrator": (
        r"integrat\w*|lighting design\w*|lighting consult\w*|smart home|building automation"
        r"|integrador\w*|systemintegrat\w*|integrateur\w*|lichtplan\w*"
    ),
    "other": r"other|others|otro|andere|autre|outro|manufacturer|brand owner|oem|consultant",
}
_CJK: dict[str, str] = {
    "end_user": r"自用|终端用户|最终用户|终端客户|业主",
    "importer": r"进口商|进口|贸易公司",
    "distributor": r"经销商|分销商|代理商|代理",
    "wholesaler": r"批发",
    "retailer": r"零售|网店|商店|门店",
    "contractor": r"工程商|承包商|安装|工程公司|施工",
    "integrator": r"集成商|系统集成",
    "other": r"其他",
}
_PATTERNS = [
    (code, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.I)) for code, pattern in _LATIN.items()
] + [(code, re.compile(pattern)) for code, pattern in _CJK.items()]

_CHOICES = Msg("validation.business.choices")


def parse_business_type(text: str) -> Parsed[str]:
    """'we are a distributor' -> 'distributor'; 'for our own warehouse' -> 'end_user'."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.business.empty", choices=_CHOICES))
    if too_long(raw):
        return Parsed.failure(Msg("validation.business.too_long", choices=_CHOICES))
    low = fold(raw)
    if low.strip(" .!") in BUSINESS_TYPES or low.strip(" .!") == "end user":
        return Parsed.success(low.strip(" .!").replace(" ", "_"))
    hits = [(m.start(), code) for code, pattern in _PATTERNS if (m := pattern.search(low))]
    if not hits:
        return Parsed.failure(Msg("validation.business.unreadable", choices=_CHOICES))
    return Parsed.success(min(hits)[1])
