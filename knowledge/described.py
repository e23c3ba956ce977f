"""A model described instead of numbered: "the 150W high bay", "Ihr 1000-Watt-Stadionstrahler",
"el proyector de 400 W": the one record of the range named with the power named.

>>> power_named("Ihr 1000-Watt-Stadionstrahler"), power_named("the 150 W one"), power_named("")
(1000.0, 150.0, None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.catalog import Product

# A power as buyers write it: "150W", "150 W", "150-Watt", "150 watts", "150瓦"; not a part of
# a model number ("HB-UFO-150W": a letter and a dash before it).
_POWER = re.compile(r"(?<![\w.])(\d{1,4})\s?-?\s?(?:w|watts?|瓦)(?![a-z])", re.IGNORECASE)


def power_named(text: str) -> float | None:
    """The first power (watts) ``text`` names outside a model number, if any."""
    for match in _POWER.finditer(text):
        if not re.search(r"[A-Za-z]-$", text[: match.start()]):
            return float(match.group(1))
    return None


def described_model(products: Sequence[Product], text: str) -> str | None:
    """The SKU of the one record of ``products`` (a range) with the power ``text`` names; None
    when it names none, or when none or several have it."""
    power = power_named(text)
    if power is None:
        return None
    fitting = [
        str(p["sku"])
        for p in products
        if isinstance(p.get("power_w"), int | float) and float(p["power_w"]) == power
    ]
    return fitting[0] if len(fitting) == 1 else None
