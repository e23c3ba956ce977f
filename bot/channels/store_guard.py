"""The engine's conversation store never falls back to memory (issue 14).

Rasa 3.6.21 wraps every tracker store in a ``FailSafeTrackerStore`` (rasa/core/agent.py,
``Agent._create_tracker_store``). When the store fails, its ``retrieve`` answers None, so the
processor starts the conversation afresh (its slots, form and language forgotten), and its
``save`` writes the tracker into an ``InMemoryTrackerStore``: lost at the next restart, and
never seen by the other engine workers or the app's checks. ``SQLTrackerStore`` also starts
when PostgreSQL is unreachable: it logs the failed ``create_all`` and goes on without its table.
So an engine started while the store was down, or serving through a blip, answered buyers from
an empty conversation and kept it in memory (the fault runs saw a turn answered during a
PostgreSQL outage missing from the store afterwards).

Here the fail-safe's two error handlers raise instead of falling back
(:func:`refuse_memory_fallback`, installed by the app channel, bot/channels/app.py): a turn whose
store fails ends unrecorded, the channel answers 503 and the app keeps the buyer's message for
its replay. And :func:`store_answers` is the channel's readiness check (``GET /webhooks/app/``,
which the app's health and replay job ask, api/engine.py): 503 while the store does not answer,
so the engine counts as not ready; it also creates the ``events`` table an engine started
without its store could not create.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)

log = logging.getLogger(__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The conversation store failed: the turn must not go on (nor fall back to memory)."""


def _refuse(self: FailSafeTrackerStore, error: Exception) -> None:
    log.error(
        "the tracker store failed; the turn is refused, not kept in memory: %s",
        type(error).__name__,
    )
    raise TrackerStoreUnavailable(type(error).__name__) from error


def refuse_memory_fallback() -> None:
    """Make the fail-safe tracker store raise where it would fall back to memory (once)."""
    if getattr(FailSafeTrackerStore, "refuses_memory", False):
        return
    FailSafeTrackerStore.on_tracker_store_error = _refuse
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _refuse
    FailSafeTrackerStore.refuses_memory = True


def primary(store: TrackerStore) -> TrackerStore:
    """The store under Rasa's wrappers (the fail-safe one, the awaitable one)."""
    while isinstance(store, FailSafeTrackerStore | AwaitableTrackerStore):
        store = store._tracker_store
    return store


def store_answers(store: TrackerStore | Any) -> bool:
    """Whether the conversation store answers now (blocking: run it in a thread). An SQL store
    is asked for its table, created when missing; a store in memory has nothing to lose."""
    inner = primary(store)
    if isinstance(inner, InMemoryTrackerStore):
        return True
    if not isinstance(inner, SQLTrackerStore):
        return True  # another store: Rasa's own handling
    try:
        SQLTrackerStore.Base.metadata.create_all(inner.engine)
    except Exception as exc:  # any driver's error: the store does not answer
        log.warning("tracker store not ready: %s", type(exc).__name__)
        return False
    return True
