"""A message the classifier was unsure of that changed the request, outside the form: the form
asks for what is missing, or the summary shows the change when nothing is."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerQuestion

from .test_submit_rfq import SLOTS

ITEMS = [{"description": "T8-G-1200-18W", "sku": "T8-G-1200-18W", "category": "tube",
          "quantity": "5000", "unit": "pcs", "target_price": None}]  # fmt: skip


def _after(text: str, slots: dict[str, Any], changed: dict[str, Any]) -> Tracker:
    """``text`` (nlu_fallback) outside the form, after the extraction set ``changed``."""
    return Tracker.from_dict(
        {
            "sender_id": "s1",
            "slots": {**slots, **changed},
            "latest_message": {"text": text, "intent": {"name": "nlu_fallback"}},
            "events": [
                {"event": "user", "text": text},
                *({"event": "slot", "name": k, "value": v} for k, v in changed.items()),
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def test_an_opening_the_classifier_was_unsure_of_starts_the_form(rt) -> None:  # type: ignore[no-untyped-def]
    text = "Bom dia, por favor cotem 5.000 peças de T8-G-1200-18W."
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, _after(text, {}, {"items": ITEMS}), {})
    assert events == [{"event": "followup", "timestamp": None, "name": "rfq_form"}]
    assert dispatcher.messages == []  # no summary of an empty request


async def test_a_change_to_a_complete_request_shows_the_summary(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    tracker = _after("bitte FOB Ningbo statt CIF", SLOTS, {"incoterm": "FOB"})
    await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert "FOB" in dispatcher.messages[0]["text"]


async def test_a_filler_after_the_summary_asks_the_summary_again_and_looks_nothing_up(rt) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from sales.models import KnowledgeGap

    text = "Não sei, desculpe."
    tracker = Tracker.from_dict(
        {
            "sender_id": "s1",
            "slots": {**SLOTS, "language": "pt"},
            "latest_message": {"text": text, "intent": {"name": "ask_question"}},
            "events": [
                {"event": "action", "name": "action_rfq_summary"},
                {"event": "bot", "text": "Aqui está a sua solicitação de cotação: ..."},
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text},
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert events == [{"event": "followup", "timestamp": None, "name": "action_rfq_summary"}]
    (said,) = dispatcher.messages
    assert "documenta" not in said["text"]  # no "I don't know that from our documentation"
    async with rt.db.session() as db:
        assert (await db.execute(select(func.count()).select_from(KnowledgeGap))).scalar_one() == 0
