"""bot/channels/store_guard.py: the engine never keeps a conversation in memory when its store
fails (issue 14). Rasa 3.6's fail-safe tracker store, with the SQL store unreachable (as at an
engine's start while PostgreSQL is down), answers a retrieve with no tracker and saves into an
in-memory store; guarded, both raise, the turn ends 503 unrecorded and the channel's readiness
check answers 503 until the store is back. Runs in the engine's Python (Rasa is there only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.engine_script import run_engine_script

pytestmark = pytest.mark.engine

SCRIPT = r"""
import asyncio, json, logging, sys
from types import SimpleNamespace
sys.path.insert(0, ".")
logging.disable(logging.CRITICAL)
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

down_path, up_path = sys.argv[1], sys.argv[2]


def store(path):  # as Rasa's agent wraps every tracker store
    return FailSafeTrackerStore(SQLTrackerStore(Domain.empty(), dialect="sqlite", db=path))


async def attempt(store, sender):
    from bot.channels import store_guard

    out = {}
    tracker = DialogueStateTracker.from_events(sender, [UserUttered("hi", message_id="m1")])
    try:
        await store.save(tracker)
        out["save"] = "saved"
    except store_guard.TrackerStoreUnavailable:
        out["save"] = "refused"
    try:
        found = await store.retrieve(sender)
        out["retrieve"] = None if found is None else len(found.events)
    except store_guard.TrackerStoreUnavailable:
        out["retrieve"] = "refused"
    memory = store._fallback_tracker_store
    out["in_memory"] = memory is not None and sender in list(await memory.keys())
    return out


async def channel(store):
    from bot.channels import app

    request = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=store))))
    channel = app.AppInput("secret-0123")
    out = {"ready": await channel._store_answers(request)}
    try:
        await channel._recorded(request, "s9", "s9-1")
        out["replay"] = "read"
    except app.TurnFailed:
        out["replay"] = "turn failed"
    return out


result = {"rasa": asyncio.run(attempt(store(down_path), "s1"))}
from bot.channels import app  # the channel installs the guard when Rasa loads it
app.AppInput.from_credentials({})
result["guarded_down"] = asyncio.run(attempt(store(down_path), "s2"))
result["guarded_up"] = asyncio.run(attempt(store(up_path), "s3"))
result["channel_down"] = asyncio.run(channel(store(down_path)))
result["channel_up"] = asyncio.run(channel(store(up_path)))
# an engine started while its store was down: once the store is back, ready, table created
started_down = store(down_path)
result["before"] = asyncio.run(channel(started_down))
import os
os.makedirs(os.path.dirname(down_path))
result["back"] = asyncio.run(channel(started_down))
result["back_turn"] = asyncio.run(attempt(started_down, "s4"))
print(json.dumps(result))
"""


def test_a_failing_store_refuses_the_turn_instead_of_keeping_it_in_memory(
    tmp_path: Path,
) -> None:
    down = tmp_path / "no-such-folder" / "tracker.db"  # the store cannot be opened
    up = tmp_path / "tracker.db"
    answer = run_engine_script(
        SCRIPT, str(down), str(up), env={"ENGINE_CHANNEL_TOKEN": "secret-0123"}
    )
    # Rasa's own fail-safe: the turn's tracker kept in memory, a retrieve answers "no tracker"
    assert answer["rasa"] == {"save": "saved", "retrieve": None, "in_memory": True}
    assert answer["guarded_down"] == {"save": "refused", "retrieve": "refused", "in_memory": False}
    assert answer["guarded_up"] == {"save": "saved", "retrieve": 1, "in_memory": False}
    # readiness: 503 while the store does not answer; a replay is a failed turn, not a new one
    assert answer["channel_down"] == {"ready": False, "replay": "turn failed"}
    assert answer["channel_up"] == {"ready": True, "replay": "read"}
    assert answer["before"] == {"ready": False, "replay": "turn failed"}
    assert answer["back"] == {"ready": True, "replay": "read"}
    assert answer["back_turn"] == {"save": "saved", "retrieve": 1, "in_memory": False}
