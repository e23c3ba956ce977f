"""The replies mailbox watched: a pass over the folder as soon as the server reports new mail.

Where the server offers IDLE (RFC 2177; dovecot, Exchange, Gmail and most others do), the
watcher keeps one connection: a pass (``sales.mail.polling.process``), then IDLE until the
server reports a new message (``EXISTS``) or ``poll_s`` passes (a pass then too: a safety net,
and IDLE re-issued well within the 29 minutes of RFC 2177), and so on. A reply is handled
within a second or two of reaching the mailbox. Without IDLE (or with it turned off), one
connection a pass, every ``poll_s``.

When the server goes away (a restart: ``BYE`` or a closed connection, a refused login, a
timeout), the connection is dropped and opened again after a delay that doubles from
``backoff_base_s`` up to ``backoff_max_s`` while it stays away, and is reset by a pass that
succeeds. Nothing is lost meanwhile: the mail waits on the server, and each message is handled
once (the records by folder, UIDVALIDITY and UID, and the Message-ID as the chat message's
key; see ``sales.mail.polling``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sales.db import Database
from sales.mail.inbound import ReplyAddress
from sales.mail.mailbox import ImapMailbox, MailboxError
from sales.mail.polling import process

log = logging.getLogger("sales.mail.watching")


@dataclass(frozen=True)
class ReconnectBackoff:
    base_s: float = 1.0
    max_s: float = 60.0

    def delay(self, failures: int) -> float:
        """The wait before connecting again after ``failures`` failures in a row (1, 2, ...)."""
        return float(min(self.max_s, self.base_s * 2 ** min(failures - 1, 30)))


class ReplyWatcher:
    """Watches the replies mailbox until stopped; ``mode`` says how (``idle`` or ``polling``),
    ``passes`` counts the passes and ``failures`` the failures in a row."""

    def __init__(
        self,
        db: Database,
        open_mailbox: Callable[[], ImapMailbox],
        replies: ReplyAddress | None,
        *,
        poll_s: float,
        idle: bool = True,
        backoff: ReconnectBackoff | None = None,
        name: str = "mail-imap-replies",
    ) -> None:
        self.db = db
        self.open_mailbox = open_mailbox
        self.replies = replies
        self.poll_s = poll_s
        self.idle = idle
        self.backoff = backoff or ReconnectBackoff(max_s=max(1.0, poll_s))
        self.name = name
        self.mode: str | None = None
        self.passes = 0
        self.failures = 0
        self._stopping = threading.Event()  # seen by a wait in IDLE, in its thread
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._wake.set()
        try:
            # a wait in IDLE sees the flag within a second; a pass under way finishes
            await asyncio.wait_for(asyncio.shield(task), timeout=15)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._session()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.failures += 1
                delay = self.backoff.delay(self.failures)
                extra = {"job": self.name, "failures": self.failures, "retry_in_s": delay}
                if isinstance(exc, MailboxError):  # its text never holds the password
                    log.warning("replies mailbox unreachable", extra={**extra, "error": str(exc)})
                else:
                    log.exception("replies mailbox pass failed", extra=extra)
                await self._pause(delay)

    async def _session(self) -> None:
        """One connection: passes (and waits in IDLE) until it fails, or, without IDLE, one
        pass; then the wait before the next connection."""
        box = self.open_mailbox()
        try:
            await asyncio.to_thread(box.open)
            idle = self.idle and await asyncio.to_thread(lambda: box.supports_idle)
            mode = "idle" if idle else "polling"
            if mode != self.mode:
                log.info("replies mailbox watched", extra={"job": self.name, "mode": mode})
                self.mode = mode
            while not self._stopping.is_set():
                await process(self.db, box, self.replies)
                self.passes += 1
                self.failures = 0
                if not idle:
                    break
                await asyncio.to_thread(box.wait_for_mail, self.poll_s, self._stopping)
        finally:
            await asyncio.to_thread(box.close)
        if not idle:
            await self._pause(self.poll_s)
