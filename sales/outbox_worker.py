"""Delivery of outbox rows: claimed safely by any number of app instances, in order per
ordering key, retried with exponential backoff, dead after a number of attempts.

Claiming: a row is due when it is pending, its ``next_attempt_at`` has come, and no earlier
pending row has the same ordering key (a later message of a Slack thread waits for the earlier
one, also while that one is being retried). A claim moves ``next_attempt_at`` a lease ahead, so
no other worker takes the row while it is being delivered; if this process dies, the lease runs
out and another worker delivers it. PostgreSQL selects with ``FOR UPDATE SKIP LOCKED``; on both
backends the claim is a conditional UPDATE that only one worker can win (SQLite has one writer).

Handlers raise :class:`RetryLater` (rate limits: not counted as an attempt), :class:`Permanent`
(dead at once) or any other exception (retried with backoff). ``last_error`` holds the
exception's class and message with known secrets masked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

from sales.db import Database
from sales.models import OutboxMessage, OutboxStatus, utcnow

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
    """What a handler gets: a detached copy of the row."""

    id: int
    topic: str
    payload: dict[str, Any]
    ordering_key: str | None
    dedupe_key: str | None
    attempts: int

    @property
    def idempotency_key(self) -> str:
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


async def claim(
    db: Database, *, topics: Iterable[str], now: datetime, limit: int, lease_s: float
) -> list[Delivery]:
    """Take up to ``limit`` due rows (at most one per ordering key) for ``lease_s`` seconds."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        and_(
            earlier.ordering_key == OutboxMessage.ordering_key,
            earlier.status == OutboxStatus.PENDING.value,
            earlier.id < OutboxMessage.id,
        )
    )
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.topic.in_(list(topics)),
            ~blocked,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    lease_until = now + timedelta(seconds=lease_s)
    claimed: list[Delivery] = []
    async with db.session() as session:
        if db.url.get_backend_name() == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
        rows = list((await session.execute(stmt)).scalars())
        for row in rows:
            won = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == row.id,
                    OutboxMessage.status == OutboxStatus.PENDING.value,
                    OutboxMessage.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            )
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(
                    Delivery(
                        id=row.id,
                        topic=row.topic,
                        payload=dict(row.payload or {}),
                        ordering_key=row.ordering_key,
                        dedupe_key=row.dedupe_key,
                        attempts=row.attempts,
                    )
                )
        await session.commit()
    return claimed


async def _update(db: Database, row_id: int, **values: Any) -> None:
    async with db.session() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await session.commit()


class OutboxWorker:
    """Polls the outbox and hands due rows to the handler of their topic."""

    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, Handler],
        *,
        policy: RetryPolicy | None = None,
        poll_s: float = 1.0,
        batch: int = 20,
        lease_s: float = 60.0,
        secrets: Iterable[str] = (),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.handlers = dict(handlers)
        self.policy = policy or RetryPolicy()
        self.poll_s = poll_s
        self.batch = batch
        self.lease_s = lease_s
        self.secrets = tuple(s for s in secrets if s)
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look at the outbox now (a row was just written on this instance)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim and deliver one batch; returns how many rows were handled."""
        rows = await claim(
            self.db,
            topics=self.handlers,
            now=self.clock(),
            limit=self.batch,
            lease_s=self.lease_s,
        )
        for index, row in enumerate(rows):
            pause = await self._deliver(row)
            if pause is not None:  # rate limited: give the rest of the batch back
                for other in rows[index + 1 :]:
                    await _update(
                        self.db, other.id, next_attempt_at=self.clock() + timedelta(seconds=pause)
                    )
                break
        return len(rows)

    async def _deliver(self, row: Delivery) -> float | None:
        handler = self.handlers[row.topic]
        try:
            await handler(row)
        except RetryLater as exc:
            log.warning("outbox delivery deferred", extra={"topic": row.topic, "row": row.id})
            await _update(
                self.db,
                row.id,
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
                log.error(
                    "outbox row dead", extra={"topic": row.topic, "row": row.id, "error": error}
                )
                await _update(
                    self.db,
                    row.id,
                    status=OutboxStatus.DEAD.value,
                    attempts=attempts,
                    last_error=error,
                )
            else:
                delay = self.policy.delay(attempts)
                log.warning(
                    "outbox delivery failed, retrying",
                    extra={"topic": row.topic, "row": row.id, "error": error, "in_s": delay},
                )
                await _update(
                    self.db,
                    row.id,
                    attempts=attempts,
                    next_attempt_at=self.clock() + timedelta(seconds=delay),
                    last_error=error,
                )
            return None
        await _update(
            self.db,
            row.id,
            status=OutboxStatus.SENT.value,
            attempts=row.attempts + 1,
            sent_at=self.clock(),
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
            self._task = asyncio.create_task(self.run(), name="outbox-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
