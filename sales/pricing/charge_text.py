"""A charge in words, from its kind and parameters.

The pricing engine describes each charge as data: a kind (``sea_freight``) and the parameters
its words need (the port, the place, the load, the rates). The words come from the message
catalog (``pdf.charges.*``) in the buyer's language, and in English for the label stored with
the quote and shown in Slack and the staff API: one wording per kind, in one place.

>>> charge_text("origin_terminal", {"port": "Ningbo"}, "en")
'Terminal handling at Ningbo'
>>> charge_text("sea_freight", {"port": "Ningbo", "place": "Hamburg", "mode": "LCL",
...     "wm": "3.25"}, "de")
'Seefracht Ningbo nach Hamburg (LCL, 3,25 W/M)'
>>> charge_text("import_duty", {"source": "EU TARIC", "basis": "CIF",
...     "rates": [["9405", "4.7"], ["default", "2"]]}, "en")
'Import duty, estimate (EU TARIC: HS 9405 4.7%, HS default 2%; CIF basis)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from i18n import DEFAULT_LANGUAGE, catalog, t
from i18n.formatting import number_text
from sales.pricing.pricebook import DEFAULT_HS

ALL_RISKS = "all risks"  # the insurance clause of the D-terms (our own risk)


def charge_text(kind: str, params: Mapping[str, Any], language: str) -> str:
    """The words of a charge of ``kind`` with ``params`` (see ``sales/pricing/charges.py``)."""

    def say(key: str, **values: object) -> str:
        return t(f"pdf.charges.{key}", language, **values)

    def number(value: object, pattern: str | None = None) -> str:
        return number_text(str(value), language, pattern=pattern)

    values = dict(params)
    if kind == "courier":
        values["weight"] = number(values["weight"], "#,##0.0")
    elif kind == "sea_freight":
        if values.pop("mode") == "LCL":
            values["detail"] = say("lcl", wm=number(values.pop("wm"), "#,##0.00"))
        else:
            boxes = " + ".join(f"{count} x {box}" for box, count in values.pop("containers"))
            values["detail"] = f"FCL {boxes}"
    elif kind == "insurance":
        if values["clause"] == ALL_RISKS:
            values["clause"] = say("all_risks")
        values["cover"], values["rate"] = number(values["cover"]), number(values["rate"])
    elif kind == "import_duty":
        rates = [
            say("hs_default", rate=number(rate))
            if code == DEFAULT_HS
            else say("hs_rate", code=code, rate=number(rate))
            for code, rate in values["rates"]
        ]
        values["rates"] = ", ".join(rates) or say("no_rate")
    elif kind == "import_vat":
        kind = "import_tax"
        tax = str(values["tax"])
        key = "pdf.taxes." + re.sub(r"\W+", "_", tax.strip().lower()).strip("_")
        known = key in catalog(DEFAULT_LANGUAGE)
        values["tax"] = t(key, language) if known else t("pdf.taxes.other", language, tax=tax)
        values["rate"] = number(values["rate"])
    return say(kind, **values)
