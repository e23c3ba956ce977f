"""The form asks which product a count correction is for, once; an answer naming no product
leaves the quantities as they were."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.rfq_form import ValidateRfqForm
from sales.rfq.state import PENDING_QUANTITY

from .conftest import tracker
from .test_rfq_repairs import DOMAIN, _slots
from .test_submit_rfq import SLOTS

TUBES = {
    "description": "LED tubes",
    "sku": "T8-G-1200-18W",
    "category": "tube",
    "quantity": "5000",
    "unit": "pcs",
    "target_price": None,
}
FLOODS = {
    "description": "floodlights",
    "sku": "FL-SL-100W",
    "category": "floodlight",
    "quantity": "300",
    "unit": "pcs",
    "target_price": None,
}
PENDING = {"quantity": "2500", "unit": "pcs"}


async def test_an_answer_naming_no_product_leaves_the_quantities(rt) -> None:  # type: ignore[no-untyped-def]
    slots = {
        **SLOTS,
        "items": [TUBES, FLOODS],
        PENDING_QUANTITY: PENDING,
        "requested_slot": PENDING_QUANTITY,
    }
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher, tracker(text="never mind", intent="deny", slots=slots), DOMAIN
    )
    changed = _slots(events)
    assert changed[PENDING_QUANTITY] is None and "items" not in changed
    assert "rfq_failures" not in changed
    assert "left the quantities" in dispatcher.messages[0]["text"]
    assert changed["requested_slot"] != PENDING_QUANTITY
