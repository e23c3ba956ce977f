"""The outbox's in-flight marker (issue 14, finding 11): no Slack post repeats after a crash
between posting and recording it, nor when a batch outlives its lease."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.slack import delivery as slack_delivery
from api.slack import threads as slack_threads
from sales import inquiries
from sales.db import Database
from sales.models import OutboxDelivery, utcnow
from sales.outbox import subscribe
from sales.outbox_worker import Delivery, OutboxWorker, claim, fan_out, take
from tests.fakes.slack import FakeSlack

from .test_delivery import draft, drain, worker


def later(seconds: float):  # type: ignore[no-untyped-def]
    return lambda: utcnow() + timedelta(seconds=seconds)


async def _rows(database: Database) -> list[OutboxDelivery]:
    async with database.session() as db:
        return list((await db.execute(select(OutboxDelivery))).scalars())


async def test_a_crash_between_the_post_and_its_record_does_not_post_again(
    database: Database, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.session() as db:
        inquiry, _ = await inquiries.create(db, draft=draft())
    record_post = slack_threads.record_post

    async def killed(*_: object, **__: object) -> None:
        raise asyncio.CancelledError  # the process dies right after Slack took the post

    monkeypatch.setattr(slack_threads, "record_post", killed)
    with pytest.raises(asyncio.CancelledError):
        await worker(database, fake_slack).run_once()
    monkeypatch.setattr(slack_threads, "record_post", record_post)
    assert len(fake_slack.calls_of("chat.postMessage")) == 1
    (row,) = await _rows(database)
    assert row.status == "pending" and row.sending_id and row.sending_at

    # another instance, once the lease and the in-flight time have run out
    await drain(worker(database, fake_slack, clock=later(200)), database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    assert call.args["metadata"]["event_payload"]["key"]  # what the lookup found it by
    assert fake_slack.calls_of("conversations.history")
    (row,) = await _rows(database)
    assert row.status == "sent" and row.sending_id is None
    async with database.session() as db:
        recorded = await slack_threads.latest_post(db, kind="inquiry", ref=inquiry.reference)
    ((_channel, posted_ts),) = fake_slack.messages
    assert recorded is not None and recorded.ts == posted_ts


async def test_a_failed_attempt_that_posted_is_not_posted_again(
    database: Database, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.session() as db:
        await inquiries.create(db, draft=draft())
    record_post = slack_threads.record_post
    monkeypatch.setattr(slack_threads, "record_post", _raises(RuntimeError("database gone")))
    w = worker(database, fake_slack)
    await w.run_once()  # posted, then failed: retried with backoff
    monkeypatch.setattr(slack_threads, "record_post", record_post)
    await drain(w, database)
    assert len(fake_slack.calls_of("chat.postMessage")) == 1


def _raises(exc: Exception):  # type: ignore[no-untyped-def]
    async def fail(*_: object, **__: object) -> None:
        raise exc

    return fail


async def _claimed(database: Database, w: OutboxWorker) -> list[Delivery]:
    async with database.session() as db:
        await subscribe(db, channel=slack_delivery.CHANNEL, topics=w.handlers)
    await fan_out(database, now=utcnow())
    return await claim(
        database,
        channel=slack_delivery.CHANNEL,
        topics=w.handlers,
        now=utcnow(),
        limit=20,
        lease_s=w.lease_s,
    )


async def test_a_batch_that_outlived_its_lease_skips_what_another_worker_took(
    database: Database, fake_slack: FakeSlack
) -> None:
    async with database.session() as db:
        for i in range(3):
            await inquiries.create(db, draft=draft(i))
    slow = worker(database, fake_slack)
    batch = await _claimed(database, slow)
    assert len(batch) == 3
    # the lease (60 s) runs out while the slow worker is still on its batch
    await drain(worker(database, fake_slack, clock=later(61)), database)
    assert len(fake_slack.calls_of("chat.postMessage")) == 3
    for row in batch:
        await slow._deliver(row)
    assert len(fake_slack.calls_of("chat.postMessage")) == 3
    assert {r.status for r in await _rows(database)} == {"sent"}


async def test_a_claim_while_another_attempt_is_sending_waits_then_looks_before_posting(
    database: Database, fake_slack: FakeSlack
) -> None:
    async with database.session() as db:
        await inquiries.create(db, draft=draft())
    stuck = worker(database, fake_slack)
    (row,) = await _claimed(database, stuck)
    taken = await take(database, row, attempt="a" * 32, now=utcnow(), in_flight_s=120)
    assert isinstance(taken, Delivery)  # marked, then (say) hung in the post
    await worker(database, fake_slack, clock=later(61)).run_once()
    assert fake_slack.calls_of("chat.postMessage") == []  # left to the attempt in flight
    (stored,) = await _rows(database)
    assert stored.sending_id == "a" * 32 and stored.status == "pending"
    # that attempt never ends: past the in-flight time another one looks, finds nothing, posts
    await drain(worker(database, fake_slack, clock=later(200)), database)
    assert len(fake_slack.calls_of("chat.postMessage")) == 1
    assert fake_slack.calls_of("conversations.history")
