"""A model described instead of numbered: "the 150W high bay", "Ihr 1000-Watt-Stadionstrahler",
"la farola económica de 60W", "das COB-Downlight", "le tube T8 de 600 mm", "La downlight de
135 mm de corte": the one record of the range named whose values the description gives.

A description is read as constraints, each kept by the records of the range that have it:

- a power ("150W", "400-W-", "200瓦"): the record's rated power;
- a size ("600x600", "600 mm", "4 ft", "150 cm"): a size in the record's name, its cut-out;
- a line word (economy, linear, sports, UGR, glass...; the variant words of the RFQ reader,
  ``sales/rfq/product_words/*.yaml``, in six languages): a variant the record's model number,
  name or summary names;
- a word of a model number ("UFO", "COB", "T8", "UGR19", "LIN"): the record's model number has it.

A power or a size no record of the range has describes none of them; a word none has says
nothing about the range (a need, a word of the sentence) and is passed over. When the
constraints leave one record, the description names it.

>>> power_named("Ihr 1000-Watt-Stadionstrahler"), power_named("the 150 W one"), power_named("")
(1000.0, 150.0, None)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from knowledge.catalog import Product
from knowledge.phrases import phrase_pattern
from knowledge.question_parts import asked_parts
from sales.normalizers._text import fold
from sales.rfq.products import size_tokens, variants_of

# A power as buyers write it: "150W", "150 W", "150-Watt", "150 watts", "150瓦"; not a part of
# a model number ("HB-UFO-150W": a letter and a dash before it).
_POWER = re.compile(r"(?<![\w.])(\d{1,4})\s?-?\s?(?:w|watts?|瓦)(?![a-z])", re.IGNORECASE)
# A word of a model number that can describe it: three characters or more, or letters with
# digits ("UFO", "COB", "T8", "UGR19"); two letters ("EC", "NA", "EM") are words of sentences too.
_MODEL_WORD = re.compile(r"[a-z]{3,}|(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]{2,}")
# words of a folded text, Latin letters and digits only: "UFO" of "UFO工矿灯" too
_WORD = re.compile(r"[a-z0-9]+")
_CUT_OUT = re.compile(r"\d+")
# a size in millimetres of two digits too ("cut-out 70 mm"), which an RFQ's sizes leave out
_MM = re.compile(r"(?<![\d.])(\d{2,4})\s*(?:mm|毫米)(?![a-z])", re.IGNORECASE)


def _powers(text: str) -> list[float]:
    return [
        float(match.group(1))
        for match in _POWER.finditer(text)
        if not re.search(r"[A-Za-z]-$", text[: match.start()])
    ]


def power_named(text: str) -> float | None:
    """The first power (watts) ``text`` names outside a model number, if any."""
    powers = _powers(text)
    return powers[0] if powers else None


def _model_words(product: Product) -> set[str]:
    return {
        part
        for part in str(product.get("sku") or "").lower().split("-")
        if _MODEL_WORD.fullmatch(part) and not re.fullmatch(r"\d+w", part)
    }


def _sizes(product: Product) -> set[str]:
    """The sizes a record is known by: those of its name (a panel's sides too), its cut-out."""
    name = str(product.get("name") or "").replace(" x ", "x").replace("×", "x")
    sizes = size_tokens(name)
    if "4 ft" in sizes:
        sizes.add("1200 mm")  # a 4 ft tube is the 1200 mm one
    for size in list(sizes):
        if match := re.fullmatch(r"(\d+)x(\d+)", size):
            sizes |= {f"{match.group(1)} mm", f"{match.group(2)} mm"}
    cut_out = product.get("cut_out_mm")
    if cut_out not in (None, ""):
        sizes |= {f"{number} mm" for number in _CUT_OUT.findall(str(cut_out))}
    return sizes


def _variants(product: Product) -> set[str]:
    text = " ".join(str(product.get(key) or "") for key in ("sku", "name"))
    return variants_of(text)


def _constraints(text: str, products: Sequence[Product]) -> list[tuple[bool, set[str]]]:
    """(strict, the SKUs of ``products`` that have it) for each constraint ``text`` states: a
    strict one (a power, a size) that none has leaves none."""
    found: list[tuple[bool, set[str]]] = []
    for power in dict.fromkeys(_powers(text)):
        found.append(
            (True, {str(p["sku"]) for p in products if _number(p.get("power_w")) == power})
        )
    for size in size_tokens(text) | {f"{n} mm" for n in _MM.findall(text)}:
        found.append((True, {str(p["sku"]) for p in products if size in _sizes(p)}))
    for variant in variants_of(text):
        found.append((False, {str(p["sku"]) for p in products if variant in _variants(p)}))
    words = set(_WORD.findall(fold(text)))
    for word in sorted(words & set().union(*(_model_words(p) for p in products))):
        found.append((False, {str(p["sku"]) for p in products if word in _model_words(p)}))
    return found


def states_a_value(text: str) -> bool:
    """``text`` gives a power or a size, a value that picks one record of a range ("the 100W
    one", "la de 175 mm"); a line word alone ("economy") may as well be a word of a sentence."""
    return bool(_powers(text) or size_tokens(text) or _MM.search(text))


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def described_model(products: Sequence[Product], text: str) -> str | None:
    """The SKU of the one record of ``products`` (a range) that ``text`` describes by its
    values; None when it states none of them, or when none or several records have them."""
    left = {str(p["sku"]) for p in products}
    narrowed = False
    for strict, having in _constraints(text, products):
        if not having and not strict:
            continue  # a word no record of the range has says nothing about which one
        narrowed = narrowed or bool(left - having)
        left &= having
    if narrowed and len(left) == 1:
        return left.pop()
    return None


VALUE_QUESTIONS_FILE = Path(__file__).resolve().parent / "lexicon" / "value_questions.yaml"


@cache
def _value_words() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(words that open a part asking for a value, Chinese ones anywhere, offer phrases)."""
    data = yaml.safe_load(VALUE_QUESTIONS_FILE.read_text(encoding="utf-8"))

    def words(key: str) -> list[str]:
        found = {fold(str(word)) for values in data[key].values() for word in values}
        return sorted(found, key=len, reverse=True)

    chinese = [w for w in words("value") if _CJK.search(w)]
    latin = [w for w in words("value") if not _CJK.search(w)]
    opens = re.compile(r"^\W*(?:" + "|".join(map(re.escape, latin)) + r")(?![\w'-])")
    anywhere = re.compile("|".join(map(re.escape, chinese)))
    offer = phrase_pattern(words("offer"))
    return opens, anywhere, offer


_CJK = re.compile(r"[\u3400-\u9fff]")


def asks_a_value(question: str) -> bool:
    """``question`` asks for a value of what it names ("quantos LEDs tem a UFO de 200W?",
    "Wie lang ist das Anschlusskabel am ...?", "...LED结温大概多少度？"), not whether we have
    one ("Do you have a 150W high bay?", "¿Qué farolas de 60W tienen?"): a part of it opens
    with a word of ``lexicon/value_questions.yaml`` that asks for a value, and no part asks
    with an offer phrase of it."""
    opens, anywhere, offer = _value_words()
    parts = [fold(question[a:b]) for a, b in asked_parts(question)]
    if any(offer.search(part) for part in parts):
        return False
    return any(opens.search(part) or anywhere.search(part) for part in parts)


# A description that fits more records than this names a part of a range, not a model.
MAX_DESCRIBED = 3


def described_models(
    products: Sequence[Product], text: str, certification_codes: Sequence[str] = ()
) -> list[str]:
    """The SKUs of the records of ``products`` (a range) that fit the description in ``text``
    best, in catalog order: those meeting the most of the constraints it states (the power,
    an ambient temperature, dimming, IP, certifications, features such as "economy", "aisle
    optics" or "shatter-resistant": ``knowledge.recommend.read_need``), at least one; empty
    when no record meets any, or when more than ``MAX_DESCRIBED`` meet as many.

    >>> range_ = [{"sku": "A", "power_w": 150, "dimming": ["0-10V"]},
    ...           {"sku": "B", "power_w": 150, "dimming": ["DALI"]}]
    >>> described_models(range_, "the 0-10V one of 150 W"), described_models(range_, "150 W")
    (['A'], ['A', 'B'])
    """
    from knowledge.recommend import constraints_met, read_need

    need = read_need(text, certification_codes)
    if need.watts is None and (power := power_named(text)) is not None:
        need = replace(need, watts=power)  # "Ihr 1000-Watt-Stadionstrahler"
    if not products or not need.stated():
        return []
    met = constraints_met(products, need)
    best = int(met.max())
    fitting = [str(products[int(i)]["sku"]) for i in np.flatnonzero(met == best)] if best else []
    return fitting if len(fitting) <= MAX_DESCRIBED else []
