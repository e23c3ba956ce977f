"""Dates, numbers, money and lists written the buyer's way (babel/CLDR): one locale map, one
set of functions for every text the assistant writes (chat, quotes, PDFs, handoff notes).

>>> date_text(date(2027, 3, 15), "de")
'15. März 2027'
>>> date_text(date(2027, 3, 1), "fr")
'1er mars 2027'
>>> number_text(5000, "fr")
'5\\u202f000'
>>> money_text(Decimal("62500"), "USD", "de")
'USD 62.500,00'
>>> list_text(["A", "B", "C"], "es", "or")
'A, B o C'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, get_currency_precision

from i18n.catalog import DEFAULT_LANGUAGE, language_of, t

#: The babel locale each supported language is written in (simplified Chinese, Brazilian
#: Portuguese).
BABEL_LOCALES = {
    "en": "en",
    "zh": "zh_Hans_CN",
    "es": "es",
    "de": "de",
    "pt": "pt_BR",
    "fr": "fr",
}


def babel_locale(language: str | None) -> str:
    """'zh' -> 'zh_Hans_CN'; an unsupported language or None -> the default language's."""
    return BABEL_LOCALES[language_of(language)]


@cache
def babel(language: str | None) -> Locale:
    """The language's babel ``Locale`` (names of languages, territories, weekdays...)."""
    return Locale.parse(babel_locale(language))


def _english(language: str | None) -> bool:
    return language_of(language) == DEFAULT_LANGUAGE


# -- dates ---------------------------------------------------------------------------------


def date_text(
    value: date,
    language: str | None,
    *,
    length: Literal["long", "medium"] = "long",
    english: Literal["words", "iso"] = "words",
) -> str:
    """A date in the language: CLDR's ``long`` form ('15. März 2027', '2027年3月15日', '1er mars
    2027') or its ``medium`` one ('15.03.2027', for tables). English, read in every market,
    stays unambiguous: '15 March 2027' (``english="words"``) or ISO ('2027-03-15')."""
    code = language_of(language)
    if code == DEFAULT_LANGUAGE:
        if english == "iso":
            return value.isoformat()
        if length == "long":
            return format_date(value, "d MMMM y", locale=DEFAULT_LANGUAGE)
    if code == "fr" and length == "long" and value.day == 1:  # "1er mars 2027"
        return format_date(value, "d'er' MMMM y", locale="fr")
    return format_date(value, length, locale=babel_locale(code))


# -- numbers -------------------------------------------------------------------------------


def _places(amount: Decimal) -> int:
    if amount == amount.to_integral_value():
        return 0
    return max(0, -int(amount.normalize().as_tuple().exponent))


def number_text(
    value: Decimal | int | float | str,
    language: str | None,
    places: int | None = None,
    *,
    max_places: int | None = None,
    pattern: str | None = None,
) -> str:
    """A number with the language's separators: 5000 -> '5,000' (en), '5.000' (de), '5 000'
    (fr). Without ``places`` the decimals the value needs (at most ``max_places``, rounded);
    with it exactly that many (a price '12.50' keeps its cents). ``pattern``: a CLDR number
    pattern instead ('0.0#')."""
    amount = Decimal(str(value))
    locale = babel_locale(language)
    if pattern is not None:
        return format_decimal(amount, pattern, locale=locale)
    if places is None and max_places is not None:  # CLDR's "#,##0.###" for 3
        return format_decimal(amount, "#,##0." + "#" * max_places, locale=locale)
    digits = _places(amount) if places is None else places
    decimals = "." + "0" * digits if digits else ""
    return format_decimal(amount, format="#,##0" + decimals, locale=locale)


def money_amount_text(amount: str | Decimal, language: str | None) -> str:
    """A price as the buyer gave it ('12.50' keeps two decimals), written the language's way."""
    value = Decimal(str(amount))
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_text(value, language, places)


def money_text(amount: Decimal, currency: str, language: str | None, *, code: bool = True) -> str:
    """'USD 62,500.00' (en), 'USD 62.500,00' (de), 'USD 62 500,00' (fr): the ISO code first, as
    B2B buyers read it, with the currency's minor unit; ``code=False``: the amount alone."""
    if _english(language):
        number = f"{amount:,.{int(get_currency_precision(currency))}f}"
        return f"{currency} {number}" if code else number
    return format_currency(
        amount,
        currency,
        format="¤¤ #,##0.00" if code else "#,##0.00",
        locale=babel_locale(language),
        currency_digits=True,
    )


# -- lists ---------------------------------------------------------------------------------


def list_text(
    items: Sequence[str], language: str | None, style: Literal["or", "standard"] = "or"
) -> str:
    """'A or B or C' in English (as the bot always wrote it; 'A, B, C' for ``standard``);
    CLDR's list pattern elsewhere ('A, B o C', 'A、B或C')."""
    if _english(language):
        return (" or " if style == "or" else ", ").join(items)
    return format_list(list(items), style=style, locale=babel_locale(language))


def listed(parts: Sequence[str], language: str | None, conjunction: str = "and") -> str:
    """'a, b and c' (or 'a, b or c') with the catalog's separator and conjunction
    (``rfq.list_separator``, ``rfq.list_and``, ``rfq.list_or``)."""
    if len(parts) < 2:
        return "".join(parts)
    separator = t("rfq.list_separator", language)
    return t(f"rfq.list_{conjunction}", language, items=separator.join(parts[:-1]), last=parts[-1])
