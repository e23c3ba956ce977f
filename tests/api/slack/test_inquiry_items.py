"""An inquiry's items in Slack, also an item whose quantity the buyer could not give yet."""

from __future__ import annotations

from api.slack import blocks


def _record(quantity: int | None) -> dict:  # type: ignore[type-arg]
    item = {
        "sku": "FL-SL-100W",
        "description": "100W floodlight",
        "quantity": quantity,
        "unit": "pcs",
        "target_price": {"amount": "21.00", "currency": "USD"},
        "certifications": [],
    }
    return {"reference": "RFQ-2026-000001", "buyer": {"company": "Acme"}, "items": [item]}


def test_an_item_to_be_confirmed_says_so_and_has_no_value() -> None:
    record = _record(None)
    assert blocks.inquiry_value(record) is None  # no value from a count nobody gave
    message = blocks.inquiry_message(record)
    shown = str(message.blocks)
    assert "to be confirmed" in shown and "FL-SL-100W" in shown
    assert "to be confirmed" in str(blocks.inquiry_list([record]).blocks)


def test_a_known_count_is_valued_at_the_target_price() -> None:
    assert blocks.inquiry_value(_record(300)) == (6300, "USD")
    assert "300 pcs FL-SL-100W" in str(blocks.inquiry_message(_record(300)).blocks)
