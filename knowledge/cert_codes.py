"""Certification codes (CE, UL, SASO...) named in a piece of text, as whole words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Literal

from sales.normalizers._text import fold


def codes_named(
    text: str,
    codes: Iterable[str],
    *,
    spelling: Literal["as written", "any", "not lower"] = "as written",
) -> tuple[str, ...]:
    """The ``codes`` that ``text`` names, sorted: "CE证书" names CE, "CEMENT" does not.
    ``spelling``: "as written" (the default), "any" case for codes of three letters or more
    ("RoHS", "reach"), or any case but lower case ("Energy Star", "Inmetro"; not the Spanish
    verb "saber" for SABER).

    >>> codes_named("Is the CE证书 from a notified body, or UL?", ["CE", "UL", "CB"])
    ('CE', 'UL')
    >>> codes_named("quiero saber si tiene Inmetro", ["INMETRO", "SABER"], spelling="not lower")
    ('INMETRO',)
    """
    return tuple(code for code in sorted(codes) if _named(text, code, spelling))


def _named(text: str, code: str, spelling: str) -> bool:
    pattern = rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])"
    if spelling == "as written" or (spelling == "any" and len(code) <= 2):
        return re.search(pattern, text) is not None
    found = (match.group(0) for match in re.finditer(pattern, text, re.IGNORECASE))
    return any(spelling == "any" or not word.islower() for word in found)


@cache
def _variants() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(a mark's other spelling as a whole word, its code): the aliases of the certifications
    we record (``sales/normalizers/data/certifications.yaml``) that are not the code itself
    ("cULus" and "UL listed" for UL, "cETLus" and "Intertek" for ETL, "C-Tick" for SAA)."""
    from sales.normalizers._data import load_table

    variants = []
    for key, entry in load_table("certifications.yaml").items():
        code = str(entry.get("code", key))
        for alias in entry["aliases"]:
            if fold(alias) in (fold(key), fold(code)):
                continue
            pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(fold(alias))}(?![A-Za-z0-9])")
            variants.append((pattern, code))
    return tuple(variants)


def codes_by_variant(text: str) -> tuple[str, ...]:
    """The codes of the marks ``text`` names by another spelling than their code, sorted.

    >>> codes_by_variant("¿qué productos llevan la marca cULus Listed?")
    ('UL',)
    >>> codes_by_variant("Is it UL listed?"), codes_by_variant("how far can it reach?")
    (('UL',), ())
    """
    folded = fold(text)
    return tuple(sorted({code for pattern, code in _variants() if pattern.search(folded)}))
