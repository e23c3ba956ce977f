"""Charges of a stored quote, with the parameters their words need.

Quotes priced since charges are kept as data store each charge's parameters
(``pricing["charge_params"]``). A quote stored before that has only the English labels the
pricing engine wrote then; their forms are read back here once, so that its PDF can still be
written in the buyer's language. A label of no known form keeps ``params=None`` (printed as
stored).

>>> legacy_params("origin_terminal", "Terminal handling at Ningbo")
{'port': 'Ningbo'}
>>> legacy_params("sea_freight", "Ocean freight Ningbo to Hamburg (LCL, 3.25 W/M)")
{'port': 'Ningbo', 'place': 'Hamburg', 'wm': '3.25', 'mode': 'LCL'}
>>> legacy_params("sea_freight", "Ocean freight by arrangement") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_NUMBER = r"\d+(?:\.\d+)?"
# The labels the pricing engine wrote before charges kept their parameters.
_LEGACY_FORMS: dict[str, re.Pattern[str]] = {
    kind: re.compile(pattern)
    for kind, pattern in {
        "export_clearance": r"Export customs clearance and documents",
        "origin_haulage": r"Inland haulage, factory to (?P<port>.+)",
        "origin_terminal": r"Terminal handling at (?P<port>.+)",
        "courier": rf"Express courier to (?P<place>.+) \((?P<weight>{_NUMBER}) kg chargeable\)",
        "sea_freight": (
            rf"Ocean freight (?P<port>.+?) to (?P<place>.+) "
            rf"\((?:LCL, (?P<wm>{_NUMBER}) W/M|FCL (?P<fcl>.+))\)"
        ),
        "destination_delivery": r"Destination handling and delivery to (?P<place>.+)",
        "unloading": r"Unloading at destination",
        "insurance": (
            rf"Cargo insurance, (?P<clause>.+), (?P<cover>{_NUMBER})% of CIF value "
            rf"at (?P<rate>{_NUMBER})%"
        ),
        "import_clearance": r"Import customs clearance \(broker\)",
        "import_duty": (
            r"Import duty, estimate \((?P<source>[^:]+): (?P<rates>.*); (?P<basis>\w+) basis\)"
        ),
        "import_vat": rf"Import (?P<tax>.+) (?P<rate>{_NUMBER})%, estimate",
    }.items()
}
_HS_RATE = re.compile(rf"HS (?P<code>\S+) (?P<rate>{_NUMBER})%")
_BOX = re.compile(r"(?P<count>\d+) x (?P<box>\S+)")


def legacy_params(kind: str, label: str) -> dict[str, Any] | None:
    """The parameters of an old stored ``label`` of ``kind``; None if of no known form."""
    form = _LEGACY_FORMS.get(kind)
    found = form.fullmatch(label) if form is not None else None
    if found is None:
        return None
    params: dict[str, Any] = {key: value for key, value in found.groupdict().items() if value}
    if kind == "sea_freight":
        fcl = params.pop("fcl", None)
        if fcl is None:
            params["mode"] = "LCL"
        else:
            boxes = [_BOX.fullmatch(part) for part in fcl.split(" + ")]
            if not all(boxes):
                return None
            params["mode"] = "FCL"
            params["containers"] = [[m["box"], int(m["count"])] for m in boxes if m]
    elif kind == "import_duty":
        if params["rates"] == "no rate":
            params["rates"] = []
        else:
            rates = [_HS_RATE.fullmatch(item) for item in params["rates"].split(", ")]
            if not all(rates):
                return None
            params["rates"] = [[m["code"], m["rate"]] for m in rates if m]
    return params


def stored_params(pricing: dict[str, Any], kinds: Sequence[str], labels: Sequence[str]) -> list:
    """Each stored charge's parameters: as stored, else read from its old label."""
    kept = pricing.get("charge_params")
    if isinstance(kept, list) and len(kept) == len(kinds):
        return list(kept)
    return [legacy_params(kind, label) for kind, label in zip(kinds, labels, strict=True)]
