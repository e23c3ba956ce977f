"""Quantities: "5k", "5.000", "five thousand", "3 x 40HQ", "500 Stück", "cinco mil piezas",
"fünftausend Stück", "五千个", "1.2万套" -> (Decimal, unit).

Units are the contract's: pcs, sets, pairs, m, kg, t, cartons, pallets, containers; their names
in the six languages are in ``data/units.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from i18n import Msg
from i18n.lexicon import alternation, patterns
from sales.normalizers._data import load_table
from sales.normalizers._text import clean, clip, fold, too_long
from sales.normalizers.local_text import number_text
from sales.normalizers.numbers import (
    CHINESE_NUMERALS,
    chinese_number,
    parse_digits,
    words_to_number,
)
from sales.normalizers.result import Parsed

UNITS = ("pcs", "sets", "pairs", "m", "kg", "t", "cartons", "pallets", "containers")
MAX_QUANTITY = Decimal(10_000_000)
COUNTED_UNITS = frozenset({"pcs", "sets", "pairs", "cartons", "pallets", "containers"})


def _load_units() -> dict[str, str]:
    table: dict[str, list[str]] = load_table("units.yaml")
    return {fold(word): unit for unit, words in table.items() for word in words}


# Keys are folded (lower case, no accents): "Stück" -> "stuck", "palés" -> "pales".
UNIT_SYNONYMS: dict[str, str] = _load_units()


def _words(code: str, *, han: bool | None = None) -> str:
    """The lexicon's words of ``code`` (``i18n/lexicon/<lang>.yaml``: quantity_words)."""
    return alternation("quantity_words", code, han=han)


_FILLER = re.compile(
    rf"^(?:{_words('filler')})(?=[\s\d{CHINESE_NUMERALS}]|$)\s*",
    re.I,
)
# Scale words after digits: "5k", "5 mil", "2,5 Tausend", "1,5 millones", "5 Tsd.", "3 dozen".
_SCALE_OF = {"thousand": 1000, "million": 1_000_000, "hundred": 100, "dozen": 12}
_SCALES: dict[str, int] = {
    word: scale for code, scale in _SCALE_OF.items() for word in patterns("quantity_words")[code]
}
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_SCALED = re.compile(rf"^(?P<num>\d+(?:[.,]\d+)?)\s*(?P<scale>{_SCALE_WORDS})\.?$", re.I)
_SCALE_PREFIX = re.compile(rf"^({_SCALE_WORDS})\.?(?![^\W\d_])\s*(.*)$", re.I)
_NUMBER_UNIT = re.compile(r"^(?P<num>[\d.,' ’]*\d)\s*(?P<rest>.*)$")
_CHINESE_NUMBER = re.compile(
    rf"^(?P<num>[\d.]*[{CHINESE_NUMERALS}][{CHINESE_NUMERALS}\d.]*)(?P<rest>.*)$"
)
_RANGE = re.compile(rf"^\d[\d.,]*\s*(?:-|–|~|{_words('range')})\s*\d")
# "2 x 40HQ", "2 x 40ft containers", "两个40尺高柜" (two 40-foot high cubes: 个 is the measure
# word, 高柜/高箱 a high cube, 平柜/普柜 a standard one).
_FOOT = _words("foot")
_CONTAINER = _words("container")
_CONTAINER_EXPR = re.compile(
    r"^(?P<num>.*?)\s*(?:\s[x×*]|(?<=\d)[x×*]|个)?\s*"
    rf"(?:(?P<ctype>(?:20|40|45)[\s-]*(?:(?:'|’|{_FOOT})[\s-]*"
    r"(?:gp|dc|hq|hc|std|高(?=柜|箱)|[平普](?=柜|箱))?|gp|dc|hq|hc|std|高(?=柜|箱)|[平普](?=柜|箱)))"
    rf"[\s-]*(?:{_CONTAINER}|{_words('container_typed')})?"
    rf"|(?P<bare>(?:20|40|45))\s*(?:{_CONTAINER}))$",
    re.I,
)
_EXPONENT = re.compile(r"\d\s*e\s*[+-]?\d", re.I)


@dataclass(frozen=True, slots=True)
class Quantity:
    amount: Decimal
    unit: str | None
    container_type: str | None = None


def parse_quantity(text: str) -> Parsed[Quantity]:
    """Buyer's quantity -> ``Quantity(amount, unit or None)`` or a readable error."""
    raw = clean(text)
    if not raw:
        return Parsed.failure(Msg("validation.quantity.empty"))
    if too_long(raw):
        return Parsed.failure(Msg("validation.quantity.too_long"))
    body = _FILLER.sub("", raw).strip().rstrip(".!。")
    if body.startswith(("-", "−")):
        return Parsed.failure(Msg("validation.quantity.not_positive", text=clip(raw)))
    if _EXPONENT.search(body):
        return Parsed.failure(Msg("validation.quantity.write_out", text=clip(raw)))
    if _RANGE.match(body):
        return Parsed.failure(Msg("validation.quantity.range", text=clip(raw)))
    body = _arabic(body)
    parsed = _container_quantity(body) or _number_and_unit(body)
    if parsed is None:
        return Parsed.failure(Msg("validation.quantity.unreadable", text=clip(raw)))
    if isinstance(parsed, Msg):
        return Parsed.failure(parsed)
    return _checked(parsed, raw)


def _checked(qty: Quantity, raw: str) -> Parsed[Quantity]:
    if qty.amount <= 0:
        return Parsed.failure(Msg("validation.quantity.not_positive", text=clip(raw)))
    if qty.amount > MAX_QUANTITY:
        return Parsed.failure(
            Msg("validation.quantity.too_many", text=clip(raw), maximum=number_text(MAX_QUANTITY))
        )
    if qty.unit in COUNTED_UNITS and qty.amount != qty.amount.to_integral_value():
        return Parsed.failure(Msg("validation.quantity.whole_units", text=clip(raw), unit=qty.unit))
    return Parsed.success(qty)


def _tidy(amount: Decimal) -> Decimal:
    if amount == amount.to_integral_value():
        return Decimal(int(amount))
    return amount.normalize()


def _arabic(body: str) -> str:
    """Chinese numerals in front become digits: "五千个" -> "5000 个", "1.2万套" -> "12000 套".

    "5千克" stays: it is 5 kg (千克), not 5,000 of something.
    """
    match = _CHINESE_NUMBER.match(body)
    if match is None:
        return body
    digits = re.match(r"[\d.]+", match["num"])
    if digits and _unit(body[digits.end() :]):
        return body
    value = chinese_number(match["num"])
    return body if value is None else f"{value} {match['rest'].strip()}".strip()


def _number(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    match = _SCALED.match(text)
    if match:
        base = parse_digits(match["num"])
        return None if base is None else base * _SCALES[fold(match["scale"])]
    digits = parse_digits(text)
    if digits is not None:
        return digits
    return words_to_number(text)


def _container_quantity(body: str) -> Quantity | None:
    match = _CONTAINER_EXPR.match(body)
    if not match:
        return None
    amount = _number(match["num"]) if match["num"].strip() else Decimal(1)
    if amount is None:
        return None
    ctype_text = match["ctype"] or match["bare"]
    ctype = re.sub(rf"[\s'’-]|{_FOOT}", "", ctype_text, flags=re.I)
    ctype = ctype.upper().replace("高", "HQ").replace("平", "GP").replace("普", "GP")
    if ctype in ("20", "40", "45"):
        ctype += "GP" if ctype != "45" else "HQ"
    ctype = ctype.replace("HC", "HQ").replace("DC", "GP").replace("STD", "GP")
    return Quantity(_tidy(amount), "containers", ctype)


def _unit(word: str) -> str | None:
    return UNIT_SYNONYMS.get(fold(word.strip().rstrip(".")).strip())


def _number_and_unit(body: str) -> Quantity | Msg | None:
    # "5000 pcs", "5k pcs", "5000pcs", "5000个", "five thousand pieces", "pcs 5000"
    candidates: list[tuple[str, str]] = []
    match = _NUMBER_UNIT.match(body)
    if match:
        num, rest = match["num"], match["rest"].strip()
        if suffix := _SCALE_PREFIX.match(rest):
            candidates.append((f"{num} {suffix[1]}", suffix[2]))
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
        return Msg(
            "validation.quantity.unknown_unit",
            number=number_text(_tidy(amount)),
            unit=clip(unit_text),
        )
    return None
