"""bot/sql_tracker_store.py: the SQL tracker store writes a turn's new events by one statement,
the same rows in the same order as Rasa's own `save`, and reads back the same trackers; a SQLite
file's connections are pooled (any thread may use them: the channel's readiness check runs in
one), PostgreSQL keeps Rasa's settings; bot/serve.py installs it before `rasa run` starts. Runs
in the engine's Python (Rasa is installed there only)."""

from __future__ import annotations

import pytest

from tests.bot.engine_script import run_engine_script

pytestmark = pytest.mark.engine

SCRIPT = r"""
import asyncio, json, os, runpy, sqlite3, sys, tempfile
sys.path.insert(0, ".")
import rasa.__main__
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

domain = Domain.load("bot/domain")
rasa_save = SQLTrackerStore.save
work = tempfile.mkdtemp()


def turns(sender):
    # a conversation in turns, as the processor saves it: the events of each turn
    tracker = DialogueStateTracker(sender, domain.slots)
    stamp = 1_000.0
    script = [
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        [UserUttered("Hello", {"name": "greet", "confidence": 0.98},
                     parse_data={"intent": {"name": "greet", "confidence": 0.98},
                                 "entities": [], "text": "Hello"}, message_id="m1"),
         ActionExecuted("utter_greet"), BotUttered("Hi! What do you need?", {"buttons": []}),
         ActionExecuted("action_listen")],
        [UserUttered("5000 pcs to Hamburg, CIF", {"name": "inform", "confidence": 0.9},
                     parse_data={"intent": {"name": "inform", "confidence": 0.9},
                                 "entities": [{"entity": "incoterm", "value": "CIF"}],
                                 "text": "5000 pcs to Hamburg, CIF"}, message_id="m2"),
         SlotSet("quantity", {"amount": "5000"}), SlotSet("incoterm", "CIF"),
         ActionExecuted("rfq_form"), ActiveLoop("rfq_form"), SlotSet("requested_slot", "email"),
         BotUttered("Your email?", {"buttons": [{"title": "skip", "payload": "/deny"}]}),
         ActionExecuted("action_listen")],
        [],  # a save with nothing new
    ]
    for events in script:
        for event in events:
            stamp += 1.0
            event.timestamp = stamp
            tracker.update(event)
        yield tracker


EVENTS = []


async def play(store):
    for sender in ("a", "b"):
        for tracker in turns(sender):
            await store.save(tracker)
        EVENTS.append(len(tracker.events))
    found = {s: (await store.retrieve(s)).current_state() for s in ("a", "b")}
    return found


def rows(path):
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data "
            "FROM events ORDER BY id").fetchall()


plain_db, ours_db = os.path.join(work, "plain.db"), os.path.join(work, "ours.db")
plain_store = SQLTrackerStore(domain, dialect="sqlite", db=plain_db)
plain = asyncio.run(play(plain_store))

# bot/serve.py installs it before it hands over to `rasa run` (not started here)
rasa.__main__.main = lambda: None
sys.argv = ["serve.py"]
runpy.run_path("bot/serve.py", run_name="__main__")
from bot import sql_tracker_store
ours_save = sql_tracker_store.save
installed = SQLTrackerStore.save is ours_save and rasa_save is not ours_save
tracker_writes_kwargs = sql_tracker_store.engine_kwargs
rasa_kwargs = sql_tracker_store._rasa_engine_kwargs
ours_store = SQLTrackerStore(domain, dialect="sqlite", db=ours_db)
ours = asyncio.run(play(ours_store))

from concurrent.futures import ThreadPoolExecutor
from bot.channels.store_guard import store_answers
with ThreadPoolExecutor(1) as pool:  # as the channel's readiness check runs it
    answers_elsewhere = pool.submit(store_answers, ours_store).result()
again = asyncio.run(play(ours_store))  # and the loop's thread goes on with the pool
pg = "postgresql://u:p@db:5432/tracker"
from rasa.core import tracker_store as rasa_ts
print(json.dumps({
    "pools": [type(plain_store.engine.pool).__name__, type(ours_store.engine.pool).__name__],
    "answers_elsewhere": answers_elsewhere,
    "again": again == ours,
    "postgresql_as_rasa": tracker_writes_kwargs(pg) == rasa_kwargs(pg),
    "installed": installed,
    "rows": len(rows(plain_db)),
    "events": EVENTS[:2],
    "same_rows": rows(plain_db) == rows(ours_db),
    "same_trackers": plain == ours,
}))
"""


def test_same_rows_and_trackers_as_rasas_save_and_installed_by_serve() -> None:
    answer = run_engine_script(
        SCRIPT,
        env={
            "RASA_AUTH_TOKEN": "test-api-token-0123",
            "ENGINE_CHANNEL_TOKEN": "test-channel-token-0123",
        },
    )
    assert answer["installed"]
    assert answer["pools"] == ["NullPool", "QueuePool"]
    assert answer["answers_elsewhere"] and answer["again"]
    assert answer["postgresql_as_rasa"]
    # every event of both conversations (Rasa counts the stored events from the session's
    # start, so the event before it is written again on the next save: by both, alike)
    assert answer["rows"] >= sum(answer["events"]) > 20
    assert answer["same_rows"] and answer["same_trackers"]
