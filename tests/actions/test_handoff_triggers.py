from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.answers import PERSON_BUTTON, ActionAnswerQuestion
from actions.handoff import ActionNegotiate, summary_of
from sales import conversations
from sales.models import ChatSession, Handoff, KnowledgeGap

from .conftest import tracker


async def test_a_price_objection_hands_the_chat_to_a_person(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db)
    await ActionNegotiate().run(
        CollectingDispatcher(),
        tracker(text="that's too expensive", intent="negotiate", sender=session.id, form=False),
        {},
    )
    async with rt.db.session() as db:
        mode = (await db.get(ChatSession, session.id)).mode  # type: ignore[union-attr]
        reasons = (await db.execute(select(Handoff.reason))).scalars().all()
    assert mode == "waiting_for_agent"
    assert reasons == ["negotiation"]


async def test_an_unsure_answer_offers_a_person_and_records_the_gap(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(
        dispatcher,
        tracker(
            text="what is the airspeed velocity of an unladen swallow?",
            intent="ask_question",
            form=False,
        ),
        {},
    )
    assert PERSON_BUTTON in dispatcher.messages[0]["buttons"]
    async with rt.db.session() as db:
        gaps = (await db.execute(select(KnowledgeGap.question))).scalars().all()
    assert gaps == ["what is the airspeed velocity of an unladen swallow?"]


async def test_a_confident_answer_names_its_source(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(
        dispatcher,
        tracker(text="What is the IP rating of PNL-6060-40W?", intent="ask_question", form=False),
        {},
    )
    message = dispatcher.messages[0]
    assert "IP20" in message["text"] and "PNL-6060-40W" in message["text"]
    assert message["buttons"] == []


def test_the_reps_summary_has_every_field_the_form_knows() -> None:
    slots = {
        "items": [{"sku": "PNL-6060-40W", "quantity": "500", "unit": "pcs"}],
        "destination": {"country": "DE", "place": "Hamburg"},
        "incoterm": "FOB",
        "contact_name": "Jana Weber",
        "rfq_skipped": {"email": ""},
        "requested_slot": "company",
    }
    summary = summary_of(tracker(slots=slots))
    assert set(summary["rfq"]) == set(slots)
    assert "Hamburg" in summary["rfq"]["destination"]
