"""How RFQ texts write numbers, quantities, dates and lists in the buyer's language (babel)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from sales.i18n import DEFAULT_LANGUAGE, Msg, catalog, language_of, t

# The babel locale of a supported language where the bare code is not the one we mean.
BABEL_LOCALES = {"zh": "zh_CN", "pt": "pt_BR"}
# The unit's own message ("5,000 pcs", "5.000 Stück", "5,000件"); other units read "<n> <unit>".
UNIT_KEY = "rfq.unit.{unit}"
OTHER_UNIT_KEY = "rfq.unit.other"


def babel_locale(language: str | None) -> str:
    code = language_of(language)
    return BABEL_LOCALES.get(code, code)


def _places(amount: Decimal) -> int:
    if amount == amount.to_integral_value():
        return 0
    return max(0, -int(amount.normalize().as_tuple().exponent))


def number_text(value: Decimal | int | str, language: str | None, places: int | None = None) -> str:
    """A number with the language's separators: 5000 -> '5,000' (en), '5.000' (de), '5 000'
    (fr). Without ``places`` the decimals the value needs; with it exactly that many
    (a price '12.50' keeps its cents)."""
    amount = Decimal(str(value))
    digits = _places(amount) if places is None else places
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=babel_locale(language))


def money_amount_text(amount: str | Decimal, language: str | None) -> str:
    """A price as the buyer gave it ('12.50' keeps two decimals), written the language's way."""
    value = Decimal(str(amount))
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_text(value, language, places)


def date_text(value: date, language: str | None) -> str:
    """'15 March 2027' in English (unambiguous in every market), else the language's long
    form: '15. März 2027', '2027年3月15日', '15 de marzo de 2027'."""
    code = language_of(language)
    if code == DEFAULT_LANGUAGE:
        return format_date(value, "d MMMM y", locale=DEFAULT_LANGUAGE)
    return format_date(value, "long", locale=babel_locale(code))


def listed(parts: Sequence[str], language: str | None, conjunction: str = "and") -> str:
    """'a, b and c' (or 'a, b or c') with the language's separator and conjunction."""
    if len(parts) < 2:
        return "".join(parts)
    separator = t("rfq.list_separator", language)
    key = f"rfq.list_{conjunction}"
    return t(key, language, items=separator.join(parts[:-1]), last=parts[-1])


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
