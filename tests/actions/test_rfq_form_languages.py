"""The RFQ form speaks the session's language; button payloads stay canonical."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import rfq_extract
from actions.rfq_form import ValidateRfqForm
from i18n import Msg
from sales.rfq.extract import Extraction

from .conftest import tracker
from .test_rfq_form import DOMAIN, _slots

PANEL = {
    "description": "panel",
    "sku": "PNL-6060-40W",
    "category": "panel",
    "quantity": "500",
    "unit": "pcs",
    "target_price": None,
}


async def test_quantity_below_moq_reason_in_spanish(rt) -> None:  # type: ignore[no-untyped-def]
    item = {**PANEL, "sku": "FL-SL-100W", "category": "floodlight", "quantity": "20"}
    dispatcher = CollectingDispatcher()
    await ValidateRfqForm().run(
        dispatcher,
        tracker(
            text="20 piezas",
            slots={"requested_slot": "quantity", "items": [item], "language": "es"},
            events=[{"event": "slot", "name": "items", "value": [item]}],
        ),
        DOMAIN,
    )
    assert dispatcher.messages[0]["text"] == (
        "La cantidad mínima de pedido de FL-SL-100W es de 200 piezas."
    )


async def test_too_soon_names_the_earliest_date_in_german(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await ValidateRfqForm().run(
        dispatcher,
        tracker(
            text="nächste Woche",
            slots={
                "requested_slot": "required_by",
                "items": [PANEL],
                "required_by": "2026-11-28",
                "language": "de",
            },
            events=[{"event": "slot", "name": "required_by", "value": "2026-11-28"}],
            read=True,
        ),
        DOMAIN,
    )
    assert _slots(events)["required_by"] is None
    assert dispatcher.messages[0]["text"] == (
        "Der 28. November 2026 ist zu früh: Unsere Produktionszeit beträgt 25 Tage, daher kann "
        "die Ware frühestens am 16. Dezember 2026 bereitstehen."
    )


async def test_unreadable_answer_and_offer_of_a_person_in_chinese(rt) -> None:  # type: ignore[no-untyped-def]
    failures = {"quantity": 2}
    dispatcher = CollectingDispatcher()
    await ValidateRfqForm().run(
        dispatcher,
        tracker(
            text="很多",
            slots={
                "requested_slot": "quantity",
                "product": {"description": "x", "sku": "FL-SL-100W", "category": "floodlight"},
                "rfq_failures": failures,
                "language": "zh",
            },
        ),
        DOMAIN,
    )
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0] == (
        "好的，我把FL-SL-100W的数量记为待确认：我们的销售团队会向您询问，报价将由专人准备。"
    )
    assert texts[1] == "看来在聊天中不太好处理。需要我们销售团队的同事来协助您吗？"
    assert [(b["title"], b["payload"]) for b in dispatcher.messages[1]["buttons"]] == [
        ("联系销售人员", "/request_human"),
        ("不用，继续", "/deny"),
    ]


async def test_extraction_says_notes_and_stores_reasons_in_the_message_language(
    rt, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def extract(text: str, **_: Any) -> Extraction:
        return Extraction(
            notes=[Msg("rfq.not_understood")],
            errors={"quantity": Msg("rfq.below_moq", sku="FL-SL-100W", quantity="200 pcs")},
        )

    monkeypatch.setattr(rfq_extract, "extract", extract)
    message = tracker(text="muchas", slots={"requested_slot": "quantity", "language": "en"})
    message.latest_message["metadata"] = {"language": "es"}  # the app detected Spanish
    dispatcher = CollectingDispatcher()
    slots = _slots(await rfq_extract.ActionExtractRfqFacts().run(dispatcher, message, DOMAIN))
    assert slots["language"] == "es"
    assert dispatcher.messages[0]["text"] == "Disculpe, no lo he entendido."
    reason = slots["rfq_errors"]["quantity"]
    assert reason == "La cantidad mínima de pedido de FL-SL-100W es de 200 pcs."
    assert type(reason) is str  # slots travel as JSON: stored already rendered
