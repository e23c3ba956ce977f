"""Background timers of the app: handoffs nobody took in time (every instance may run it;
the conditional updates in sales.handoff let one act)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sales import handoff
from sales.db import Database

log = logging.getLogger(__name__)


class HandoffTimer:
    def __init__(self, db: Database, *, timeout_s: float) -> None:
        self.db = db
        self.timeout_s = timeout_s
        self.interval_s = max(0.2, min(5.0, timeout_s / 4))
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        async with self.db.session() as db:
            return len(await handoff.expire_waiting(db, timeout_s=self.timeout_s))

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("handoff timer pass failed")
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="handoff-timer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
