"""Asking for a person through the actions: the notes reach the buyer in the chat's language."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionNegotiate, ActionRequestHuman
from i18n import t
from sales import conversations

from .conftest import tracker


async def _transcript(rt, session_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        return [m.text for m in await conversations.messages_after(db, session_id)]


async def test_a_portuguese_buyer_who_asks_for_a_person_is_told_in_portuguese(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db, locale="pt-BR")
    ask = tracker(
        text="Quero falar com um atendente",
        intent="request_human",
        form=False,
        slots={"language": "pt"},
        sender=session.id,
    )
    first, again = CollectingDispatcher(), CollectingDispatcher()
    await ActionRequestHuman().run(first, ask, {})
    await ActionRequestHuman().run(again, ask, {})
    (note,) = await _transcript(rt, session.id)
    assert note.startswith("Pedi a um colega da equipe de vendas da Lumora")
    assert first.messages == []  # the note is in the transcript, pushed to the widget
    assert [m["text"] for m in again.messages] == [t("handoff.already_asked", "pt")]


async def test_a_spanish_price_objection_gets_the_negotiation_note_in_spanish(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db, locale="es")
    await ActionNegotiate().run(
        CollectingDispatcher(),
        tracker(
            text="es demasiado caro",
            intent="negotiate",
            form=False,
            slots={"language": "es"},
            sender=session.id,
        ),
        {},
    )
    (note,) = await _transcript(rt, session.id)
    # inside or outside office hours (the clock decides), the same opening
    assert note.startswith(
        "Los precios y las condiciones los acuerda con usted personalmente nuestro equipo de "
        "ventas. He pedido a un compañero del equipo de ventas de Lumora"
    )
