"""The replies mailbox watched on a real dovecot on loopback (``imap_server.py``), on SQLite and
PostgreSQL: with IDLE a reply is read as soon as it reaches the mailbox, not at the poll
interval (a minute here); a restart of the IMAP server (a mail delivered while it is down, one
after) loses nothing and handles nothing twice, the watcher reconnecting with its backoff; a
crash (the connection closed without BYE) is noticed in IDLE at once; a server without IDLE is
polled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from sales.db import Database
from sales.mail.mailbox import ImapMailbox
from sales.mail.watching import ReconnectBackoff, ReplyWatcher
from sales.models import MailInboundSeen

from .imap_server import Dovecot
from .test_polling import REPLIES, _buyer_texts, _chat_with_inquiry, _config, _mail

POLL_S = 60.0  # the default: no reply in these tests may wait for it


async def _until(check: Callable[[], Awaitable[bool]], timeout_s: float = 20.0) -> float:
    """Seconds until ``check`` holds (fails after ``timeout_s``)."""
    began = time.monotonic()
    while not await check():
        assert time.monotonic() - began < timeout_s, "not within the time allowed"
        await asyncio.sleep(0.05)
    return time.monotonic() - began


def _watcher(database: Database, server: Dovecot, **options: object) -> ReplyWatcher:
    config = _config(server)
    return ReplyWatcher(database, lambda: ImapMailbox(config), REPLIES, **options)  # type: ignore[arg-type]


def _reply(address: str, text: str) -> bytes:
    return _mail(address, f"{text}\n\nOn Mon, Lumora Sales wrote:\n> our quotation\n")


async def _has(database: Database, *texts: str) -> bool:
    return await _buyer_texts(database) == list(texts)


async def test_with_idle_a_reply_is_read_as_soon_as_it_arrives(
    database: Database, imap_server: Dovecot
) -> None:
    address = REPLIES.address(await _chat_with_inquiry(database))
    watcher = _watcher(database, imap_server, poll_s=POLL_S)
    watcher.start()
    try:
        await _until(lambda: _true(watcher.passes == 1))
        assert watcher.mode == "idle"
        await asyncio.sleep(1.0)  # waiting in IDLE now
        await asyncio.to_thread(imap_server.deliver, _reply(address, "Please go ahead."))
        took = await _until(lambda: _has(database, "Please go ahead."))
        assert took < 5.0, took  # the server's report, not the poll interval (60 s)
        await _until(lambda: _true(watcher.passes == 2), timeout_s=5)  # a pass for the report
        await asyncio.to_thread(imap_server.deliver, _reply(address, "And 200 spare drivers."))
        took = await _until(lambda: _has(database, "Please go ahead.", "And 200 spare drivers."))
        assert took < 5.0, took
    finally:
        began = time.monotonic()
        await watcher.stop()
    assert time.monotonic() - began < 3.0  # a wait in IDLE ends at once when stopped
    assert imap_server.uids("INBOX") == [] and imap_server.uids("Processed") == [1, 2]


async def test_a_restart_of_the_imap_server_loses_nothing(
    database: Database, imap_server: Dovecot
) -> None:
    address = REPLIES.address(await _chat_with_inquiry(database))
    watcher = _watcher(
        database, imap_server, poll_s=POLL_S, backoff=ReconnectBackoff(base_s=0.5, max_s=2.0)
    )
    watcher.start()
    try:
        await _until(lambda: _true(watcher.mode == "idle"))
        await asyncio.to_thread(imap_server.deliver, _reply(address, "First."))
        await _until(lambda: _has(database, "First."))

        # the server goes away: the watcher notices (its session says BYE when it ends, up to
        # 10 s after dovecot's master process) and tries again, backing off
        await asyncio.to_thread(imap_server.halt)
        await _until(lambda: _true(watcher.failures >= 2), timeout_s=40)
        # a reply reaches the mailbox meanwhile (the mail server's local delivery)
        await asyncio.to_thread(imap_server.deliver_to_maildir, _reply(address, "Second."))
        await asyncio.sleep(1.0)
        assert await _has(database, "First.")

        await asyncio.to_thread(imap_server.resume)
        await _until(lambda: _has(database, "First.", "Second."), timeout_s=10)
        await _until(lambda: _true(watcher.failures == 0), timeout_s=5)  # the pass succeeded
        assert watcher.mode == "idle"
        # in IDLE again: a reply after the restart is read at once
        await asyncio.sleep(1.0)
        await asyncio.to_thread(imap_server.deliver, _reply(address, "Third."))
        took = await _until(lambda: _has(database, "First.", "Second.", "Third."))
        assert took < 5.0, took
    finally:
        await watcher.stop()
    assert imap_server.uids("INBOX") == [] and imap_server.uids("Processed") == [1, 2, 3]
    async with database.session() as db:
        rows = (await db.execute(select(MailInboundSeen).order_by(MailInboundSeen.uid))).scalars()
        seen = [(row.uid, row.status) for row in rows]
    assert seen == [(1, "added"), (2, "added"), (3, "added")]  # each handled once


async def test_a_crash_of_the_imap_server_is_noticed_in_idle(
    database: Database, imap_server: Dovecot
) -> None:
    """Killed at once: no BYE, the connection just closes; the wait in IDLE notices it (not
    the poll interval), and the watcher reads what came meanwhile once the server is back."""
    address = REPLIES.address(await _chat_with_inquiry(database))
    watcher = _watcher(
        database, imap_server, poll_s=POLL_S, backoff=ReconnectBackoff(base_s=0.5, max_s=2.0)
    )
    watcher.start()
    try:
        await _until(lambda: _true(watcher.mode == "idle" and watcher.passes == 1))
        await asyncio.sleep(1.0)
        await asyncio.to_thread(imap_server.crash)
        took = await _until(lambda: _true(watcher.failures >= 1), timeout_s=10)
        assert took < 5.0, took
        await asyncio.to_thread(imap_server.deliver_to_maildir, _reply(address, "While down."))
        await asyncio.to_thread(imap_server.resume)
        await _until(lambda: _has(database, "While down."), timeout_s=10)
    finally:
        await watcher.stop()
    assert imap_server.uids("INBOX") == [] and imap_server.uids("Processed") == [1]


@pytest.mark.imap  # starts its own dovecot (not through the imap_server fixture)
async def test_a_server_without_idle_is_polled(database: Database) -> None:
    address = REPLIES.address(await _chat_with_inquiry(database))
    with Dovecot(idle=False) as server:
        with server.client() as client:
            assert not client.has_capability("IDLE")
        watcher = _watcher(database, server, poll_s=0.5)
        watcher.start()
        try:
            await _until(lambda: _true(watcher.passes >= 1))
            assert watcher.mode == "polling"
            await asyncio.to_thread(server.deliver, _reply(address, "Polled."))
            await _until(lambda: _has(database, "Polled."))
            await _until(lambda: _true(watcher.passes >= 2))
        finally:
            await watcher.stop()
        assert server.uids("INBOX") == [] and server.uids("Processed") == [1]


async def test_idle_turned_off_polls_a_server_that_offers_it(
    database: Database, imap_server: Dovecot
) -> None:
    watcher = _watcher(database, imap_server, poll_s=0.3, idle=False)
    watcher.start()
    try:
        passes = await _until(lambda: _true(watcher.passes >= 3))
        assert watcher.mode == "polling" and passes < 5.0
    finally:
        await watcher.stop()


def test_the_reconnect_backoff_doubles_up_to_its_ceiling() -> None:
    backoff = ReconnectBackoff(base_s=1.0, max_s=60.0)
    assert [backoff.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff.delay(10_000) == 60


async def _true(value: bool) -> bool:
    return value
