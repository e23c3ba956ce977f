"""Business type from free text: "we are a distributor", "electrical contractor", "we import",
"somos mayoristas", "wir sind Großhändler", "nous sommes installateur", "somos atacadistas",
"我们是经销商".

Codes: importer, distributor, wholesaler, retailer, contractor, integrator, end_user, other.
When several match ("importer and distributor") the one mentioned first wins.
"""

from __future__ import annotations

import re

from i18n import Msg
from i18n.lexicon import patterns
from sales.normalizers._text import clean, fold, too_long
from sales.normalizers.result import Parsed
from sales.normalizers.word_edges import has_han

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
_KINDS = ("business_names", "business_types")


def _code_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each type's words in every language (``i18n/lexicon/<lang>.yaml``), matched on folded
    text (lower case, no accents: "Großhändler" is "grosshandler"); Chinese without word edges."""
    found: list[tuple[str, re.Pattern[str]]] = []
    for code in BUSINESS_TYPES:
        every = [a for kind in _KINDS for a in patterns(kind).get(code, ())]
        latin = "|".join(dict.fromkeys(a for a in every if not has_han(a)))
        han = "|".join(dict.fromkeys(a for a in every if has_han(a)))
        if latin:
            found.append((code, re.compile(rf"(?<!\w)(?:{latin})(?!\w)", re.I)))
        if han:
            found.append((code, re.compile(han)))
    return found


_PATTERNS = _code_patterns()

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
