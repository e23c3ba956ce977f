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

_FILLER = re.compile(
    r"^(?:about|around|approx\.?|approximately|roughly|circa|ca\.?|~|qty:?|quantity:?"
    r"|we need|i need|we want|we'd like|need|need about|total|total of|aprox\.?"
    r"|unos|unas|alrededor de|cantidad:?|necesitamos|etwa|ungefähr|rund|menge:?|wir brauchen"
    r"|environ|quantité:?|il nous faut|cerca de|aproximadamente|quantidade:?|precisamos de"
    rf"|ca|约|大约|数量[:：]?|需要)(?=[\s\d{CHINESE_NUMERALS}]|$)\s*",
    re.I,
)
# Scale words after digits: "5k", "5 mil", "2,5 Tausend", "1,5 millones", "5 Tsd.", "3 dozen".
_SCALES: dict[str, int] = {
    "k": 1000, "thousand": 1000, "mil": 1000, "mille": 1000, "tausend": 1000, "tsd": 1000,
    "mio": 1_000_000, "mln": 1_000_000, "mn": 1_000_000, "million": 1_000_000,
    "millions": 1_000_000, "millon": 1_000_000, "millones": 1_000_000, "millionen": 1_000_000,
    "milhao": 1_000_000, "milhoes": 1_000_000,
    "hundred": 100, "hundert": 100, "cien": 100, "cent": 100, "cem": 100,
    "dozen": 12, "docena": 12, "docenas": 12, "dutzend": 12, "douzaine": 12, "douzaines": 12,
    "duzia": 12, "duzias": 12,
}  # fmt: skip
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_SCALED = re.compile(rf"^(?P<num>\d+(?:[.,]\d+)?)\s*(?P<scale>{_SCALE_WORDS})\.?$", re.I)
_SCALE_PREFIX = re.compile(rf"^({_SCALE_WORDS})\.?(?![^\W\d_])\s*(.*)$", re.I)
_NUMBER_UNIT = re.compile(r"^(?P<num>[\d.,' ’]*\d)\s*(?P<rest>.*)$")
_CHINESE_NUMBER = re.compile(
    rf"^(?P<num>[\d.]*[{CHINESE_NUMERALS}][{CHINESE_NUMERALS}\d.]*)(?P<rest>.*)$"
)
_RANGE = re.compile(r"^\d[\d.,]*\s*(?:-|–|to|~|a|bis|à|até|到|至)\s*\d")
# "2 x 40HQ", "2 x 40ft containers", "两个40尺高柜" (two 40-foot high cubes: 个 is the measure
# word, 高柜/高箱 a high cube, 平柜/普柜 a standard one).
_CONTAINER_EXPR = re.compile(
    r"^(?P<num>.*?)\s*(?:\s[x×*]|(?<=\d)[x×*]|个)?\s*"
    r"(?:(?P<ctype>(?:20|40|45)[\s-]*(?:(?:'|’|ft|feet|foot|pies|fuß|fuss|pieds|pés|尺|英尺)[\s-]*"
    r"(?:gp|dc|hq|hc|std|高(?=柜|箱)|[平普](?=柜|箱))?|gp|dc|hq|hc|std|高(?=柜|箱)|[平普](?=柜|箱)))"
    r"[\s-]*(?:containers?|cntrs?|fcl|contenedor(?:es)?|container|conteneurs?|contêiner(?:es)?|柜|箱"
    r"|货柜|集装箱)?"
    r"|(?P<bare>(?:20|40|45))\s*(?:containers?|cntrs?|fcl|contenedor(?:es)?|conteneurs?"
    r"|contêiner(?:es)?|柜|货柜))$",
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
    ctype = re.sub(r"[\s'’尺英-]|ft|feet|foot|pies|fuß|fuss|pieds|pés", "", ctype_text, flags=re.I)
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
