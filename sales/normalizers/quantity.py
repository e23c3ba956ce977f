"""Quantities: "5k", "5.000", "five thousand", "3 x 40HQ", "500 Stück" -> (Decimal, unit).

Units are the contract's: pcs, sets, pairs, m, kg, t, cartons, pallets, containers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sales.normalizers._data import load_table
from sales.normalizers._text import clean, fold, quote, too_long
from sales.normalizers.numbers import parse_digits, parse_number_words
from sales.normalizers.result import Parsed

UNITS = ("pcs", "sets", "pairs", "m", "kg", "t", "cartons", "pallets", "containers")
MAX_QUANTITY = Decimal(10_000_000)
COUNTED_UNITS = frozenset({"pcs", "sets", "pairs", "cartons", "pallets", "containers"})


def _load_units() -> dict[str, str]:
    table: dict[str, list[str]] = load_table("units.yaml")
    return {fold(word): unit for unit, words in table.items() for word in words}


# Keys are folded (lower case, no accents): "Stück" -> "stuck", "palés" -> "pales".
UNIT_SYNONYMS: dict[str, str] = _load_units()

_FILLER = re.compile(
    r"^(?:about|around|approx\.?|approximately|roughly|circa|ca\.?|~|qty:?|quantity:?"
    r"|we need|i need|we want|we'd like|need|need about|total|total of|aprox\.?"
    r"|unos|unas|etwa|ungefähr|ca|约|大约)(?=[\s\d]|$)\s*",
    re.I,
)
_SUFFIX_K = re.compile(r"^(?P<num>\d+(?:[.,]\d+)?)\s*(?P<mult>k|mil|m(?:io|ln|n)|million)\b", re.I)
_NUMBER_UNIT = re.compile(r"^(?P<num>[\d.,' ’]*\d)\s*(?P<rest>.*)$")
_RANGE = re.compile(r"^\d[\d.,]*\s*(?:-|–|to|~)\s*\d")
_CONTAINER_EXPR = re.compile(
    r"^(?P<num>.*?)\s*(?:\s[x×*]|(?<=\d)[x×*])?\s*"
    r"(?:(?P<ctype>(?:20|40|45)\s*(?:(?:'|’|ft|feet|foot)\s*(?:gp|dc|hq|hc|std)?|gp|dc|hq|hc|std))"
    r"\s*(?:containers?|cntrs?|fcl|柜)?"
    r"|(?P<bare>(?:20|40|45))\s*(?:containers?|cntrs?|fcl|柜))$",
    re.I,
)
_EXPONENT = re.compile(r"\d\s*e\s*[+-]?\d", re.I)
_MULTIPLIERS = {"k": 1000, "mil": 1000, "mio": 1_000_000, "mln": 1_000_000, "mn": 1_000_000}


@dataclass(frozen=True, slots=True)
class Quantity:
    amount: Decimal
    unit: str | None
    container_type: str | None = None


def parse_quantity(text: str) -> Parsed[Quantity]:
    """Buyer's quantity -> ``Quantity(amount, unit or None)`` or a readable error."""
    raw = clean(text)
    if not raw:
        return Parsed.failure("How many do you need? For example: 5,000 pcs.")
    if too_long(raw):
        return Parsed.failure("Please give just the quantity, for example: 5,000 pcs.")
    body = _FILLER.sub("", raw).strip().rstrip(".!")
    if body.startswith(("-", "−")):
        return Parsed.failure(f"{quote(raw)} is not a quantity we can quote: it must be above 0.")
    if _EXPONENT.search(body):
        return Parsed.failure(
            f"I couldn't read {quote(raw)} as a quantity. Please write it out, e.g. 5,000 pcs."
        )
    if _RANGE.match(body):
        return Parsed.failure(
            f"Please give one quantity rather than a range ({quote(raw)}), e.g. 5,000 pcs."
        )
    parsed = _container_quantity(body) or _number_and_unit(body)
    if parsed is None:
        return Parsed.failure(
            f"I couldn't read {quote(raw)} as a quantity. Please write a number and a unit, "
            "for example 5,000 pcs, 200 sets or 2 x 40HQ containers."
        )
    if isinstance(parsed, str):
        return Parsed.failure(parsed)
    return _checked(parsed, raw)


def _checked(qty: Quantity, raw: str) -> Parsed[Quantity]:
    if qty.amount <= 0:
        return Parsed.failure(f"{quote(raw)} is not a quantity we can quote: it must be above 0.")
    if qty.amount > MAX_QUANTITY:
        return Parsed.failure(
            f"{quote(raw)} is more than we can quote in one inquiry (at most 10,000,000). "
            "Could you check the number?"
        )
    if qty.unit in COUNTED_UNITS and qty.amount != qty.amount.to_integral_value():
        return Parsed.failure(
            f"{quote(raw)}: {qty.unit} are counted in whole numbers. How many exactly?"
        )
    return Parsed.success(qty)


def _tidy(amount: Decimal) -> Decimal:
    if amount == amount.to_integral_value():
        return Decimal(int(amount))
    return amount.normalize()


def _number(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    match = _SUFFIX_K.match(text)
    if match and match.end() == len(text):
        base = parse_digits(match["num"])
        mult = match["mult"].casefold()
        factor = 1_000_000 if mult == "million" else _MULTIPLIERS[mult]
        return None if base is None else base * factor
    digits = parse_digits(text)
    if digits is not None:
        return digits
    words = re.match(r"^(?P<num>[\d.,]+)\s+(?P<scale>thousand|million|hundred|dozen)$", text, re.I)
    if words:
        base = parse_digits(words["num"])
        scale = parse_number_words(words["scale"])
        return None if base is None or scale is None else base * scale
    return parse_number_words(text)


def _container_quantity(body: str) -> Quantity | None:
    match = _CONTAINER_EXPR.match(body)
    if not match:
        return None
    amount = _number(match["num"]) if match["num"].strip() else Decimal(1)
    if amount is None:
        return None
    ctype_text = match["ctype"] or match["bare"]
    ctype = re.sub(r"[\s'’]|ft|feet|foot", "", ctype_text, flags=re.I).upper()
    if ctype in ("20", "40", "45"):
        ctype += "GP" if ctype != "45" else "HQ"
    ctype = ctype.replace("HC", "HQ").replace("DC", "GP").replace("STD", "GP")
    return Quantity(_tidy(amount), "containers", ctype)


def _unit(word: str) -> str | None:
    return UNIT_SYNONYMS.get(fold(word.strip().rstrip(".")).strip())


def _number_and_unit(body: str) -> Quantity | str | None:
    # "5000 pcs", "5k pcs", "5000pcs", "5000个", "five thousand pieces", "pcs 5000"
    candidates: list[tuple[str, str]] = []
    match = _NUMBER_UNIT.match(body)
    if match:
        num, rest = match["num"], match["rest"].strip()
        suffix = re.match(
            r"^(k|mil|mio|mln|mn|million|thousand|hundred|dozen)\b\s*(.*)$", rest, re.I
        )
        if suffix:
            candidates.append(
                (f"{num}{suffix[1]}" if len(suffix[1]) <= 3 else f"{num} {suffix[1]}", suffix[2])
            )
        candidates.append((num, rest))
    words = body.split()
    for cut in range(len(words), 0, -1):
        candidates.append((" ".join(words[:cut]), " ".join(words[cut:])))
    if len(words) >= 2:
        candidates.append((" ".join(words[1:]), words[0]))
    for num_text, unit_text in candidates:
        amount = _number(num_text)
        if amount is None:
            continue
        if not unit_text:
            return Quantity(_tidy(amount), None)
        # "5000 pcs", and "5000 pcs of 40W panels" by its first word
        unit = _unit(unit_text) or _unit(unit_text.split()[0])
        if unit is not None:
            return Quantity(_tidy(amount), unit)
        return (
            f"I got the number {_tidy(amount):,} but not the unit {quote(unit_text)}. "
            "We quote in pcs, sets, pairs, m, kg, t, cartons, pallets or containers — "
            "which one is it?"
        )
    return None
