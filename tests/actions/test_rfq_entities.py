"""action_extract_rfq_facts takes from the NLU's entities what the text reading missed."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.rfq_extract import ActionExtractRfqFacts

from .conftest import tracker

DOMAIN: dict[str, Any] = {"slots": {}, "forms": {"rfq_form": {"required_slots": []}}}


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def _with_entities(text: str, entities: list[dict[str, Any]], **kwargs: Any) -> Any:
    state = tracker(text=text, **kwargs)
    state.latest_message["entities"] = entities
    return state


async def test_an_entity_fills_a_field_the_text_reading_missed(rt) -> None:  # type: ignore[no-untyped-def]
    text = "Zahlung per Sichtakkreditiv"
    start = text.index("Sichtakkreditiv")
    entities = [
        {
            "entity": "payment_terms",
            "start": start,
            "end": len(text),
            "value": "L/C at sight",  # EntitySynonymMapper
            "extractor": "DIETClassifier",
            "confidence_entity": 0.97,
            "processors": ["EntitySynonymMapper"],
        }
    ]
    without = _slots(
        await ActionExtractRfqFacts().run(CollectingDispatcher(), tracker(text=text), DOMAIN)
    )
    assert "payment_terms" not in without
    slots = _slots(
        await ActionExtractRfqFacts().run(
            CollectingDispatcher(), _with_entities(text, entities), DOMAIN
        )
    )
    assert (slots["payment_terms"], slots["payment_detail"]) == ("LC", "at sight")


async def test_an_entity_never_replaces_what_the_text_says(rt) -> None:  # type: ignore[no-untyped-def]
    text = "ship to Rotterdam"
    wrong = {"entity": "place", "start": 0, "end": 4, "value": "Hamburg", "confidence_entity": 0.9}
    slots = _slots(
        await ActionExtractRfqFacts().run(
            CollectingDispatcher(), _with_entities(text, [wrong]), DOMAIN
        )
    )
    assert slots["destination"] == {"country": "NL", "place": "Rotterdam"}
