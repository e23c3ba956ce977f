"""The SQL tracker store: a turn's new events inserted by one statement, and SQLite's
connections kept open.

Rasa 3.6's `SQLTrackerStore.save` adds each new event of the turn (about eight a buyer turn)
to an ORM session as an object, so the commit's flush runs SQLAlchemy's unit of work and one
INSERT per event, each with its primary key fetched back for objects nobody reads. Here the
same rows (sender, type, timestamp, intent, action, the event as JSON), in the same order and
the same transaction, go in as one executemany on the events table. What is new is found as
Rasa finds it (`_additional_events`: the events of the latest session already stored are
counted), and the event broker gets the events first, as before.

On SQLite, SQLAlchemy 1.4 (the engine's) gives a file database no pool: every read and write
of the store opened the file, read its schema and closed it again (two a turn). Its engine is
made as SQLAlchemy 2.0 makes one for a file by default, with a pool of connections that any
thread may use in turn (`check_same_thread=False`). PostgreSQL and in-memory databases keep
Rasa's settings.

`install()` is called by bot/serve.py before `rasa run` starts (and by the turn profile,
bench/turn_profile.py); it only changes the engine's code, so it needs no retraining.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core import tracker_store
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)


def event_row(sender_id: str, event: Any) -> dict[str, Any]:
    """The events table's row of `event`, as Rasa's `save` fills it."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


async def save(self: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
    """`SQLTrackerStore.save`, the new events inserted by one statement."""
    await self.stream_events(tracker)

    with self.session_scope() as session:
        # only store recent events
        rows = [
            event_row(tracker.sender_id, event)
            for event in self._additional_events(session, tracker)
        ]
        if rows:
            session.execute(sa.insert(self.SQLEvent.__table__), rows)
        session.commit()

    logger.debug(f"Tracker with sender_id '{tracker.sender_id}' stored to database")


_rasa_engine_kwargs = tracker_store.create_engine_kwargs


def engine_kwargs(url: Any) -> dict[str, Any]:
    """Rasa's `create_engine` arguments for the store at `url`; for a SQLite file, a pool."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}}
    return dict(_rasa_engine_kwargs(url))


def install() -> None:
    """Make this process's SQL tracker stores write each turn's events by one statement, and
    keep SQLite's connections in a pool (stores made after this)."""
    SQLTrackerStore.save = save
    tracker_store.create_engine_kwargs = engine_kwargs
