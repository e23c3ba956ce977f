"""Outbox events delivered to the fake Slack: the new-inquiry message, exactly once, through
outages and rate limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from api.slack import delivery as slack_delivery
from api.slack.delivery import SlackDelivery
from api.slack.ids import ActionId
from sales import events, inquiries
from sales.db import Database
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.models import OutboxDelivery, OutboxMessage, utcnow
from sales.outbox_worker import OutboxWorker, RetryPolicy
from tests.fakes.slack import FakeSlack

from .conftest import CHANNEL


def draft(n: int = 0, session_id: str | None = None) -> InquiryDraft:
    return InquiryDraft(
        items=(
            ItemDraft(
                description="600x600 LED panel 40W",
                quantity=Decimal(5000 + n),
                sku="PNL-6060-40W",
                target_price_amount=Decimal("12.50"),
                target_price_currency="USD",
                certifications=("CE",),
            ),
        ),
        buyer=BuyerDraft(
            company="Nordlicht <Handels> GmbH",
            contact_name="Jana Weber",
            email="jana.weber@nordlicht.example",
            country="DE",
        ),
        session_id=session_id,
        sample_requested=True,
        lead_score=72,
    )


def worker(database: Database, fake: FakeSlack, **kw) -> OutboxWorker:  # type: ignore[no-untyped-def]
    client = AsyncWebClient(token=fake.token, base_url=fake.api_url)
    delivery = SlackDelivery(database, client, CHANNEL)
    policy = RetryPolicy(max_attempts=kw.pop("max_attempts", 5), base_s=0.05, max_s=0.2, jitter=0)
    return OutboxWorker(
        database, delivery.handlers(), channel=slack_delivery.CHANNEL, policy=policy, **kw
    )


async def drain(w: OutboxWorker, database: Database, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await w.run_once()
        async with database.session() as db:
            unpublished = (
                await db.execute(select(OutboxMessage).where(OutboxMessage.status == "pending"))
            ).first()
            pending = (
                await db.execute(select(OutboxDelivery).where(OutboxDelivery.status == "pending"))
            ).first()
        if unpublished is None and pending is None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("outbox not drained")


async def test_new_inquiry_message_has_buyer_items_value_score_flags(
    database: Database, fake_slack: FakeSlack
) -> None:
    async with database.session() as db:
        inquiry, _ = await inquiries.create(db, draft=draft())
    await drain(worker(database, fake_slack), database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    assert call.args["channel"] == CHANNEL
    text = str(call.args["blocks"])
    assert inquiry.reference in call.args["text"]
    assert "Nordlicht &lt;Handels&gt; GmbH" in text  # escaped
    assert "DE" in text and "USD 62,500.00" in text and "72/100" in text
    assert "sample requested" in text and "PNL-6060-40W" in text
    assert ActionId.TAKE_OVER.value not in text  # no chat session: nobody to take over
    async with database.session() as db:
        row = (await db.execute(select(OutboxDelivery))).scalar_one()
    assert (row.channel, row.status) == ("slack", "sent")


async def test_take_over_button_when_the_inquiry_came_from_a_chat(
    database: Database, fake_slack: FakeSlack
) -> None:
    from sales import conversations

    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        await inquiries.create(db, draft=draft(session_id=session.id))
    await drain(worker(database, fake_slack), database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    actions = [b for b in call.args["blocks"] if b["type"] == "actions"]
    button = actions[0]["elements"][0]
    assert button["action_id"] == ActionId.TAKE_OVER.value
    assert session.id in button["value"]


async def test_outage_during_a_burst_then_every_message_exactly_once(
    database: Database, fake_slack: FakeSlack
) -> None:
    fake_slack.go_down("500")
    async with database.session() as db:
        refs = [(await inquiries.create(db, draft=draft(i)))[0].reference for i in range(12)]
    w = worker(database, fake_slack, max_attempts=50)
    for _ in range(3):
        await w.run_once()
        await asyncio.sleep(0.06)
    assert fake_slack.calls_of("chat.postMessage") == []
    fake_slack.recover()
    fake_slack.fail("chat.postMessage", "429", retry_after=0)
    fake_slack.fail("chat.postMessage", "error", error="ratelimited")
    await drain(w, database)
    posted = [c.args["text"] for c in fake_slack.calls_of("chat.postMessage")]
    assert sorted(r for r in refs for t in posted if r in t) == sorted(refs)
    assert len(posted) == 12


async def test_a_row_already_posted_is_not_posted_again(
    database: Database, fake_slack: FakeSlack
) -> None:
    async with database.session() as db:
        await inquiries.create(db, draft=draft())
    w = worker(database, fake_slack)
    await drain(w, database)
    # the worker "crashed" after posting: the delivery is pending again
    async with database.session() as db:
        row = (await db.execute(select(OutboxDelivery))).scalar_one()
        row.status = "pending"
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        await db.commit()
    await drain(w, database)
    assert len(fake_slack.calls_of("chat.postMessage")) == 1


async def test_unknown_inquiry_is_a_dead_letter(database: Database, fake_slack: FakeSlack) -> None:
    from sales import outbox

    async with database.session() as db:
        outbox.enqueue(db, topic=events.INQUIRY_CREATED, payload={"reference": "RFQ-0-0"})
        await db.commit()
    await worker(database, fake_slack).run_once()
    async with database.session() as db:
        row = (await db.execute(select(OutboxDelivery))).scalar_one()
    assert row.status == "dead" and "RFQ-0-0" in (row.last_error or "")


async def test_an_outage_longer_than_the_attempts_loses_no_message(
    database: Database, fake_slack: FakeSlack, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Slack's 5xx are its outage, not the message's fault: they spend no attempt, so an
    outage outlasting every attempt still ends with each message posted once (issue 14)."""
    from api.slack import client as slack_client

    monkeypatch.setattr(slack_client, "UNAVAILABLE_RETRY_S", 0.05)
    fake_slack.go_down("500")
    async with database.session() as db:
        refs = [(await inquiries.create(db, draft=draft(i)))[0].reference for i in range(3)]
    w = worker(database, fake_slack, max_attempts=2)
    for _ in range(6):  # three times the attempts a message has
        await w.run_once()
        await asyncio.sleep(0.1)
    assert sum(1 for call in fake_slack.calls if not call.ok) >= 6  # posts and look-ups
    fake_slack.recover()
    await drain(w, database)
    posted = [c.args["text"] for c in fake_slack.calls_of("chat.postMessage")]
    assert sorted(r for r in refs for t in posted if r in t) == sorted(refs)
    async with database.session() as db:
        statuses = (await db.execute(select(OutboxDelivery.status))).scalars().all()
    assert set(statuses) == {"sent"}


async def test_a_given_up_message_is_told_in_the_session_thread_once(
    database: Database, fake_slack: FakeSlack
) -> None:
    from sales import conversations, replay
    from sales.models import Role

    async with database.session() as db:
        session, _ = await conversations.create_session(db)
        sid = session.id
        (message,) = await conversations.append(
            db, session_id=sid, role=Role.BUYER, texts=[("hi <!channel>", [])], handled=False
        )
    async with database.session() as db:
        assert await replay.failed_attempt(
            db,
            message=message,
            reason="engine answered <500>",
            give_up=replay.GiveUp(max_attempts=1, after_s=0),
        )
    w = worker(database, fake_slack)
    await drain(w, database)
    await drain(w, database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    assert "gave up on one message" in call.args["text"]
    assert "failed it 1 time (engine answered &lt;500&gt;)" in call.args["text"]
    assert "<!channel>" not in str(call.args)  # the buyer's text is not in the notice
    async with database.session() as db:
        row = (await db.execute(select(OutboxDelivery))).scalar_one()
    assert (row.channel, row.status) == ("slack", "sent")
