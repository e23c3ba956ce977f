"""The scaling benchmark's load (bench/scaling_bench.py): turns counted, failed conversations
counted, not hidden."""

from __future__ import annotations

import json

import httpx

from bench.chat_bench import SCRIPT
from bench.scaling_bench import _ints, _row, load


async def test_failed_conversations_are_counted_and_their_turns_are_not() -> None:
    sessions: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/chat/sessions":
            sessions.append(f"s{len(sessions)}")
            return httpx.Response(200, json={"session_id": sessions[-1], "token": "t"})
        session = request.url.path.split("/")[4]
        if session == "s1" and json.loads(request.content).get("text") == "T/T":
            return httpx.Response(503, json={"detail": "engine down"})
        return httpx.Response(200, json={"messages": [{"text": "ok"}]})

    result = await load("http://app", 3, 0, transport=httpx.MockTransport(answer))
    assert result["failed"] == 1
    # two whole conversations, and the failed one's turns up to its 503 (included)
    assert result["turns"] == 2 * len(SCRIPT) + 3
    assert result["msgs_per_s"] > 0 and result["p95_ms"] >= result["p50_ms"]


def test_the_options_and_a_row() -> None:
    assert _ints("1,2, 4") == [1, 2, 4]
    row = _row(
        2, 20, {"turns": 140, "msgs_per_s": 5.04, "p50_ms": 2100.4, "p95_ms": 3000.6, "failed": 0}
    )
    assert row.split() == ["2", "20", "140", "5.0", "2100", "3001", "0"]
