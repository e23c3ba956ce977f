"""The request's items: counts, products, prices and certifications of each, added, changed
or removed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from i18n import Msg
from sales.normalizers import parse_certifications, parse_money, parse_quantity
from sales.normalizers._text import fold_chars
from sales.normalizers.word_edges import END, START
from sales.rfq.products import Catalog, category_of
from sales.rfq.reading.contact import _person_spans
from sales.rfq.reading.extraction import Extraction, _money_dict, _quantity_dict, new_item
from sales.rfq.reading.mentions import _Mention, _product_mentions
from sales.rfq.reading.patterns import (
    _ADD,
    _CERT,
    _CONTAINER,
    _CORRECTION,
    _COUNT_BEFORE_MODEL,
    _MONEY,
    _NAME_INTRO,
    _NUMBER,
    _ONE_CONTAINER,
    _QUANTITY,
    _REMOVE,
    _UNIT_WORDS,
)
from sales.rfq.state import PENDING_QUANTITY

# Before a count that is being replaced: "no 10 mil", "not 10,000", "statt 5.000", "不是".
_NOT_BEFORE = re.compile(
    rf"{START}(?:no|not|nicht|pas|nao|statt|anstatt|instead of|rather than|en vez de"
    rf"|en lugar de|au lieu de|em vez de)\s*$|不是\s*$",
    re.I,
)
# A count without a unit in a correction: "son 2,5k", "make it 10.000" (a multiplier or
# thousands, so that no date, size or price is taken for one).
_BARE_COUNT = re.compile(
    rf"{START}(?P<num>\d+(?:[.,]\d+)?\s*(?:k|mil|mille|tausend)(?![a-z])|\d{{1,3}}(?:[.,']\d{{3}})+"
    rf"(?!\d|[.,]\d))(?!\s*(?:[%°$€£¥]|usd|eur|mm|cm|w\b))",
    re.I,
)


def _bare_counts(text: str) -> list[dict[str, str | None]]:
    folded = fold_chars(text)
    prices = [m.span() for m in _MONEY.finditer(text)]
    found = []
    for match in _BARE_COUNT.finditer(folded):
        if any(s <= match.start() < e for s, e in prices):
            continue
        if _NOT_BEFORE.search(folded[: match.start()]):
            continue
        parsed = parse_quantity(text[match.start("num") : match.end("num")] + " pcs")
        if parsed.ok:
            found.append(_quantity_dict(parsed.value))
    return found


def _old_counts(text: str) -> list[Decimal]:
    """The counts a correction says are no longer wanted: "make that 2,500, not 5,000"."""
    folded = fold_chars(text)
    found = []
    for match in _BARE_COUNT.finditer(folded):
        if _NOT_BEFORE.search(folded[: match.start()]):
            parsed = parse_quantity(text[match.start("num") : match.end("num")] + " pcs")
            if parsed.ok:
                found.append(parsed.value.amount)
    return found


def _item_corrected(text: str, items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The item a count correction without a product is about: the only one, or the only one
    with the count it says is no longer wanted; None when that is not clear."""
    if len(items) == 1:
        return items[0]
    old = set(_old_counts(text))
    having = [i for i in items if i.get("quantity") and Decimal(str(i["quantity"])) in old]
    return having[0] if len(having) == 1 else None


def _quantities(text: str) -> list[tuple[int, int, dict[str, str | None]]]:
    found = []
    names = [m.span(1) for m in _NAME_INTRO.finditer(text) if m.group(1)]
    prices = [m.span() for m in _MONEY.finditer(text)]
    folded = fold_chars(text)
    at = 0
    while match := _QUANTITY.search(folded, at):
        at = match.end()
        num = text[match.start("num") : match.end("num")]
        if any(s <= match.start("num") < e for s, e in names):
            at = match.end("num")  # "sou o Edson dos Santos": "dos" is no number there
            continue
        if any(s <= match.start("num") < e for s, e in prices):
            at = match.end("num")  # "a 11 EUR y 400 campanas": 11 is a price, 400 the count
            continue
        if _NOT_BEFORE.search(folded[: match.start("num")]):
            continue  # "son 2,5k, no 10 mil unidades": 10 mil is the old count
        unit = match.group("unit")
        if (
            not num[:1].isdigit()
            and re.search(r"(?<![\w.,])\d+(?:[ .,']\d{3})*(?![\w×*.,'])", unit)
            and not re.fullmatch(rf"(?i)(?:{_UNIT_WORDS})", unit.strip())
        ):
            at = match.end("num")  # "un prix pour 5 000 encastrés": the count is 5 000
            continue
        if re.fullmatch(r"(?i)\d{4,5}\s*k", num.strip()):
            continue  # 4000K: a colour temperature
        words = (
            num + " " + (unit if re.fullmatch(rf"(?i)(?:{_UNIT_WORDS})", unit.strip()) else "pcs")
        )
        if container := _CONTAINER.search(unit):  # "1x40HQ of T8 tubes": one 40HQ container
            words = text[match.start("num") : match.start("unit") + container.end()]
            words = _ONE_CONTAINER.sub("1", words)  # "un conteneur de 20 pieds"
        parsed = parse_quantity(words)
        if parsed.ok:
            found.append((match.start(), match.end(), _quantity_dict(parsed.value)))
    return found


# A bare count after a product in a correction: "change the tubes to 10k", "die Panels auf
# 8.000", "os drivers para 300", "灯管改成1万".
_BARE_COUNT_AFTER = re.compile(
    rf"^\s*(?:(?:to|auf|a|à|para|en|at|on|=|->|→)\s+|改成|改为|换成|:)?\s*"
    rf"(?P<num>(?:{_NUMBER})(?:\s*(?:k|mil|mille|tausend)(?![a-z])|\s*[千万])?)(?![\w.,]*\s*[%°])",
    re.I,
)


def _bare_count_after(text: str, end: int) -> dict[str, str | None] | None:
    found = _BARE_COUNT_AFTER.match(text[end : end + 25])
    if found is None:
        return None
    parsed = parse_quantity(found.group("num") + " pcs")
    return _quantity_dict(parsed.value) if parsed.ok else None


def _count_before_model(text: str, start: int) -> dict[str, str | None] | None:
    found = _COUNT_BEFORE_MODEL.search(text[max(0, start - 20) : start])
    if found is None:
        return None
    parsed = parse_quantity(found.group("num") + " pcs")
    return _quantity_dict(parsed.value) if parsed.ok else None


# "and" between two items: "2000 tubes and 300 floodlights", "2000支灯管和300个投光灯".
_AND = re.compile(rf"{START}(?:and|y|und|et|e){END}|[和与及]|以及", re.I)
_BETWEEN_ITEMS = re.compile(rf"[;.。]|{_AND.pattern}", re.I)


def _same(item: Mapping[str, Any], mention: _Mention) -> bool:
    if mention.sku and item.get("sku"):
        return bool(item["sku"] == mention.sku)
    return bool(mention.category and item.get("category") == mention.category)


_POWER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*w(?![a-z])", re.I)


def _item_by_spec(
    items: list[dict[str, Any]], mention: _Mention, text: str
) -> dict[str, Any] | None:
    """The item "the 150W one" means: a mention without a product word of its own and without a
    model typed out, whose wattage one item of the request has (and only one)."""
    if not items or category_of(mention.words):
        return None  # "the 150W floodlights" may be another product
    if mention.sku and fold_chars(mention.sku) in fold_chars(text):
        return None  # a model typed out is that model
    powers = {m.group(1).replace(",", ".") for m in _POWER.finditer(mention.words)}
    if not powers:
        return None
    hits = [
        item
        for item in items
        if powers
        & {
            m.group(1).replace(",", ".")
            for m in _POWER.finditer(f"{item.get('sku') or ''} {item.get('description') or ''}")
        }
    ]
    return hits[0] if len(hits) == 1 else None


def _refers_to_pending(pending: Any, mention: _Mention, catalog: Catalog) -> bool:
    """ "this panel" while a panel is being asked about: no new product, nothing to change."""
    if not isinstance(pending, Mapping) or mention.sku not in (None, pending.get("sku")):
        return False
    category = pending.get("category")
    if category is None and pending.get("sku"):
        category = (catalog.product(pending["sku"]) or {}).get("category")
    if category is None:
        category = category_of(str(pending.get("description") or ""))
    return category is not None and category == mention.category


def _item_of_price(
    at: int, placed: list[tuple[int, dict[str, Any]]], items: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The item a price belongs to: the one named last before it ("2,000 PNL-6060-40W at USD
    12.50 and 500 floodlights at 30 USD"), else the first named after it ("USD 12 for the
    panels"), else the last item of the request ("target 12.50 USD")."""
    before = [item for start, item in placed if start < at]
    if before:
        return before[-1]
    if placed:
        return placed[0][1]
    return items[-1] if items else None


def _certifications_per_item(text: str, placed: list[tuple[int, dict[str, Any]]]) -> bool:
    """ "500 panels with CE and 200 street lights with ENEC": each item its own marks, when a
    message names several items and the marks differ between them (the request's list of
    certifications is read by the scan, as the union)."""
    if len({id(item) for _, item in placed}) < 2:
        return False
    found: dict[int, tuple[dict[str, Any], set[str]]] = {}
    for mention in _CERT.finditer(text):
        item = _item_of_price(mention.start(), placed, [])
        codes = parse_certifications(mention.group(0)).value or ()
        if item is not None:
            found.setdefault(id(item), (item, set()))[1].update(codes)
    if len({frozenset(codes) for _, codes in found.values()}) < 2:
        return False
    for item, codes in found.values():
        item["certifications"] = sorted(codes)
    return True


def _items(
    text: str, out: Extraction, *, state: Mapping[str, Any], expecting: str | None, catalog: Catalog
) -> None:
    items = [dict(item) for item in state.get("items") or []]
    context = items[-1].get("category") if items else None
    pending = state.get("product")
    people = _person_spans(text, out)  # "Luces del Plata S.R.L." names a company, no lights
    mentions = [
        m
        for m in _product_mentions(text, catalog, context)
        if not any(s < m.end and m.start < e for s, e in people)
    ]
    quantities = _quantities(text)
    changed = False

    folded = fold_chars(text)
    if _REMOVE.search(folded) and mentions:
        kept = [i for i in items if not any(_same(i, m) for m in mentions)]
        if len(kept) != len(items):
            out.notes.append(Msg("validation.reader.removed_items", count=len(items) - len(kept)))
            out.slots["items"] = kept
            return

    used: set[int] = set()
    placed: list[tuple[int, dict[str, Any]]] = []  # where this message names each item
    adding = bool(_ADD.search(folded))
    correcting = bool(_CORRECTION.search(folded))
    for mention in mentions:
        quantity = None
        for i, (qs, qe, q) in enumerate(quantities):
            if i in used:
                continue
            near_before = qe <= mention.start and not _BETWEEN_ITEMS.search(
                text[qe : mention.start]
            )
            near_after = (
                qs >= mention.end
                and qs - mention.end <= 25
                and not _AND.search(text[mention.end : qs])
            )
            overlapping = qs < mention.end and mention.start < qe
            if near_before or near_after or overlapping:
                quantity = q
                used.add(i)
                break
        if quantity is None and mention.sku:
            quantity = _count_before_model(text, mention.start)
        if quantity is None and correcting:
            quantity = _bare_count_after(text, mention.end)  # "change the tubes to 10k"
        product = {"description": mention.words, "sku": mention.sku, "category": mention.category}
        existing = next((i for i in items if _same(i, mention)), None)
        if existing is None and not adding:
            existing = _item_by_spec(items, mention, text)  # "the 150W one"
        if existing is not None and not adding:
            placed.append((mention.start, existing))
            if quantity or state.get(PENDING_QUANTITY):
                # a count, or the answer to "which product should 2,500 pcs be for?"
                existing.update(quantity or state[PENDING_QUANTITY])
                out.slots[PENDING_QUANTITY] = None
                changed = True
            elif correcting and mention.sku and existing.get("sku") != mention.sku:
                existing.update(product)
                changed = True
            elif mention.sku and not existing.get("sku"):
                # "800 drivers programáveis ..., DRV-STR-150W-P": the model of the item in hand
                existing.update(sku=mention.sku, category=mention.category)
                changed = True
            continue
        if quantity:
            items.append(new_item(product, quantity))
            placed.append((mention.start, items[-1]))
            changed = True
        elif correcting and items and not adding:
            items[-1].update(product)
            placed.append((mention.start, items[-1]))
            changed = True
        elif _refers_to_pending(pending, mention, catalog):
            continue  # "ist das Panel flimmerfrei?": the product in hand, said again
        else:
            out.slots["product"] = product
    leftover = [q for i, (_, _, q) in enumerate(quantities) if i not in used]
    if correcting and not quantities and not mentions and items:
        leftover = _bare_counts(text)[:1]  # "En realidad son 2,5k, no 10 mil unidades"
    if expecting == "quantity" and not leftover and not mentions:
        parsed = parse_quantity(text)  # "300", "5k", "2 x 40ft containers"
        leftover = [_quantity_dict(parsed.value)] if parsed.ok else []
    if leftover and not mentions:
        quantity = leftover[0]
        target = out.slots.get("product") or pending
        if target:
            items.append(new_item(target, quantity))
            out.slots["product"] = None
            changed = True
        elif unknown := [i for i in items if i.get("quantity") is None]:
            # the count of an item "to be confirmed", given later ("ok, 500 then")
            unknown[0].update(quantity)
            unknown[0].pop("quantity_as_written", None)
            changed = True
        elif items and (expecting == "quantity" or len(items) == 1):
            items[-1].update(quantity)
            changed = True
        elif items and correcting:
            item = _item_corrected(text, items)
            if item is not None:
                item.update(quantity)
                changed = True
            else:  # "change the quantity to 2,500" with several products: the form asks which
                out.slots[PENDING_QUANTITY] = quantity
        elif not items:
            out.slots["quantity"] = quantity
    elif "product" in out.slots and out.slots["product"] and state.get("quantity") and not items:
        items.append(new_item(out.slots["product"], state["quantity"]))
        out.slots["product"] = None
        out.slots["quantity"] = None
        changed = True

    if _certifications_per_item(text, placed):
        changed = True
    for price in _MONEY.finditer(text):
        item = _item_of_price(price.start(), placed, items)
        parsed = parse_money(price.group(0))
        if not parsed.ok:
            continue
        money = _money_dict(parsed.value.amount, parsed.value.currency)
        if item is not None:
            item["target_price"] = money
            changed = True
        elif product_in_hand := out.slots.get("product") or pending:
            # said before its count ("Zielpreis 9 USD/Stück", the count asked next): kept with
            # the product, and the item takes it when the count comes
            out.slots["product"] = {**product_in_hand, "target_price": money}
        out.notes.extend(parsed.notes)
    if changed:
        out.slots["items"] = items
