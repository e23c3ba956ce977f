"""Rasa's Redis lock store with every change to a lock made atomically.

Rasa 3.6's `RedisLockStore` keeps a conversation's ticket lock as one JSON value and changes it
by reading it, changing it in the process and writing it back. Two engine workers taking turns
of one conversation at the same moment both read "no lock", both issue ticket 0 and both run:
the turns interleave and the SQL tracker store keeps one of them (found by
tests/e2e/test_engine_workers.py: two turns sent at once to two workers, one was lost). Here
each read-change-write is a Redis transaction on the lock's key (WATCH, then MULTI/EXEC, again
if another worker changed the key meanwhile), so tickets are unique and each conversation is
served one ticket at a time across every worker that shares the Redis.

Configured in the endpoints (`lock_store.type: bot.lock_store.AtomicRedisLockStore`) with
RedisLockStore's keys (url, port, db, password, key_prefix, ...).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TypeVar

from rasa.core.constants import DEFAULT_LOCK_LIFETIME
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the stored lock (a new one if none) in one transaction; the lock
        is saved, or deleted once it holds no ticket."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = (
                        TicketLock.from_dict(json.loads(raw))
                        if raw
                        else TicketLock(conversation_id)
                    )
                    result = change(lock)
                    lock.remove_expired_tickets()
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another worker changed the lock: read it again

    def issue_ticket(
        self, conversation_id: str, lock_lifetime: float = DEFAULT_LOCK_LIFETIME
    ) -> int:
        def issue(lock: TicketLock) -> int:
            return int(lock.issue_ticket(lock_lifetime))

        try:
            return self._change(conversation_id, issue)
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (a lock that is gone stays gone: its waiter gives up)."""
        key = self.key_prefix + conversation_id
        if self.red.exists(key):
            self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back; the lock goes when nobody else holds a ticket (in the same
        transaction: a ticket issued meanwhile is never deleted with it)."""
        self.finish_serving(conversation_id, ticket_number)
