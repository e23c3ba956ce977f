from __future__ import annotations

from api.chat.ratelimit import RateLimiter


def test_burst_then_refill() -> None:
    limiter = RateLimiter(per_minute=60, burst=3)
    assert [limiter.allow("s", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("s", now=1.0) is True  # one token per second
    assert limiter.allow("s", now=1.0) is False
    assert limiter.allow("other", now=1.0) is True  # per session


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, max_keys=10)
    for i in range(100):
        limiter.allow(f"s{i}", now=0.0)
    assert len(limiter._buckets) == 10
