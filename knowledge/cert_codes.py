"""Certification codes (CE, UL, SASO...) named in a piece of text, as whole words."""

from __future__ import annotations

import re
from collections.abc import Iterable


def codes_named(text: str, codes: Iterable[str]) -> tuple[str, ...]:
    """The ``codes`` that ``text`` names, sorted: "CE证书" names CE, "CEMENT" does not.

    >>> codes_named("Is the CE证书 from a notified body, or UL?", ["CE", "UL", "CB"])
    ('CE', 'UL')
    """
    return tuple(
        code
        for code in sorted(codes)
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(code)}(?![A-Za-z0-9])", text)
    )
