"""sales.handoff on SQLite and PostgreSQL: modes, notes to the buyer, outbox rows, races,
timeouts and call-back requests, office hours."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from i18n import t
from sales import conversations, handoff
from sales.db import Database
from sales.models import ChatMessage, ChatSession, Handoff, OutboxMessage, Role
from sales.office_hours import OfficeHours

MONDAY_NOON_SHANGHAI = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
SUNDAY_SHANGHAI = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


@pytest.fixture
async def pushed() -> AsyncIterator[list[tuple[str, str | None, list[str]]]]:
    events: list[tuple[str, str | None, list[str]]] = []

    async def publisher(session_id: str, mode: str | None, messages: Sequence[ChatMessage]) -> None:
        events.append((session_id, mode, [m.text for m in messages]))

    handoff.configure(
        handoff.HandoffConfig(
            hours=OfficeHours.parse("Mon-Fri 08:30-17:30", "Asia/Shanghai"),
            timeout_s=120,
            publisher=publisher,
        )
    )
    yield events
    handoff.reset()


async def _session(database: Database, locale: str = "en") -> str:
    async with database.session() as db:
        session, _ = await conversations.create_session(db, locale=locale)
        await conversations.append(
            db, session_id=session.id, role=Role.BUYER, texts=[("I need 600x600 panels", [])]
        )
    return session.id


async def _mode(database: Database, session_id: str) -> str:
    async with database.session() as db:
        session = await db.get(ChatSession, session_id)
        assert session is not None
        return session.mode


async def _outbox(database: Database) -> list[OutboxMessage]:
    async with database.session() as db:
        return list((await db.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def test_request_take_over_hand_back(database: Database, pushed: list) -> None:
    session_id = await _session(database)
    async with database.session() as db:
        asked = await handoff.request_handoff(
            db,
            session_id=session_id,
            reason=handoff.HandoffReason.BUYER_ASKED,
            summary={"rfq": {"product": "PNL-6060-40W"}},
            now=MONDAY_NOON_SHANGHAI,
        )
    assert asked.changed and asked.mode == "waiting_for_agent"
    assert "asked a colleague from Lumora sales" in asked.messages[0].text
    assert asked.messages[0].role == "system"
    (row,) = await _outbox(database)
    assert row.topic == "handoff.requested" and row.ordering_key == f"chat:{session_id}"
    assert asked.handoff is not None
    assert asked.handoff.summary["rfq"] == {"product": "PNL-6060-40W"}
    assert asked.handoff.summary["last_turns"][0]["text"] == "I need 600x600 panels"

    async with database.session() as db:
        again = await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=MONDAY_NOON_SHANGHAI
        )
    assert not again.changed and len(await _outbox(database)) == 1

    async with database.session() as db:
        taken = await handoff.take_over(db, session_id=session_id, rep_id="U1", rep_name="Mei")
    assert taken.mode == "agent"
    assert taken.messages[0].text == "Mei from Lumora sales has joined the chat."

    async with database.session() as db:
        reply = await handoff.agent_reply(db, session_id=session_id, rep_id="U1", text="Hello!")
        intruder = await handoff.agent_reply(db, session_id=session_id, rep_id="U2", text="psst")
    assert reply is not None and reply.role == "agent" and reply.author == "Mei"
    assert intruder is None  # only the rep who has the chat talks to the buyer

    async with database.session() as db:
        back = await handoff.hand_back(db, session_id=session_id, rep_id="U1")
    assert back.mode == "bot" and "assistant is back" in back.messages[0].text
    assert await _mode(database, session_id) == "bot"
    assert [mode for _, mode, _ in pushed] == ["waiting_for_agent", "agent", None, "bot"]
    async with database.session() as db:
        record = (await db.execute(select(Handoff))).scalar_one()
    assert record.status == "closed" and record.rep_id == "U1"


async def test_without_a_staff_channel_the_bot_stays_and_says_sales_will_write(
    database: Database, pushed: list
) -> None:
    handoff.configure(
        handoff.HandoffConfig(staffed=False, publisher=handoff.current_config().publisher)
    )
    session_id = await _session(database, locale="de")
    async with database.session() as db:
        asked = await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=MONDAY_NOON_SHANGHAI
        )
    assert asked.changed and asked.mode == "bot" and asked.handoff is None
    assert "per E-Mail" in asked.messages[0].text
    assert await _mode(database, session_id) == "bot"  # the next message is answered
    assert await _outbox(database) == []
    assert pushed[-1][2] == [asked.messages[0].text]


async def test_outside_office_hours_the_buyer_hears_when_sales_answers(
    database: Database, pushed: list
) -> None:
    session_id = await _session(database)
    async with database.session() as db:
        asked = await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=SUNDAY_SHANGHAI
        )
    text = asked.messages[0].text
    assert "Mon-Fri 08:30-17:30" in text and "tomorrow at 08:30" in text and "Asia/Shanghai" in text


async def test_a_portuguese_buyer_hears_every_handoff_note_in_portuguese(
    database: Database, pushed: list
) -> None:
    session_id = await _session(database, locale="pt-BR")
    async with database.session() as db:
        asked = await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=MONDAY_NOON_SHANGHAI
        )
    async with database.session() as db:
        taken = await handoff.take_over(db, session_id=session_id, rep_id="U1", rep_name="Mei")
    async with database.session() as db:
        back = await handoff.hand_back(db, session_id=session_id, rep_id="U1")
    assert asked.messages[0].text.startswith("Pedi a um colega da equipe de vendas da Lumora")
    assert taken.messages[0].text == "Mei, da equipe de vendas da Lumora, entrou no chat."
    assert back.messages[0].text == t("handoff.back", "pt")
    # what the widget receives is what the transcript holds
    assert [texts for _, _, texts in pushed if texts] == [
        [asked.messages[0].text],
        [taken.messages[0].text],
        [back.messages[0].text],
    ]


async def test_outside_office_hours_in_german(database: Database, pushed: list) -> None:
    session_id = await _session(database, locale="de-DE")
    async with database.session() as db:
        asked = await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=SUNDAY_SHANGHAI
        )
    text = asked.messages[0].text
    assert "Unser Vertrieb ist Mo.–Fr. 08:30–17:30 Uhr erreichbar (Ortszeit Asia/Shanghai)" in text
    assert "morgen um 08:30 Uhr (Ortszeit Asia/Shanghai; 00:30 Uhr UTC)" in text
    assert asked.handoff is not None  # the rep in Slack reads English
    assert asked.handoff.summary["told_buyer"].startswith("tomorrow at 08:30")


def test_office_hours_and_next_opening_in_the_buyers_language() -> None:
    hours = OfficeHours.parse("Mon-Fri 08:30-17:30; Sat 09:00-12:00", "Asia/Shanghai")
    friday_night = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    assert handoff.describe_hours(hours, "zh") == "周一至周五 08:30-17:30, 周六 09:00-12:00"
    assert handoff.describe_hours(hours, "en") == "Mon-Fri 08:30-17:30, Sat 09:00-12:00"
    assert handoff.describe_opening(hours, friday_night, "es") == (
        "mañana a las 09:00 (hora de Asia/Shanghai; 01:00 UTC)"
    )
    weekdays = OfficeHours.parse("Mon-Fri 08:30-17:30", "Asia/Shanghai")
    assert handoff.describe_opening(weekdays, friday_night, "fr") == (
        "lundi à 08:30 (heure de Asia/Shanghai ; 00:30 UTC)"
    )
    assert handoff.describe_opening(weekdays, friday_night, "en") == (
        weekdays.describe_next_opening(friday_night)
    )


async def test_a_negotiation_is_handed_to_a_person_with_a_word_on_why(
    database: Database, pushed: list
) -> None:
    english, french = await _session(database), await _session(database, locale="fr")
    async with database.session() as db:
        first = await handoff.request_handoff(
            db, session_id=english, reason="negotiation", now=MONDAY_NOON_SHANGHAI
        )
    async with database.session() as db:
        second = await handoff.request_handoff(
            db, session_id=french, reason="negotiation", now=MONDAY_NOON_SHANGHAI
        )
    assert first.messages[0].text.startswith(
        "Our sales team discusses prices and terms with you personally. I've asked a colleague"
    )
    assert second.messages[0].text == (
        t("handoff.negotiation", "fr", asked=t("handoff.asked", "fr", company="Lumora"))
    )


async def test_timeout_and_call_back_in_chinese(database: Database, pushed: list) -> None:
    session_id = await _session(database, locale="zh-CN")
    async with database.session() as db:
        await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=MONDAY_NOON_SHANGHAI
        )
    async with database.session() as db:
        (due,) = await handoff.expire_waiting(db, now=MONDAY_NOON_SHANGHAI + timedelta(seconds=121))
    assert due.messages[0].text.startswith("非常抱歉，目前没有空闲的销售同事。")
    async with database.session() as db:
        answer = await handoff.buyer_wrote(db, session_id=session_id, text="13812345678，明天上午")
    assert answer.messages[0].text == t("handoff.callback", "zh")


async def test_two_reps_race_to_take_over_one_wins(database: Database, pushed: list) -> None:
    session_id = await _session(database)
    async with database.session() as db:
        await handoff.request_handoff(db, session_id=session_id, reason="buyer_asked")
    other = Database(database.url)

    async def take(db_: Database, rep: str) -> str:
        async with db_.session() as db:
            try:
                await handoff.take_over(db, session_id=session_id, rep_id=rep, rep_name=rep)
                return rep
            except handoff.AlreadyTaken:
                return "lost"

    try:
        results = await asyncio.gather(take(database, "U1"), take(other, "U2"))
    finally:
        await other.dispose()
    assert sorted(results)[0] == "lost" or "lost" in results
    winner = next(r for r in results if r != "lost")
    async with database.session() as db:
        messages = await conversations.messages_after(db, session_id)
        record = (await db.execute(select(Handoff))).scalar_one()
    assert record.rep_id == winner
    assert sum("has joined" in m.text for m in messages) == 1


async def test_timeout_asks_for_a_call_back_and_the_answer_goes_to_slack(
    database: Database, pushed: list
) -> None:
    session_id = await _session(database)
    async with database.session() as db:
        await handoff.request_handoff(
            db, session_id=session_id, reason="buyer_asked", now=MONDAY_NOON_SHANGHAI
        )
    async with database.session() as db:
        early = await handoff.expire_waiting(db, now=MONDAY_NOON_SHANGHAI + timedelta(seconds=60))
        due = await handoff.expire_waiting(db, now=MONDAY_NOON_SHANGHAI + timedelta(seconds=121))
        twice = await handoff.expire_waiting(db, now=MONDAY_NOON_SHANGHAI + timedelta(seconds=300))
    assert early == [] and len(due) == 1 and twice == []
    assert "When and how may we call you back" in due[0].messages[0].text
    async with database.session() as db:
        answer = await handoff.buyer_wrote(
            db, session_id=session_id, text="+49 40 1234567, tomorrow 10-12 CET"
        )
    assert answer.mode == "bot" and "contact you" in answer.messages[0].text
    async with database.session() as db:
        record = (await db.execute(select(Handoff))).scalar_one()
    assert record.callback_request == "+49 40 1234567, tomorrow 10-12 CET"
    topics = [(r.topic, r.payload.get("event")) for r in await _outbox(database)]
    assert topics == [
        ("handoff.requested", None),
        ("handoff.updated", "timed_out"),
        ("handoff.updated", "callback"),
    ]


async def test_hand_back_without_a_handoff_is_refused(database: Database, pushed: list) -> None:
    session_id = await _session(database)
    async with database.session() as db:
        with pytest.raises(handoff.NotHandedOff):
            await handoff.hand_back(db, session_id=session_id)


async def test_a_rep_may_take_over_a_chat_nobody_handed_off(
    database: Database, pushed: list
) -> None:
    session_id = await _session(database)
    async with database.session() as db:
        taken = await handoff.take_over(db, session_id=session_id, rep_id="U1", rep_name="Mei")
        same = await handoff.take_over(db, session_id=session_id, rep_id="U1", rep_name="Mei")
    assert taken.changed and not same.changed
    assert taken.handoff is not None and taken.handoff.reason == "rep_initiated"


def test_office_hours() -> None:
    hours = OfficeHours.parse("Mon-Fri 08:30-17:30; Sat 09:00-12:00", "Asia/Shanghai")
    assert hours.is_open(MONDAY_NOON_SHANGHAI)
    assert not hours.is_open(SUNDAY_SHANGHAI)
    saturday_night = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    assert hours.next_opening(saturday_night) == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        OfficeHours.parse("weekdays 9-5")


def test_only_messages_that_ask_for_a_person_hand_off() -> None:
    from sales.handoff import wants_a_person

    for text in ("I'd like to talk to a person", "can a sales rep call me?", "人工客服",
                 "quiero hablar con un agente", "/request_human"):  # fmt: skip
        assert wants_a_person(text), text
    for text in ("CIF Dublin, bank transfer, Yes, one sample please", "5000 pcs"):
        assert not wants_a_person(text), text
