"""Certification codes (CE, UL, SASO...) named in a piece of text, as whole words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal


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
