"""Pub/sub of chat events to the WebSockets of a session, on this instance or on any instance.

In-process by default; with ``REDIS_URL`` every instance publishes to and listens on Redis, so
a message produced on one app instance reaches the buyer's WebSocket held by another.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, Protocol

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "exportdesk:chat:"


class Broker(Protocol):
    async def publish(self, session_id: str, event: dict[str, Any]) -> None: ...

    def subscribe(
        self, session_id: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]: ...

    async def close(self) -> None: ...


class _Fanout:
    """Local subscribers per session; each gets its own bounded queue."""

    def __init__(self) -> None:
        self.queues: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    def deliver(self, session_id: str, event: dict[str, Any]) -> None:
        for queue in tuple(self.queues.get(session_id, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                log.warning("websocket subscriber too slow, event dropped")

    @contextlib.asynccontextmanager
    async def attach(self, session_id: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        self.queues[session_id].add(queue)
        try:
            yield queue
        finally:
            self.queues[session_id].discard(queue)
            if not self.queues[session_id]:
                del self.queues[session_id]


async def _drain(queue: asyncio.Queue[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    while True:
        yield await queue.get()


class LocalBroker:
    def __init__(self) -> None:
        self._fanout = _Fanout()

    async def publish(self, session_id: str, event: dict[str, Any]) -> None:
        self._fanout.deliver(session_id, event)

    @contextlib.asynccontextmanager
    async def subscribe(self, session_id: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        async with self._fanout.attach(session_id) as queue:
            yield _drain(queue)

    async def close(self) -> None:
        return None


class RedisBroker:
    """One Redis pattern subscription per instance, fanned out locally."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self._fanout = _Fanout()
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def _listen(self) -> None:
        while True:
            try:
                pubsub = self._redis.pubsub()
                await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                self._ready.set()
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"].decode()
                    session_id = channel.removeprefix(CHANNEL_PREFIX)
                    self._fanout.deliver(session_id, json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis subscription lost, reconnecting")
                await asyncio.sleep(1)

    async def publish(self, session_id: str, event: dict[str, Any]) -> None:
        """Push to every instance's sockets; with Redis unreachable the event is not pushed
        (logged): what it carries is stored already and the widget reads the transcript
        when it reconnects, so the caller's turn goes on."""
        import redis.exceptions

        try:
            await self._redis.publish(CHANNEL_PREFIX + session_id, json.dumps(event))
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            log.warning(
                "redis unreachable: chat event not pushed", extra={"reason": type(exc).__name__}
            )

    @contextlib.asynccontextmanager
    async def subscribe(self, session_id: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        async with self._fanout.attach(session_id) as queue:
            yield _drain(queue)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


async def create_broker(redis_url: str | None) -> Broker:
    if not redis_url:
        return LocalBroker()
    broker = RedisBroker(redis_url)
    await broker.start()
    return broker
