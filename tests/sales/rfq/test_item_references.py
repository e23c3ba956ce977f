"""Items named by what sets them apart: "the 150W one", "die 150-W-Variante", by model."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sales.rfq.extract import extract

TODAY = date(2026, 11, 21)
ITEM = {"unit": "pcs", "target_price": None}
BAYS = {
    **ITEM,
    "description": "high bays",
    "sku": "HB-UFO-150W",
    "category": "high_bay",
    "quantity": "500",
}
FLOODS = {
    **ITEM,
    "description": "floodlights",
    "sku": "FL-SL-100W",
    "category": "floodlight",
    "quantity": "300",
}


def run(kb: Any, text: str) -> list[dict[str, Any]]:
    found = extract(
        text, state={"items": [dict(BAYS), dict(FLOODS)]}, expecting=None, today=TODAY, catalog=kb
    )
    return found.slots.get("items") or []


@pytest.mark.parametrize(
    "text",
    [
        "make the 150W one 800 pcs",
        "change the 150W to 800",
        "please change HB-UFO-150W to 800 pcs",
        "bitte die 150W auf 800 Stück ändern",
        "cambie las de 150W a 800 piezas",
        "mude os de 150W para 800 peças",
        "changez celles de 150W à 800 pièces",
        "150W的改成800个",
    ],
)
def test_the_150w_one_is_the_high_bay(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    items = run(demo_kb, text)
    assert [(i["sku"], i["quantity"]) for i in items] == [
        ("HB-UFO-150W", "800"),
        ("FL-SL-100W", "300"),
    ], items


def test_a_new_product_of_the_same_wattage_is_a_new_item(demo_kb) -> None:  # type: ignore[no-untyped-def]
    items = run(demo_kb, "add 200 FL-NA-150W floodlights too")
    assert [i["sku"] for i in items] == ["HB-UFO-150W", "FL-SL-100W", "FL-NA-150W"]


@pytest.mark.parametrize(
    "text", ["let's say 400 pcs", "vale, 400 unidades", "那就400个吧", "400 Stück bitte"]
)
def test_a_count_given_later_is_the_count_to_be_confirmed(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    unknown = {**FLOODS, "quantity": None, "unit": None, "quantity_as_written": "no idea"}
    found = extract(
        text, state={"items": [dict(BAYS), unknown]}, expecting=None, today=TODAY, catalog=demo_kb
    )
    bays, floods = found.slots["items"]
    assert bays["quantity"] == "500"  # the known count is left alone
    assert floods["quantity"] == "400" and floods["unit"] == "pcs"
    assert "quantity_as_written" not in floods
