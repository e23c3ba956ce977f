"""Knowledge answers and the honest "I don't know" through the action, in the buyer's language
(the `language` slot)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import runtime
from actions.answers import ActionAnswerQuestion, worth_recording
from actions.handoff import ActionRequestHuman
from i18n import t
from sales.db import Database
from sales.models import KnowledgeGap

from .conftest import tracker


async def _ask(text: str, language: str) -> dict:  # type: ignore[type-arg]
    dispatcher = CollectingDispatcher()
    await ActionAnswerQuestion().run(
        dispatcher,
        tracker(text=text, intent="ask_question", form=False, slots={"language": language}),
        {},
    )
    (message,) = dispatcher.messages
    return message


async def test_chinese_dont_know_offers_a_person_in_chinese_and_records_the_gap(rt) -> None:  # type: ignore[no-untyped-def]
    question = "明天上海的天气怎么样？会下雨吗？"
    message = await _ask(question, "zh")
    assert message["text"] == t("answers.dont_know", "zh")
    assert message["buttons"] == [{"title": "联系销售人员", "payload": "/request_human"}]
    async with rt.db.session() as db:
        gaps = (await db.execute(select(KnowledgeGap.question, KnowledgeGap.language))).all()
    assert [tuple(gap) for gap in gaps] == [(question, "zh")]


@pytest.mark.parametrize(
    ("language", "title"),
    [("es", "Hablar con una persona"), ("de", "Mit einem Mitarbeiter sprechen"),
     ("pt", "Falar com um atendente"), ("fr", "Parler à un conseiller")],
)  # fmt: skip
async def test_the_person_button_speaks_the_buyers_language(rt, language: str, title: str) -> None:  # type: ignore[no-untyped-def]
    message = await _ask("what is the airspeed velocity of an unladen swallow?", language)
    assert message["text"] == t("answers.dont_know", language)
    assert message["buttons"] == [{"title": title, "payload": "/request_human"}]


async def test_a_spanish_spec_question_is_answered_in_spanish(rt) -> None:  # type: ignore[no-untyped-def]
    message = await _ask("¿Cuál es el grado de protección IP del PNL-6060-40W?", "es")
    assert message["text"].startswith("El grado de protección IP del PNL-6060-40W es IP")
    assert message["text"].endswith("(fuente: ficha del producto PNL-6060-40W).")
    assert message["buttons"] == []


async def test_without_a_knowledge_base_the_buyer_is_told_in_german(database: Database) -> None:
    runtime.configure(runtime.Runtime(db=database, kb=None))
    try:
        message = await _ask("Welche Schutzart hat der PNL-6060-40W?", "de")
    finally:
        runtime.reset()
    assert message["text"] == t("answers.no_knowledge", "de")
    assert message["text"].startswith("Das kann ich im Moment leider nicht")


async def test_outside_the_widget_the_buyer_is_asked_to_write_in_french(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionRequestHuman().run(
        dispatcher,
        tracker(
            text="Je voudrais parler à un conseiller",
            intent="request_human",
            form=False,
            slots={"language": "fr"},
            sender="not-a-widget-session",
        ),
        {},
    )
    assert [m["text"] for m in dispatcher.messages] == [t("handoff.no_chat", "fr")]


def test_short_noise_is_no_gap_but_a_chinese_question_is() -> None:
    assert not worth_recording("asdf")
    assert not worth_recording("你好")
    assert worth_recording("你们的面板有防爆认证吗")
    assert worth_recording("do you ship to Mars")


def test_the_buyers_earlier_messages_are_the_answers_context() -> None:
    from rasa_sdk import Tracker

    from actions.answers import earlier_messages

    question = "what certifications does the 150W one have?"
    events = [
        {"event": "user", "text": "Do you make high bays?"},
        {"event": "bot", "text": "Yes, our high bays: ..."},
        {"event": "user", "text": "/affirm"},
        {"event": "user", "text": question},
    ]
    tracker = Tracker("s1", {}, {"text": question}, events, False, None, {}, "action_listen")
    assert earlier_messages(tracker, question) == ["Do you make high bays?"]
