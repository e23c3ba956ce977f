"""Target prices: "12.50 USD", "$12.5", "€11,80", "USD 12.50/pc", "RMB 80", "11,80 EUR".

The amount is read by price-parser (any thousands/decimal style), the currency from ISO
codes (babel's list), symbols and words (``data/currency_words.yaml``). Decisions:

* ``¥`` (and ``￥``) is CNY — we are a Chinese exporter and most buyers quoting ¥ mean
  renminbi — except for buyers in Japan, where it is JPY. Either way a note says how it
  was read, so the buyer can correct it.
* ``$`` and "dollars" are USD; buyers in other dollar countries (AU, CA, NZ, SG, HK…) get
  a note saying so.
* Ambiguous words (pesos, kr) take the buyer's own currency when it is one of the
  candidates, otherwise the bot asks.
* Per-unit hints ("/pc", "per set", "each") are stripped and reported as ``per_unit``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel.numbers import (
    get_currency_name,
    get_decimal_symbol,
    get_territory_currencies,
    list_currencies,
)
from price_parser import Price

from i18n import Msg
from i18n.formatting import babel_locale
from i18n.lexicon import alternation
from sales.normalizers._data import load_table
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.local_text import Localized
from sales.normalizers.quantity import UNIT_SYNONYMS
from sales.normalizers.result import Parsed

MAX_PRICE = Decimal(10_000_000)
_NEGATIVE = re.compile(r"(?:^|[\s$€£¥:(])[-−]\s*\d|^\(\s*\d")
_RANGE = re.compile(rf"\d\s*(?:-|–|~|{alternation('money_words', 'range')})\s*[$€£¥]?\s*\d", re.I)
_PER_UNIT = re.compile(
    rf"\s*(?:/|{alternation('money_words', 'per')})\s*(?P<unit>[^\W\d][\w.]*)\s*$|"
    rf"\s+(?P<each>{alternation('money_words', 'each')})\s*$",
    re.I,
)
_EXPONENT = re.compile(r"\d[eE][+-]?\d")
# "8,50 $ CA", "12 $ US", "$AU 9": the dollar sign with its country after it, as written in
# French-speaking Canada and elsewhere; rewritten "CA$" for the token table.
_DOLLAR_COUNTRY = re.compile(r"\$\s?(CAN|CA|US|AUS|AU|NZ|HK|SG|MX|NT)(?![A-Za-z])")
_DOLLAR_PREFIX = {"CAN": "CA", "AUS": "AU"}


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217
    per_unit: str | None = None  # a contract unit ("pcs", "sets", "m"…) if the buyer said so


@cache
def _tokens() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    table = load_table("currency_words.yaml")
    tokens = {fold(k): v for k, v in table["tokens"].items()}
    ambiguous = {fold(k): tuple(v) for k, v in table["ambiguous"].items()}
    return tokens, ambiguous


@cache
def _dollar_words() -> frozenset[str]:
    return frozenset(load_table("currency_words.yaml")["dollar_words"])


@cache
def _token_pattern() -> re.Pattern[str]:
    tokens, ambiguous = _tokens()
    words = sorted([*tokens, *ambiguous, "$", "¥"], key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(
        rf"(?<![a-z])(?:{alternatives})(?![a-z])|(?<![A-Za-z])[A-Za-z]{{3}}(?![A-Za-z])"
    )


def _currency_name(code: str) -> str:
    return str(get_currency_name(code, locale="en"))


def currency_text(code: str) -> Localized:
    """A currency's name in the buyer's language ("US dollars" is "dólares estadounidenses")."""

    def render(lang: str) -> str:
        if lang == "en":
            return _currency_name(code)
        count = 1 if lang == "fr" else 2  # "le yuan renminbi chinois"; "dólares australianos"
        return str(get_currency_name(code, count=count, locale=babel_locale(lang)))

    return Localized(_currency_name(code), render)


def amount_text(amount: Decimal) -> Localized:
    """The amount as the buyer wrote it, with the language's decimal mark ("12,50")."""
    english = f"{amount}"

    def render(lang: str) -> str:
        return english.replace(".", get_decimal_symbol(babel_locale(lang)))

    return Localized(english, render)


def _home_currency(country: str | None) -> str | None:
    if not country:
        return None
    try:
        currencies = get_territory_currencies(country.upper())
    except Exception:  # babel raises plain errors for unknown territories
        return None
    return currencies[0] if currencies else None


def _find_currencies(text: str, buyer_country: str | None) -> tuple[list[str], list[Msg]]:
    """ISO codes found in ``text`` (in order, unique) and notes about how they were read."""
    tokens, ambiguous = _tokens()
    iso = set(list_currencies())
    home = _home_currency(buyer_country)
    found: list[str] = []
    notes: list[Msg] = []
    for match in _token_pattern().finditer(fold(text)):
        token = match.group(0)
        raw_token = token.upper()
        if len(token) == 3 and token.isalpha() and token not in tokens and token not in ambiguous:
            if raw_token in iso and (raw_token in _COMMON or text.find(raw_token) >= 0):
                found.append(raw_token)
            continue
        if token == "¥":
            code = "JPY" if home == "JPY" else "CNY"
            other = "CNY" if code == "JPY" else "JPY"
            notes.append(
                Msg(
                    "validation.money.yen",
                    name=currency_text(code),
                    code=code,
                    other_name=currency_text(other),
                    other=other,
                )
            )
            found.append(code)
        elif token in _dollar_words():
            if home and home != "USD" and "dollar" in _currency_name(home).casefold():
                notes.append(
                    Msg("validation.money.dollar", home_name=currency_text(home), home=home)
                )
            found.append("USD")
        elif token in tokens:
            found.append(tokens[token])
        elif token in ambiguous:
            candidates = ambiguous[token]
            if home in candidates or len(candidates) == 1:
                found.append(home if home in candidates else candidates[0])
            else:
                found.append("?" + "/".join(candidates))
    return list(dict.fromkeys(found)), notes


_COMMON = frozenset(
    {"USD", "EUR", "GBP", "CNY", "JPY", "AUD", "CAD", "NZD", "HKD", "SGD", "CHF", "INR", "AED"}
    | {"SAR", "BRL", "MXN", "ZAR", "NGN", "KES", "TRY", "PLN", "SEK", "NOK", "DKK", "KRW", "PHP"}
    | {"VND", "THB", "MYR", "IDR", "RUB", "CLP", "COP", "PEN", "ARS", "EGP", "MAD", "PKR", "BDT"}
)


def parse_money(
    text: str, *, buyer_country: str | None = None, default_currency: str | None = None
) -> Parsed[Money]:
    """Buyer's target price -> Money(amount, ISO currency, per_unit) or a readable error.

    ``buyer_country`` (ISO alpha-2) settles ¥ and ambiguous words; ``default_currency``
    is used when the buyer gives a bare number (else the bot asks for the currency).
    """
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.money.empty"))
    if too_long(raw):
        return Parsed.failure(Msg("validation.money.too_long"))
    if _NEGATIVE.search(raw):
        return Parsed.failure(Msg("validation.money.not_positive", text=clip(raw)))
    if _EXPONENT.search(raw):
        return Parsed.failure(Msg("validation.money.unreadable", text=clip(raw)))
    body, per_unit = _strip_per_unit(raw)
    body = _DOLLAR_COUNTRY.sub(lambda m: f" {_DOLLAR_PREFIX.get(m[1], m[1])}$", body).strip()
    if _RANGE.search(body):
        return Parsed.failure(Msg("validation.money.range", text=clip(raw)))
    currencies, notes = _find_currencies(body, buyer_country)
    if len(currencies) > 1:
        return Parsed.failure(Msg("validation.money.one_currency"))
    if currencies and currencies[0].startswith("?"):
        options = currencies[0][1:].replace("/", ", ")
        return Parsed.failure(Msg("validation.money.which_currency", options=options))
    currency = currencies[0] if currencies else (default_currency or "").upper() or None
    amount = Price.fromstring(body).amount
    if amount is None:
        return Parsed.failure(Msg("validation.money.no_price", text=clip(raw)))
    if currency is None:
        return Parsed.failure(Msg("validation.money.no_currency", amount=amount_text(amount)))
    if amount <= 0:
        return Parsed.failure(Msg("validation.money.not_positive", text=clip(raw)))
    if amount > MAX_PRICE:
        return Parsed.failure(Msg("validation.money.too_high", text=clip(raw)))
    return Parsed.success(Money(amount, currency, per_unit), notes)


def _strip_per_unit(raw: str) -> tuple[str, str | None]:
    match = _PER_UNIT.search(raw)
    if match is None:
        return raw, None
    if match["each"]:
        return raw[: match.start()].strip(), "pcs"
    unit = UNIT_SYNONYMS.get(fold(match["unit"].rstrip(".")))
    if unit is None:
        return raw, None
    return raw[: match.start()].strip(), unit
