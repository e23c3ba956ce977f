"""The engine client over several engine workers: which worker a conversation goes to."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter

import httpx
import pytest

from api.engine import EngineClient, worker_for
from api.settings import Settings

SENDERS = [uuid.UUID(int=i).hex for i in range(2000)]


def test_one_worker_takes_everything() -> None:
    assert {worker_for(s, 1) for s in SENDERS[:50]} == {0}


def test_conversations_spread_evenly_over_the_workers() -> None:
    for workers in (2, 3, 4):
        counts = Counter(worker_for(s, workers) for s in SENDERS)
        assert set(counts) == set(range(workers))
        expected = len(SENDERS) / workers
        assert all(abs(n - expected) < expected * 0.15 for n in counts.values()), counts


def test_a_new_worker_takes_conversations_only_for_itself() -> None:
    """Rendezvous hashing: from 2 to 3 workers, a conversation either stays or moves to the new
    worker, never between the old ones."""
    moved = 0
    for sender in SENDERS:
        before, after = worker_for(sender, 2), worker_for(sender, 3)
        assert after in (before, 2)
        moved += after != before
    assert 0.25 < moved / len(SENDERS) < 0.42  # about a third


def test_every_app_process_picks_the_same_worker() -> None:
    """App instances are separate processes: the choice must not depend on Python's per-process
    hash seed."""
    code = (
        "import sys; from api.engine import worker_for;"
        "print(','.join(str(worker_for(s, 4)) for s in sys.argv[1:]))"
    )
    picks = set()
    for seed in ("1", "2", "3"):
        out = subprocess.run(
            [sys.executable, "-c", code, *SENDERS[:40]],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        picks.add(out.stdout.strip())
    assert picks == {",".join(str(worker_for(s, 4)) for s in SENDERS[:40])}


def test_settings_list_the_workers_on_consecutive_ports() -> None:
    settings = Settings(_env_file=None, rasa_host="10.0.0.5", rasa_port=6000, engine_workers=3)
    assert settings.engine_urls == [
        "http://10.0.0.5:6000",
        "http://10.0.0.5:6001",
        "http://10.0.0.5:6002",
    ]
    assert settings.engine_url == settings.engine_urls[0]
    assert Settings(_env_file=None).engine_urls == [Settings(_env_file=None).engine_url]
    with pytest.raises(ValueError):
        Settings(_env_file=None, engine_workers=0)


def _client(answer: httpx.MockTransport, workers: int) -> EngineClient:
    urls = [f"http://engine-{i}:5005/" for i in range(workers)]
    client = EngineClient(urls, "api-token", channel_token="channel-token")
    client._client = httpx.AsyncClient(transport=answer)
    return client


async def test_turns_and_triggers_go_to_the_conversations_worker() -> None:
    seen: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.url.path))
        if request.url.path.endswith("/trigger_intent"):
            return httpx.Response(200, json={"messages": []})
        return httpx.Response(200, json=[{"recipient_id": "x", "text": "ok"}])

    client = _client(httpx.MockTransport(answer), 3)
    try:
        for sender in SENDERS[:30]:
            await client.send(sender, "hello")
            await client.trigger(sender)
    finally:
        await client.close()
    for n, sender in enumerate(SENDERS[:30]):
        host = f"engine-{worker_for(sender, 3)}"
        assert seen[2 * n] == (host, "/webhooks/app/webhook")
        assert seen[2 * n + 1] == (host, f"/conversations/{sender}/trigger_intent")
    assert {host for host, _ in seen} == {"engine-0", "engine-1", "engine-2"}


async def test_the_model_is_loaded_only_when_every_worker_has_it() -> None:
    down: set[str] = set()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host in down:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"model_file": "model.tar.gz"})

    client = _client(httpx.MockTransport(answer), 2)
    try:
        assert await client.model_loaded()
        down.add("engine-1")
        assert not await client.model_loaded()
    finally:
        await client.close()


def test_an_empty_worker_list_is_refused() -> None:
    with pytest.raises(ValueError, match="no engine URL"):
        EngineClient([], "api-token", channel_token="channel-token")
