"""An ambiguous answer is asked about, never guessed: a count correction without a product when
the request holds several products (Rasa's "clarification" repair)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales.rfq.extract import extract
from sales.rfq.state import PENDING_QUANTITY, missing

TODAY = date(2026, 11, 21)
ITEM = {"unit": "pcs", "target_price": None}
TUBES = {
    **ITEM,
    "description": "LED tubes",
    "sku": "T8-G-1200-18W",
    "category": "tube",
    "quantity": "5000",
}
FLOODS = {
    **ITEM,
    "description": "floodlights",
    "sku": "FL-SL-100W",
    "category": "floodlight",
    "quantity": "300",
}


def run(kb: Any, text: str, state: dict[str, Any]):  # type: ignore[no-untyped-def]
    return extract(text, state=state, expecting="required_by", today=TODAY, catalog=kb)


@pytest.mark.parametrize(
    "text",
    [
        "Actually, change the quantity to 2,500 pieces",
        "En realidad, cambie la cantidad a 2.500 piezas",
        "Eigentlich bitte die Menge auf 2.500 Stück ändern",
        "En fait, changez la quantité à 2 500 pièces",
        "Na verdade, mude a quantidade para 2.500 peças",
        "数量改成2500个",
    ],
)
def test_a_count_correction_with_several_products_asks_which(demo_kb, text: str) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, text, {"items": [dict(TUBES), dict(FLOODS)]})
    assert "items" not in found.slots  # nothing guessed
    assert found.slots[PENDING_QUANTITY] == {"quantity": "2500", "unit": "pcs"}
    state = {"items": [TUBES, FLOODS], **found.slots}
    assert missing(state)[0] == PENDING_QUANTITY  # the form asks which product first


def test_the_answer_to_which_product_takes_the_count(demo_kb) -> None:  # type: ignore[no-untyped-def]
    pending = {"quantity": "2500", "unit": "pcs"}
    state = {"items": [dict(TUBES), dict(FLOODS)], PENDING_QUANTITY: pending}
    found = run(demo_kb, "the floodlights", state)
    tubes, floods = found.slots["items"]
    assert (tubes["quantity"], floods["quantity"]) == ("5000", "2500")
    assert found.slots[PENDING_QUANTITY] is None


def test_the_old_count_names_the_product(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(
        demo_kb, "Sorry, make that 2,500, not 5,000.", {"items": [dict(TUBES), dict(FLOODS)]}
    )
    tubes, floods = found.slots["items"]
    assert (tubes["quantity"], floods["quantity"]) == ("2500", "300")
    assert not found.slots.get(PENDING_QUANTITY)


def test_one_product_needs_no_question(demo_kb) -> None:  # type: ignore[no-untyped-def]
    found = run(demo_kb, "Actually, change the quantity to 2,500 pieces", {"items": [dict(TUBES)]})
    assert found.slots["items"][0]["quantity"] == "2500"
    assert not found.slots.get(PENDING_QUANTITY)


counts = st.integers(min_value=2, max_value=90).map(lambda n: n * 100)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=counts,
    second=counts,
    new=counts,
    template=st.sampled_from(
        [
            "Actually, change the quantity to {new:,} pcs",
            "Sorry, make that {new:,} pieces",
            "correction: {new:,} pcs please",
        ]
    ),
)
def test_no_count_correction_lands_on_a_guessed_product(  # type: ignore[no-untyped-def]
    demo_kb, first: int, second: int, new: int, template: str
) -> None:
    """Over generated counts: with two products, a correction that names neither product nor
    an old count changes no product; it asks which one."""
    items = [{**TUBES, "quantity": str(first)}, {**FLOODS, "quantity": str(second)}]
    found = run(demo_kb, template.format(new=new), {"items": [dict(i) for i in items]})
    assert found.slots.get("items", items) == items
    assert found.slots[PENDING_QUANTITY] == {"quantity": str(new), "unit": "pcs"}
