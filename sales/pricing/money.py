"""Money arithmetic for quotes: Decimal only, rounded to each currency's minor unit.

Rule: every amount shown to a buyer (unit price, line amount, charge, total) is a
``Decimal`` rounded ROUND_HALF_UP to the currency's minor unit as CLDR (via babel) knows
it: 2 decimals for USD/EUR/CNY, 0 for JPY, 3 for BHD/KWD. Intermediate values (costs,
converted amounts, percentages) stay unrounded until the final step. Floor prices are
rounded UP (ROUND_CEILING) so that rounding can never push a price below its floor.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, is_currency

HUNDRED = Decimal(100)
ZERO = Decimal(0)
PERCENT_QUANTUM = Decimal("0.01")


@lru_cache(maxsize=256)
def minor_units(currency: str) -> int:
    """Number of decimals of ``currency`` (ISO 4217 code); ValueError if babel doesn't know it."""
    if not is_currency(currency):
        raise ValueError(f"unknown currency code {currency!r}")
    return int(get_currency_precision(currency))


@lru_cache(maxsize=256)
def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: Decimal('0.01') for USD, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded ROUND_HALF_UP to the minor unit of ``currency``."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def round_money_up(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded towards +infinity to the minor unit (used for floor prices)."""
    return amount.quantize(quantum(currency), rounding=ROUND_CEILING)


def pct(value: Decimal) -> Decimal:
    """A percentage (e.g. Decimal('3')) as a factor (Decimal('0.03'))."""
    return value / HUNDRED


def margin_pct(price: Decimal, cost: Decimal) -> Decimal:
    """Gross margin on the selling price in percent, rounded DOWN (floor) to 0.01.

    Rounding down means a reported margin is never above the true one, so comparing the
    reported figure with a floor given to 2 decimals gives the same answer as the exact one.
    """
    if price <= ZERO:
        return Decimal("-100.00") if cost > ZERO else Decimal("0.00")
    return ((price - cost) / price * HUNDRED).quantize(PERCENT_QUANTUM, rounding=ROUND_FLOOR)


def exact_margin_pct(price: Decimal, cost: Decimal) -> Decimal:
    """Unrounded gross margin on the selling price in percent (for policy comparisons)."""
    if price <= ZERO:
        return Decimal(-100) if cost > ZERO else ZERO
    return (price - cost) / price * HUNDRED


def format_money(amount: Decimal, currency: str) -> str:
    """'USD 12,345.60' / 'JPY 1,234' — plain, locale-neutral, for breakdowns and PDFs."""
    places = minor_units(currency)
    return f"{currency} {amount:,.{places}f}"
