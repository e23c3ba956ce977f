"""Periodic jobs of every app instance: handoffs nobody took in time, quotes past their
validity, old Slack event ids, buyers' personal data past RETENTION_DAYS (when set), the weekly
digest of the sales figures. Each job is
safe to run on several instances at once (the services use conditional updates), so no leader
election is needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from api.slack import threads as slack_threads
from sales import handoff, privacy, quotes
from sales.db import Database
from sales.kpi import digest

log = logging.getLogger(__name__)


class Periodic:
    """Runs ``job`` every ``interval_s`` seconds until stopped; a failing pass is logged."""

    def __init__(self, name: str, interval_s: float, job: Callable[[], Awaitable[object]]) -> None:
        self.name = name
        self.interval_s = interval_s
        self.job = job
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            try:
                await self.job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("periodic job failed", extra={"job": self.name})
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def jobs(
    db: Database,
    *,
    handoff_timeout_s: float,
    retention_days: int | None = None,
    retention_interval_s: float = 3600.0,
    tracker_url: str | None = None,
) -> list[Periodic]:
    async def expire_handoffs() -> None:
        async with db.session() as session:
            await handoff.expire_waiting(session, timeout_s=handoff_timeout_s)

    async def expire_quotes() -> None:
        async with db.session() as session:
            expired = await quotes.expire_due(session, today=datetime.now(UTC).date())
        if expired:
            log.info("quotes expired", extra={"quotes": expired})

    async def forget_slack_events() -> None:
        async with db.session() as session:
            await slack_threads.forget_events_before(session, days=7)

    async def apply_retention() -> None:
        assert retention_days is not None
        async with db.session() as session:
            report = await privacy.apply_retention(
                session, tracker_url=tracker_url, days=retention_days
            )
        if report.total:  # the audit line: counts only
            log.info("retention applied", extra={"days": retention_days, "erased": report.stores})

    periodic = [
        Periodic("handoff-timeouts", max(0.2, min(5.0, handoff_timeout_s / 4)), expire_handoffs),
        Periodic("quote-expiry", 3600, expire_quotes),
        Periodic("slack-event-cleanup", 24 * 3600, forget_slack_events),
    ]
    if retention_days:  # off unless RETENTION_DAYS is set
        periodic.append(Periodic("retention", retention_interval_s, apply_retention))
    return periodic


def weekly_digest(
    db: Database,
    *,
    categories: Mapping[str, str],
    handoff_sla_s: float,
    interval_s: float = 3600.0,
) -> Periodic:
    """Writes the last ISO week's digest once (the outbox's dedupe key per week): the first pass
    after a week ends, on whichever instance comes first."""

    async def write() -> None:
        async with db.session() as session:
            week = await digest.enqueue_weekly_digest(
                session,
                today=datetime.now(UTC).date(),
                categories=categories,
                handoff_sla_s=handoff_sla_s,
            )
        if week:
            log.info("weekly digest written", extra={"week": week})

    return Periodic("kpi-weekly-digest", interval_s, write)


async def until_done(
    name: str, step: Callable[[], Awaitable[object]], *, retry_s: float = 1.0
) -> None:
    """Run ``step`` until it succeeds: a start-up chore that needs the database, run as a task so
    that the app starts without it (and answers 503 saying so until it is back)."""
    while True:
        try:
            await step()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                "start-up step failed, retrying", extra={"step": name, "error": type(exc).__name__}
            )
            await asyncio.sleep(retry_s)
