"""The load run's buyer (bench/load_bench.py): every answer counted by what it was (a 503 that
kept the message, a 503 busy that did not, a refusal), the app's Retry-After honoured, and the
resident memory read per process group."""

from __future__ import annotations

import os
import random
import time

import httpx
import pytest

from bench import load_bench
from tests.faults.harness import Buyer


class Stack:
    async def _answered_in_transcript(self, *args: object, **kwargs: object) -> bool:
        return False  # the patient buyer's wait: never answered in the transcript here


async def test_busy_and_kept_503s_are_told_apart_and_the_message_sent_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(load_bench, "THINK_S", (0.0, 0.0))
    answers = [
        httpx.Response(503, json={"detail": "the assistant is busy"}, headers={"Retry-After": "0"}),
        httpx.Response(503, json={"detail": "a person will follow up"}),
        httpx.Response(200, json={"messages": []}),
    ]
    bodies: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return answers.pop(0)

    figures = load_bench.Figures()
    buyer = Buyer(index=1, patient=True, session_id="s1", token="t")
    async with httpx.AsyncClient(
        base_url="http://app", transport=httpx.MockTransport(answer)
    ) as client:
        answered = await load_bench.say(
            Stack(),
            client,
            buyer,
            0,
            deadline=time.monotonic() + 30,
            rng=random.Random(1),
            figures=figures,
        )
    assert answered and buyer.answered == 1 and buyer.sent == 1
    assert (figures.busy, figures.kept) == (1, 1)
    assert figures.statuses == {"503": 2, "200": 1}
    assert len(set(bodies)) == 1  # the same message, the same client_message_id, each time
    assert buyer.not_answered_first == 1 and len(figures.latencies) == 1


async def test_a_refused_message_ends_the_conversation() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"detail": "that button is no longer available"})

    figures = load_bench.Figures()
    buyer = Buyer(index=1, session_id="s1", token="t")
    async with httpx.AsyncClient(
        base_url="http://app", transport=httpx.MockTransport(answer)
    ) as client:
        answered = await load_bench.say(
            Stack(),
            client,
            buyer,
            6,
            deadline=time.monotonic() + 30,
            rng=random.Random(1),
            figures=figures,
        )
    assert not answered and buyer.refused == 1 and buyer.error


def test_resident_memory_is_read_per_process_group() -> None:
    assert load_bench.rss_mib(os.getpgid(0)) > 10  # this test process's group at least
    assert load_bench.rss_mib(2**22 + 7) == 0  # no such group
