"""Quantities and item choices in RFQ texts, in the buyer's language (numbers, dates and
lists are written by ``i18n.formatting``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from i18n import DEFAULT_LANGUAGE, Msg, catalog, t
from i18n.formatting import listed, number_text

# The unit's own message ("5,000 pcs", "5.000 Stück", "5,000件"); other units read "<n> <unit>".
UNIT_KEY = "rfq.unit.{unit}"
OTHER_UNIT_KEY = "rfq.unit.other"


class QuantityText(Msg):
    """An amount and its unit ('5,000 pcs') that reads as English and renders with the
    language's number format and unit word ('5.000 Stück', '5,000件')."""

    def __new__(cls, amount: Decimal | int | str, unit: str | None) -> QuantityText:
        unit = unit or "pcs"
        key = UNIT_KEY.format(unit=unit)
        if key not in catalog(DEFAULT_LANGUAGE):
            key = OTHER_UNIT_KEY
        params = {"number": Decimal(str(amount)), "unit": unit}
        self = str.__new__(cls, _quantity(key, params, DEFAULT_LANGUAGE))
        self.key = key
        self.params = params
        return self

    def render(self, language: str | None) -> str:
        return _quantity(self.key, self.params, language)


def _quantity(key: str, params: dict[str, Decimal | str], language: str | None) -> str:
    number = number_text(params["number"], language)
    return t(key, language, number=number, unit=params["unit"])


class ItemChoices(Msg):
    """The items of a request as choices, "PNL-6060-40W (5,000 pcs) or FL-SL-100W (300 pcs)",
    said in any language."""

    def __new__(cls, items: Sequence[Mapping[str, Any]]) -> ItemChoices:
        choices = [
            (str(i.get("sku") or i.get("description") or "?"), i.get("quantity"), i.get("unit"))
            for i in items
        ]
        self = str.__new__(cls, cls._text(choices, DEFAULT_LANGUAGE))
        self.key = "rfq.list_or"
        self.params = {"choices": choices}
        return self

    @staticmethod
    def _text(choices: list[tuple[str, Any, Any]], language: str | None) -> str:
        parts = [
            f"{name} ({QuantityText(count, unit).render(language)})" if count else name
            for name, count, unit in choices
        ]
        return listed(parts, language, "or")

    def render(self, language: str | None) -> str:
        return self._text(self.params["choices"], language)
