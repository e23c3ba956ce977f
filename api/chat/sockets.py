"""How many WebSockets each chat session has open on this app instance (capped per session:
a buyer has a tab or two, not fifty)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class SocketSlots:
    def __init__(self, per_session: int) -> None:
        self.per_session = per_session
        self._open: Counter[str] = Counter()

    def open_count(self, session_id: str) -> int:
        return self._open[session_id]

    @contextmanager
    def slot(self, session_id: str) -> Iterator[bool]:
        """Yields whether this socket may stay open; its slot is freed on leaving."""
        if self._open[session_id] >= self.per_session:
            yield False
            return
        self._open[session_id] += 1
        try:
            yield True
        finally:
            self._open[session_id] -= 1
            if self._open[session_id] <= 0:
                del self._open[session_id]
