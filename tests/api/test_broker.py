from __future__ import annotations

import asyncio

import pytest

from api.broker import LocalBroker, RedisBroker, create_broker


async def _roundtrip(publisher, subscriber) -> None:  # type: ignore[no-untyped-def]
    async with subscriber.subscribe("s1") as events, subscriber.subscribe("s2") as other:
        await publisher.publish("s1", {"type": "message", "seq": 1})
        got = await asyncio.wait_for(anext(events), timeout=5)
        assert got == {"type": "message", "seq": 1}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(other), timeout=0.3)


async def test_local_broker() -> None:
    broker = LocalBroker()
    await _roundtrip(broker, broker)


@pytest.mark.redis
async def test_redis_broker_reaches_another_instance() -> None:
    first = await create_broker("redis://127.0.0.1:6379/0")
    second = await create_broker("redis://127.0.0.1:6379/0")
    assert isinstance(first, RedisBroker)
    try:
        await _roundtrip(first, second)
    finally:
        await first.close()
        await second.close()
