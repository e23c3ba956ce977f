from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions import runtime
from sales.db import Database
from sales.pricing import load_price_book
from tools.engine_files import ROOT

TODAY = date(2026, 11, 21)


def tracker(
    *,
    text: str = "",
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    form: bool = True,
    sender: str = "s1",
    read: bool = False,
) -> Tracker:
    """A tracker after the buyer's message ``text``. ``read``: the message was read already
    (``events`` stand for what Rasa's extraction found), so validate_rfq_form does not read it
    again: what the validation makes of given facts, apart from the reading."""
    slots = dict(slots or {})
    if read:
        slots["rfq_extracted_for"] = f"m-{text}"
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": intent}, "message_id": f"m-{text}"},
            "events": [{"event": "user", "text": text}, *(events or [])],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "rfq_form"} if form else {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
async def rt(database: Database, demo_kb) -> AsyncIterator[runtime.Runtime]:  # type: ignore[no-untyped-def]
    configured = runtime.Runtime(
        db=database,
        kb=demo_kb,
        price_book=load_price_book(ROOT / "sales" / "pricebook" / "demo.yaml"),
        pdf_link=lambda ref: f"https://quotes.example/q/{ref}.pdf?sig=x",
        today=lambda: TODAY,
    )
    runtime.configure(configured)
    yield configured
    runtime.reset()


@pytest.fixture
def no_runtime() -> Iterator[None]:
    runtime.reset()
    yield
