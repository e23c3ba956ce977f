"""The outbox worker on SQLite and PostgreSQL: fan-out to subscribed channels, ordering per
key, backoff, dead letters, rate limits, each channel on its own, old topic names, and two
workers never delivering a row twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sales import events, outbox
from sales.db import Database
from sales.models import OutboxDelivery, OutboxMessage, OutboxStatus
from sales.outbox_worker import (
    Delivery,
    OutboxWorker,
    Permanent,
    RetryLater,
    RetryPolicy,
    claim,
    describe_error,
    fan_out,
)

CHANNEL = "test"

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def _enqueue(
    db: Database, *rows: tuple[str, str | None, str | None], topic: str = "t"
) -> None:
    async with db.session() as session:
        await outbox.subscribe(session, channel=CHANNEL, topics=[topic])
        for text, key, dedupe in rows:
            outbox.enqueue(
                session, topic=topic, payload={"text": text}, ordering_key=key, dedupe_key=dedupe
            )
        await session.commit()


async def _rows(db: Database, channel: str = CHANNEL) -> list[OutboxDelivery]:
    """The channel's deliveries, in event order."""
    async with db.session() as session:
        result = await session.execute(
            select(OutboxDelivery)
            .where(OutboxDelivery.channel == channel)
            .order_by(OutboxDelivery.message_id)
        )
        return list(result.scalars())


def _worker(db: Database, handler, clock: Clock, **kw) -> OutboxWorker:  # type: ignore[no-untyped-def]
    policy = kw.pop("policy", RetryPolicy(max_attempts=3, base_s=2, max_s=60, jitter=0))
    topic = kw.pop("topic", "t")
    channel = kw.pop("channel", CHANNEL)
    return OutboxWorker(db, {topic: handler}, channel=channel, policy=policy, clock=clock, **kw)


async def test_delivers_in_order_per_key_and_marks_sent(database: Database) -> None:
    await _enqueue(database, ("a1", "A", None), ("b1", "B", None), ("a2", "A", None))
    seen: list[str] = []

    async def handler(row: Delivery) -> None:
        seen.append(row.payload["text"])

    clock = Clock()
    worker = _worker(database, handler, clock)
    assert await worker.run_once() == 2  # a1 and b1; a2 waits for a1
    assert seen == ["a1", "b1"]
    assert await worker.run_once() == 1
    assert seen == ["a1", "b1", "a2"]
    rows = await _rows(database)
    assert {r.status for r in rows} == {OutboxStatus.SENT.value}
    assert all(r.attempts == 1 and r.sent_at is not None for r in rows)


async def test_later_row_waits_while_earlier_is_retried(database: Database) -> None:
    await _enqueue(database, ("a1", "A", None), ("a2", "A", None))
    calls: list[str] = []

    async def handler(row: Delivery) -> None:
        calls.append(row.payload["text"])
        if row.payload["text"] == "a1" and calls.count("a1") == 1:
            raise RuntimeError("Slack is down")

    clock = Clock()
    worker = _worker(database, handler, clock)
    assert await worker.run_once() == 1
    first = (await _rows(database))[0]
    assert first.status == "pending" and first.attempts == 1
    assert first.next_attempt_at == T0 + timedelta(seconds=2)
    assert first.last_error == "RuntimeError: Slack is down"
    assert await worker.run_once() == 0  # a1 not due yet, a2 blocked behind it
    clock.advance(2)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 1
    assert calls == ["a1", "a1", "a2"]


async def test_exponential_backoff_then_dead_letter_without_secrets(database: Database) -> None:
    await _enqueue(database, ("x", "K", None), ("after", "K", None))

    async def handler(row: Delivery) -> None:
        if row.payload["text"] == "x":
            raise RuntimeError("token xoxb-secret-123 rejected")

    clock = Clock()
    worker = _worker(database, handler, clock, secrets=["xoxb-secret-123"])
    delays = []
    for _ in range(3):
        before = clock.now
        await worker.run_once()
        row = (await _rows(database))[0]
        if row.status == OutboxStatus.DEAD.value:
            break
        delays.append((row.next_attempt_at - before).total_seconds())
        clock.now = row.next_attempt_at
    assert delays == [2, 4]
    dead = (await _rows(database))[0]
    assert dead.status == "dead" and dead.attempts == 3
    assert "xoxb-secret-123" not in (dead.last_error or "")
    assert "***" in (dead.last_error or "")
    # a dead row no longer holds back its key
    assert await worker.run_once() == 1
    assert (await _rows(database))[1].status == "sent"


async def test_permanent_error_is_dead_at_once(database: Database) -> None:
    await _enqueue(database, ("x", None, None))

    async def handler(row: Delivery) -> None:
        raise Permanent("channel_not_found")

    await _worker(database, handler, Clock()).run_once()
    row = (await _rows(database))[0]
    assert row.status == "dead" and row.attempts == 1


async def test_rate_limit_defers_without_counting_and_releases_the_batch(
    database: Database,
) -> None:
    await _enqueue(database, ("a", "A", None), ("b", "B", None))

    async def handler(row: Delivery) -> None:
        raise RetryLater(7)

    clock = Clock()
    await _worker(database, handler, clock).run_once()
    rows = await _rows(database)
    assert [r.attempts for r in rows] == [0, 0]
    assert all(r.next_attempt_at == T0 + timedelta(seconds=7) for r in rows)


async def test_dedupe_key_makes_one_row(database: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    await _enqueue(database, ("a", None, "once"))
    with pytest.raises(IntegrityError):
        await _enqueue(database, ("a", None, "once"))
    async with database.session() as session:
        assert len(list((await session.execute(select(OutboxMessage))).scalars())) == 1


async def test_claim_leases_rows_so_a_second_claim_gets_nothing(database: Database) -> None:
    await _enqueue(database, ("a", "A", None), ("b", None, None))
    assert await fan_out(database, now=T0) == 2
    assert await fan_out(database, now=T0) == 0  # published once
    first = await claim(database, channel=CHANNEL, topics=["t"], now=T0, limit=10, lease_s=60)
    second = await claim(database, channel=CHANNEL, topics=["t"], now=T0, limit=10, lease_s=60)
    assert [r.payload["text"] for r in first] == ["a", "b"]
    assert second == []
    # a crashed worker's lease runs out: the rows come back
    again = await claim(
        database,
        channel=CHANNEL,
        topics=["t"],
        now=T0 + timedelta(seconds=61),
        limit=10,
        lease_s=60,
    )
    assert len(again) == 2


async def test_two_workers_deliver_every_row_exactly_once(database: Database) -> None:
    keys = ["A", "B", "C", None]
    await _enqueue(database, *[(f"m{i}", keys[i % 4], None) for i in range(40)])
    delivered: list[str] = []
    per_key: dict[str, list[int]] = {}

    async def handler(row: Delivery) -> None:
        await asyncio.sleep(0.001)
        delivered.append(row.payload["text"])
        if row.ordering_key:
            per_key.setdefault(row.ordering_key, []).append(row.id)

    other = Database(database.url)
    try:
        workers = [
            OutboxWorker(
                db, {"t": handler}, channel=CHANNEL, batch=5, clock=lambda: T0 + timedelta(hours=1)
            )
            for db in (database, other)
        ]

        async def drain(worker: OutboxWorker) -> None:
            for _ in range(100):
                await worker.run_once()

        await asyncio.gather(*(drain(w) for w in workers))
    finally:
        await other.dispose()
    assert sorted(delivered) == sorted(f"m{i}" for i in range(40))
    assert all(ids == sorted(ids) for ids in per_key.values())


async def test_each_subscribed_channel_gets_the_event_and_failures_stay_in_their_channel(
    database: Database,
) -> None:
    async with database.session() as session:
        await outbox.subscribe(session, channel="email", topics=["t"])
    await _enqueue(database, ("a1", "A", None), ("a2", "A", None))
    slack: list[str] = []
    email: list[str] = []

    async def to_slack(row: Delivery) -> None:
        slack.append(row.payload["text"])

    async def to_email(row: Delivery) -> None:
        email.append(row.payload["text"])
        if row.payload["text"] == "a1" and email.count("a1") == 1:
            raise RuntimeError("SMTP is down")

    clock = Clock()
    slack_worker = _worker(database, to_slack, clock)
    email_worker = _worker(database, to_email, clock, channel="email")
    assert await email_worker.run_once() == 1  # fans out to both channels; a1 fails
    assert await slack_worker.run_once() == 1 and await slack_worker.run_once() == 1
    assert slack == ["a1", "a2"]  # not held back by the other channel's retry
    assert await email_worker.run_once() == 0  # a1 not due yet, a2 waits for it
    clock.advance(2)
    assert await email_worker.run_once() == 1 and await email_worker.run_once() == 1
    assert email == ["a1", "a1", "a2"]
    assert await slack_worker.run_once() == 0
    assert slack == ["a1", "a2"]  # the email retry re-delivered nothing to Slack
    assert [(r.status, r.attempts) for r in await _rows(database)] == [("sent", 1), ("sent", 1)]
    assert [(r.status, r.attempts) for r in await _rows(database, "email")] == [
        ("sent", 2),
        ("sent", 1),
    ]


async def test_a_dead_delivery_leaves_the_other_channel_sent(database: Database) -> None:
    async with database.session() as session:
        await outbox.subscribe(session, channel="email", topics=["t"])
    await _enqueue(database, ("x", None, None))

    async def ok(row: Delivery) -> None:
        return None

    async def broken(row: Delivery) -> None:
        raise Permanent("no such address")

    await _worker(database, broken, Clock(), channel="email").run_once()
    await _worker(database, ok, Clock()).run_once()
    assert [r.status for r in await _rows(database, "email")] == ["dead"]
    assert [r.status for r in await _rows(database)] == ["sent"]


async def test_a_channel_subscribing_later_gets_new_events_not_the_history(
    database: Database,
) -> None:
    await _enqueue(database, ("old", None, None))
    seen: list[str] = []

    async def handler(row: Delivery) -> None:
        seen.append(row.payload["text"])

    await _worker(database, handler, Clock()).run_once()  # "old" published to "test" only
    dashboard = _worker(database, handler, Clock(), channel="dashboard")
    assert await dashboard.run_once() == 0
    await _enqueue(database, ("new", None, None))
    assert await dashboard.run_once() == 1
    assert seen == ["old", "new"]


async def test_an_event_nobody_subscribes_to_is_published_without_deliveries(
    database: Database,
) -> None:
    async with database.session() as session:
        outbox.enqueue(session, topic="nobody.listens", payload={})
        await session.commit()
    assert await fan_out(database, now=T0) == 1
    async with database.session() as session:
        event = (await session.execute(select(OutboxMessage))).scalar_one()
        deliveries = (await session.execute(select(OutboxDelivery))).scalars().all()
    assert event.status == OutboxStatus.PUBLISHED.value and event.published_at == T0
    assert deliveries == []


async def test_rows_queued_under_an_old_topic_name_reach_the_events_handler(
    database: Database,
) -> None:
    async with database.session() as session:
        await outbox.subscribe(session, channel=CHANNEL, topics=events.ALL)
        for old in events.LEGACY_TOPICS:
            outbox.enqueue(session, topic=old, payload={"text": old})
        await session.commit()
    seen: list[tuple[str, str]] = []

    async def handler(row: Delivery) -> None:
        seen.append((row.payload["text"], row.topic))

    worker = OutboxWorker(database, dict.fromkeys(events.ALL, handler), channel=CHANNEL)
    assert await worker.run_once() == len(events.LEGACY_TOPICS)
    assert sorted(seen) == sorted(events.LEGACY_TOPICS.items())


async def test_subscribe_is_idempotent(database: Database) -> None:
    async with database.session() as session:
        assert await outbox.subscribe(session, channel="c", topics=["b", "a", "a"]) == ["a", "b"]
        assert await outbox.subscribe(session, channel="c", topics=["a", "c"]) == ["c"]


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(max_attempts=10, base_s=2, max_s=60, jitter=0.1)
    assert 1.8 <= policy.delay(1) <= 2.2
    assert 54 <= policy.delay(9) <= 66
    assert RetryPolicy(jitter=0, base_s=1, max_s=5).delay(10) == 5


def test_describe_error_masks_and_truncates() -> None:
    text = describe_error(RuntimeError("s3cr3t " + "x" * 1000), ["s3cr3t"])
    assert "s3cr3t" not in text and len(text) <= 500
