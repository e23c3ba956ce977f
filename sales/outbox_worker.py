"""Delivery of outbox events to channels: fanned out to every subscribed channel, claimed
safely by any number of app instances, in order per ordering key, retried with exponential
backoff, dead after a number of attempts -- each channel on its own.

Fan-out: an event waits (``pending``) until a worker of any channel copies it into one
``outbox_deliveries`` row per channel subscribed to its topic (``outbox_subscriptions``; a
worker subscribes its channel to the topics it has handlers for when it starts) and marks it
``published``. A conditional UPDATE of the event's status makes one worker do it. A channel
that subscribes later gets the events published after that, not the history.

Claiming: a channel's delivery is due when it is pending, its ``next_attempt_at`` has come, and
no earlier pending delivery of the same channel (nor an earlier event still waiting for its
fan-out) has the same ordering key: a later message of a Slack thread waits for the earlier one,
also while that one is being retried. A claim moves ``next_attempt_at`` a lease ahead, so no
other worker takes the delivery meanwhile; if this process dies, the lease runs out and another
worker delivers it. PostgreSQL selects with ``FOR UPDATE SKIP LOCKED``; on both backends the
claim is a conditional UPDATE that only one worker can win (SQLite has one writer). A channel
failing (retried, dead) never re-delivers the event to another channel, which keeps its own
delivery state.

In flight: before its handler runs, a delivery is marked with the attempt's id (``sending_id``)
and the time (``sending_at``), by a conditional UPDATE that also checks the claim is still this
worker's (status pending, ``next_attempt_at`` still its lease): a batch that outlived its lease
skips the rows another worker has claimed since, and a worker whose claim comes while another
attempt is still sending (marked less than ``in_flight_s`` ago) leaves the row to it. The
attempt's end (sent, retried, dead) is recorded only by the attempt holding the marker. An
attempt that did not end in success (an error, a crash: the marker stays) leaves
``sending_at``: the next attempt gets it as :attr:`Delivery.interrupted_at` and must first look
for what the earlier one may have delivered (the Slack channel looks its post up by the event's
key, which every post carries).

Handlers raise :class:`RetryLater` (rate limits: not counted as an attempt), :class:`Permanent`
(dead at once) or any other exception (retried with backoff). ``last_error`` holds the
exception's class and message with known secrets masked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

from sales.db import Database
from sales.events import LEGACY_TOPICS, canonical
from sales.models import (
    OutboxDelivery,
    OutboxMessage,
    OutboxStatus,
    OutboxSubscription,
    utcnow,
)
from sales.outbox import subscribe

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500


class RetryLater(Exception):
    """Try again after ``after_s`` seconds without counting an attempt (a rate limit)."""

    def __init__(self, after_s: float, reason: str = "rate limited") -> None:
        super().__init__(reason)
        self.after_s = after_s


class Permanent(Exception):
    """Retrying cannot help (a malformed payload, an unknown reference): dead at once."""


@dataclass(frozen=True)
class Delivery:
    """What a handler gets: a detached copy of the event (``id``, ``topic`` by its current
    name even for a row queued under an old one) and of its delivery to this channel."""

    id: int
    topic: str
    payload: dict[str, Any]
    ordering_key: str | None
    dedupe_key: str | None
    attempts: int
    channel: str = ""
    delivery_id: int = 0
    lease_until: datetime | None = None  # the claim's lease (the row is the claimer's until)
    # when an earlier attempt started that did not end in success (it may have delivered)
    interrupted_at: datetime | None = None

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt of this event (each channel keeps its own record)."""
        return self.dedupe_key or f"outbox:{self.id}"


Handler = Callable[[Delivery], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_s: float = 2.0
    max_s: float = 600.0
    jitter: float = 0.1  # +-10 %

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1, 2, ...)."""
        raw = min(self.max_s, self.base_s * 2 ** max(0, attempts - 1))
        if self.jitter:
            raw *= 1 + (rng or random).uniform(-self.jitter, self.jitter)
        return max(0.0, raw)


def describe_error(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text[:MAX_ERROR_CHARS]


async def fan_out(db: Database, *, now: datetime, limit: int = 100) -> int:
    """Publish up to ``limit`` pending events: one delivery per subscribed channel each.
    Returns how many events were published (by this call)."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING.value)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    published = 0
    async with db.session() as session:
        if db.url.get_backend_name() == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
        events = list((await session.execute(stmt)).scalars())
        if not events:
            return 0
        channels: dict[str, list[str]] = {}
        for channel, topic in (
            await session.execute(select(OutboxSubscription.channel, OutboxSubscription.topic))
        ).all():
            channels.setdefault(topic, []).append(channel)
        for event in events:
            won = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == event.id,
                    OutboxMessage.status == OutboxStatus.PENDING.value,
                )
                .values(status=OutboxStatus.PUBLISHED.value, published_at=now)
                .execution_options(synchronize_session=False)
            )
            if won.rowcount != 1:  # type: ignore[attr-defined]
                continue
            published += 1
            session.add_all(
                OutboxDelivery(
                    message_id=event.id,
                    channel=channel,
                    ordering_key=event.ordering_key,
                    status=OutboxStatus.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                )
                for channel in sorted(set(channels.get(canonical(event.topic), ())))
            )
        await session.commit()
    return published


def topic_names(topics: Iterable[str]) -> list[str]:
    """The topics and the old names of the same events (rows queued before the rename)."""
    wanted = set(topics)
    return sorted(wanted | {old for old, new in LEGACY_TOPICS.items() if new in wanted})


async def claim(
    db: Database,
    *,
    channel: str,
    topics: Iterable[str],
    now: datetime,
    limit: int,
    lease_s: float,
) -> list[Delivery]:
    """Take up to ``limit`` of the channel's due deliveries (at most one per ordering key) for
    ``lease_s`` seconds."""
    earlier = aliased(OutboxDelivery)
    unpublished = aliased(OutboxMessage)
    blocked = exists().where(
        and_(
            earlier.channel == OutboxDelivery.channel,
            earlier.ordering_key == OutboxDelivery.ordering_key,
            earlier.status == OutboxStatus.PENDING.value,
            earlier.message_id < OutboxDelivery.message_id,
        )
    )
    waiting = exists().where(
        and_(
            unpublished.ordering_key == OutboxDelivery.ordering_key,
            unpublished.status == OutboxStatus.PENDING.value,
            unpublished.id < OutboxDelivery.message_id,
        )
    )
    stmt = (
        select(OutboxDelivery, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
        .where(
            OutboxDelivery.channel == channel,
            OutboxDelivery.status == OutboxStatus.PENDING.value,
            OutboxDelivery.next_attempt_at <= now,
            OutboxMessage.topic.in_(topic_names(topics)),
            ~blocked,
            ~waiting,
        )
        .order_by(OutboxDelivery.message_id)
        .limit(limit)
    )
    lease_until = now + timedelta(seconds=lease_s)
    claimed: list[Delivery] = []
    async with db.session() as session:
        if db.url.get_backend_name() == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=OutboxDelivery)
        rows = list((await session.execute(stmt)).tuples())
        for delivery, event in rows:
            won = await session.execute(
                update(OutboxDelivery)
                .where(
                    OutboxDelivery.id == delivery.id,
                    OutboxDelivery.status == OutboxStatus.PENDING.value,
                    OutboxDelivery.next_attempt_at == delivery.next_attempt_at,
                )
                .values(next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(
                    Delivery(
                        id=event.id,
                        topic=canonical(event.topic),
                        payload=dict(event.payload or {}),
                        ordering_key=event.ordering_key,
                        dedupe_key=event.dedupe_key,
                        attempts=delivery.attempts,
                        channel=delivery.channel,
                        delivery_id=delivery.id,
                        lease_until=lease_until,
                    )
                )
        await session.commit()
    return claimed


@dataclass(frozen=True)
class _Deferred:
    after_s: float


async def take(
    db: Database, row: Delivery, *, attempt: str, now: datetime, in_flight_s: float
) -> Delivery | _Deferred | None:
    """Mark the claimed ``row`` as being sent by ``attempt``: the row as the handler gets it
    (``interrupted_at`` set when an earlier attempt may have delivered it), ``_Deferred`` when
    another attempt is sending it, None when the claim is no longer this worker's."""
    mine = and_(
        OutboxDelivery.id == row.delivery_id,
        OutboxDelivery.status == OutboxStatus.PENDING.value,
        OutboxDelivery.next_attempt_at == row.lease_until,
    )
    async with db.session() as session:
        found = (
            await session.execute(
                select(OutboxDelivery.sending_id, OutboxDelivery.sending_at).where(mine)
            )
        ).first()
        if found is None:
            return None
        sending_id, sending_at = found
        if sending_id is not None and sending_at is not None:
            left = (sending_at + timedelta(seconds=in_flight_s) - now).total_seconds()
            if left > 0:
                return _Deferred(left)
        same_marker = (
            OutboxDelivery.sending_id.is_(None)
            if sending_id is None
            else OutboxDelivery.sending_id == sending_id
        )
        won = await session.execute(
            update(OutboxDelivery)
            .where(mine, same_marker)
            .values(sending_id=attempt, sending_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return Delivery(**{**row.__dict__, "interrupted_at": sending_at})


async def _finish(db: Database, delivery_id: int, attempt: str, **values: Any) -> bool:
    """Record an attempt's end, if the row's marker is still this attempt's."""
    async with db.session() as session:
        done = await session.execute(
            update(OutboxDelivery)
            .where(OutboxDelivery.id == delivery_id, OutboxDelivery.sending_id == attempt)
            .values(sending_id=None, **values)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    return done.rowcount == 1  # type: ignore[attr-defined]


async def _give_back(db: Database, row: Delivery, at: datetime) -> None:
    """Move a claimed row's next attempt, if the claim is still this worker's."""
    async with db.session() as session:
        await session.execute(
            update(OutboxDelivery)
            .where(
                OutboxDelivery.id == row.delivery_id,
                OutboxDelivery.status == OutboxStatus.PENDING.value,
                OutboxDelivery.next_attempt_at == row.lease_until,
            )
            .values(next_attempt_at=at)
            .execution_options(synchronize_session=False)
        )
        await session.commit()


class OutboxWorker:
    """One channel's worker: subscribes the channel to the topics it has handlers for, fans
    out new events (for every channel), and hands the channel's due deliveries to the handler
    of their topic."""

    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, Handler],
        *,
        channel: str,
        policy: RetryPolicy | None = None,
        poll_s: float = 1.0,
        batch: int = 20,
        lease_s: float = 60.0,
        in_flight_s: float = 120.0,
        secrets: Iterable[str] = (),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.channel = channel
        self.handlers = dict(handlers)
        self.policy = policy or RetryPolicy()
        self.poll_s = poll_s
        self.batch = batch
        self.lease_s = lease_s
        # an attempt marked longer ago than this is over (crashed): longer than one handler
        # can take (its HTTP calls time out well before)
        self.in_flight_s = in_flight_s
        self.secrets = tuple(s for s in secrets if s)
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._subscribed = False

    def wake(self) -> None:
        """Look at the outbox now (a row was just written on this instance)."""
        self._wake.set()

    async def subscribe(self) -> None:
        """Record this channel's topics (once). An app with several channels subscribes them
        all before any worker runs: a fan-out by one channel's worker must not pass an event
        by before another channel has subscribed to it."""
        if self._subscribed:
            return
        async with self.db.session() as session:
            added = await subscribe(session, channel=self.channel, topics=self.handlers)
        if added:
            log.info("outbox channel subscribed", extra={"channel": self.channel})
        self._subscribed = True

    async def run_once(self) -> int:
        """Fan out new events, then claim and deliver one batch of this channel's deliveries;
        returns how many deliveries were handled."""
        await self.subscribe()
        await fan_out(self.db, now=self.clock(), limit=self.batch * 5)
        rows = await claim(
            self.db,
            channel=self.channel,
            topics=self.handlers,
            now=self.clock(),
            limit=self.batch,
            lease_s=self.lease_s,
        )
        for index, row in enumerate(rows):
            pause = await self._deliver(row)
            if pause is not None:  # rate limited: give the rest of the batch back
                for other in rows[index + 1 :]:
                    await _give_back(self.db, other, self.clock() + timedelta(seconds=pause))
                break
        return len(rows)

    async def _deliver(self, claimed: Delivery) -> float | None:
        handler = self.handlers[claimed.topic]
        where = {"channel": self.channel, "topic": claimed.topic, "row": claimed.id}
        attempt = uuid.uuid4().hex
        taken = await take(
            self.db, claimed, attempt=attempt, now=self.clock(), in_flight_s=self.in_flight_s
        )
        if taken is None:  # the lease ran out and another worker has it (or has sent it)
            log.info("outbox delivery taken over by another worker", extra=where)
            return None
        if isinstance(taken, _Deferred):  # another attempt is sending it right now
            log.warning("outbox delivery in flight elsewhere", extra=where)
            await _give_back(self.db, claimed, self.clock() + timedelta(seconds=taken.after_s))
            return None
        row = taken
        if row.interrupted_at is not None:
            log.warning("outbox delivery resumed after an unfinished attempt", extra=where)
        try:
            await handler(row)
        except RetryLater as exc:
            log.warning("outbox delivery deferred", extra=where)
            await _finish(
                self.db,
                row.delivery_id,
                attempt,
                next_attempt_at=self.clock() + timedelta(seconds=exc.after_s),
                last_error=describe_error(exc, self.secrets),
            )
            return exc.after_s
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempts = row.attempts + 1
            error = describe_error(exc, self.secrets)
            if isinstance(exc, Permanent) or attempts >= self.policy.max_attempts:
                log.error("outbox delivery dead", extra={**where, "error": error})
                await _finish(
                    self.db,
                    row.delivery_id,
                    attempt,
                    status=OutboxStatus.DEAD.value,
                    attempts=attempts,
                    last_error=error,
                )
            else:
                delay = self.policy.delay(attempts)
                log.warning(
                    "outbox delivery failed, retrying",
                    extra={**where, "error": error, "in_s": delay},
                )
                await _finish(
                    self.db,
                    row.delivery_id,
                    attempt,
                    attempts=attempts,
                    next_attempt_at=self.clock() + timedelta(seconds=delay),
                    last_error=error,
                )
            return None
        await _finish(
            self.db,
            row.delivery_id,
            attempt,
            status=OutboxStatus.SENT.value,
            attempts=row.attempts + 1,
            sent_at=self.clock(),
            sending_at=None,
            last_error=None,
        )
        return None

    async def run(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox worker pass failed")
                handled = 0
            if handled:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_s)
            self._wake.clear()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=f"outbox-worker-{self.channel}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
