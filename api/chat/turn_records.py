"""Whether the engine recorded a turn, read from its tracker store (``TRACKER_STORE_URL``).

The engine answers 200 with what was said so far when a turn fails inside it: with its lock
store (Redis) down, for one, every turn fails before it starts and the answer is empty
(bot/channels/app.py). Stored as the answer, the buyer's message would count as answered and
never be replayed (the fault tests found it: Redis killed for 5 s, 25 of 30 messages
unanswered). So the gateway checks an empty answer against the engine's record: a turn the
engine did not record did not run, and the message is kept for the replay like any other the
engine did not answer. A turn that ran and said nothing is recorded and stays answered.

Only empty answers are checked (a turn of this bot nearly always says something), by one
indexed query on the store's ``events`` table (the sender id is the chat session id, a user
event's ``data`` carries the turn's ``message_id``). A store that cannot be read says nothing:
the answer is stored as before.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sales.db import async_url

log = logging.getLogger(__name__)

_RECORDED = text(
    "SELECT 1 FROM events WHERE sender_id = :sender AND type_name = 'user'"
    " AND data LIKE :pattern ESCAPE '\\' LIMIT 1"
)


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class TurnRecords:
    """Reads the engine's tracker store (one pool for the process)."""

    def __init__(self, tracker_url: str) -> None:
        target = async_url(tracker_url)
        options = {"pool_pre_ping": True} if target.get_backend_name() == "postgresql" else {}
        self._engine: AsyncEngine = create_async_engine(target, **options)

    async def missing(self, sender: str, message_id: str) -> bool:
        """True when the store answers and holds no turn ``message_id`` of ``sender``."""
        pattern = f'%"message_id": "{_like(message_id)}"%'
        try:
            async with self._engine.connect() as conn:
                found = await conn.execute(_RECORDED, {"sender": sender, "pattern": pattern})
                return found.first() is None
        except (SQLAlchemyError, OSError) as exc:
            log.warning("tracker store not readable", extra={"reason": type(exc).__name__})
            return False

    async def close(self) -> None:
        await self._engine.dispose()
