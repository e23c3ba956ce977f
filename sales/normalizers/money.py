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

from babel.numbers import get_currency_name, get_territory_currencies, list_currencies
from price_parser import Price

from sales.normalizers._data import load_table
from sales.normalizers._text import clean, fold, quote, too_long
from sales.normalizers.quantity import UNIT_SYNONYMS
from sales.normalizers.result import Parsed

MAX_PRICE = Decimal(10_000_000)
_NEGATIVE = re.compile(r"(?:^|[\s$€£¥:(])[-−]\s*\d|^\(\s*\d")
_RANGE = re.compile(r"\d\s*(?:-|–|to|~|bis|a)\s*[$€£¥]?\s*\d", re.I)
_PER_UNIT = re.compile(
    r"\s*(?:/|\bper\b|\bpor\b|\bpro\b|\bje\b|\bthe\b|\ba\b|每)\s*(?P<unit>[^\W\d][\w.]*)\s*$|"
    r"\s+(?P<each>each|ea|apiece|a piece|c/u|cada uno|pro stück|每个)\s*$",
    re.I,
)
_EXPONENT = re.compile(r"\d[eE][+-]?\d")


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
def _token_pattern() -> re.Pattern[str]:
    tokens, ambiguous = _tokens()
    words = sorted([*tokens, *ambiguous, "$", "¥"], key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(
        rf"(?<![a-z])(?:{alternatives})(?![a-z])|(?<![A-Za-z])[A-Za-z]{{3}}(?![A-Za-z])"
    )


def _currency_name(code: str) -> str:
    return str(get_currency_name(code, locale="en"))


def _home_currency(country: str | None) -> str | None:
    if not country:
        return None
    try:
        currencies = get_territory_currencies(country.upper())
    except Exception:  # babel raises plain errors for unknown territories
        return None
    return currencies[0] if currencies else None


def _find_currencies(text: str, buyer_country: str | None) -> tuple[list[str], list[str]]:
    """ISO codes found in ``text`` (in order, unique) and notes about how they were read."""
    tokens, ambiguous = _tokens()
    iso = set(list_currencies())
    home = _home_currency(buyer_country)
    found: list[str] = []
    notes: list[str] = []
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
                f"I've read ¥ as {_currency_name(code)} ({code}); if you meant "
                f"{_currency_name(other)}, please write {other}."
            )
            found.append(code)
        elif token in ("$", "dollar", "dollars", "bucks", "dolares"):
            if home and home != "USD" and "dollar" in _currency_name(home).casefold():
                notes.append(
                    f"I've read $ as US dollars (USD); if you meant {_currency_name(home)}, "
                    f"please write {home}."
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
        return Parsed.failure("What target price do you have in mind? For example: 12.50 USD.")
    if too_long(raw):
        return Parsed.failure("Please give just the price, for example: 12.50 USD per piece.")
    if _NEGATIVE.search(raw):
        return Parsed.failure(f"{quote(raw)} is not a price we can work with: it must be above 0.")
    if _EXPONENT.search(raw):
        return Parsed.failure(f"I couldn't read {quote(raw)} as a price, e.g. 12.50 USD.")
    body, per_unit = _strip_per_unit(raw)
    if _RANGE.search(body):
        return Parsed.failure(
            f"Please give one target price rather than a range ({quote(raw)}), e.g. 12.50 USD."
        )
    currencies, notes = _find_currencies(body, buyer_country)
    if len(currencies) > 1:
        return Parsed.failure("Please give one price in one currency, for example: 12.50 USD.")
    if currencies and currencies[0].startswith("?"):
        options = currencies[0][1:].replace("/", ", ")
        return Parsed.failure(f"Which currency do you mean: {options}? Please write the code.")
    currency = currencies[0] if currencies else (default_currency or "").upper() or None
    amount = Price.fromstring(body).amount
    if amount is None:
        return Parsed.failure(f"I couldn't find a price in {quote(raw)}. For example: 12.50 USD.")
    if currency is None:
        return Parsed.failure(f"Which currency is {amount} in? For example: {amount} USD.")
    if amount <= 0:
        return Parsed.failure(f"{quote(raw)} is not a price we can work with: it must be above 0.")
    if amount > MAX_PRICE:
        return Parsed.failure(
            f"{quote(raw)} looks too high for a target price. Could you check it?"
        )
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
