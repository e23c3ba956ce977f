"""Buyers' replies read from a mailbox over IMAP: one pass over the folder (the watcher,
``sales.mail.watching``, runs one whenever the server reports new mail in IDLE, else every
``MAIL_IMAP_POLL_S``).

Each message in the folder is handled exactly once, through the inbound webhook's handling
(``sales.mail.inbound``: matched by the signed reply address or the reference and sender,
quoted history cut, automatic mail ignored, delivery reports' bounces recorded, attachments
listed), then moved to the done folder. Once, whatever fails in between:

- handled, then the process dies before it is recorded: the next pass hands it again, and the
  chat message's key (the Message-ID) makes it a ``duplicate``, nothing added twice;
- recorded (``mail_inbound_seen``: folder, UIDVALIDITY, UID, Message-ID, outcome), then the move
  fails: the next pass finds the record and only moves it;
- two instances polling at once: the one that records second finds the row taken, and the
  transcript holds the message once (its key).

A message over 10 MiB is not fetched (``too_large``). A pass that cannot reach the mailbox
raises ``MailboxError`` (logged by the periodic job, tried again next time): nothing is lost, the
mail waits on the server."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales.db import Database
from sales.mail import inbound
from sales.mail.inbound import ReplyAddress
from sales.mail.mailbox import ImapMailbox
from sales.models import MailInboundSeen

log = logging.getLogger("sales.mail.polling")


async def _seen(db: AsyncSession, mailbox: str, uid_validity: int, uid: int) -> bool:
    found = await db.execute(
        select(MailInboundSeen.id).where(
            MailInboundSeen.mailbox == mailbox,
            MailInboundSeen.uid_validity == uid_validity,
            MailInboundSeen.uid == uid,
        )
    )
    return found.first() is not None


async def _record(db: AsyncSession, row: MailInboundSeen) -> None:
    db.add(row)
    try:
        await db.commit()
    except IntegrityError:  # another instance recorded it first
        await db.rollback()


async def _handle(
    db: Database, box: ImapMailbox, uid: int, replies: ReplyAddress | None
) -> str | None:
    """Hand one message to the reply handling and record it; its status (None: gone)."""
    fetched = await asyncio.to_thread(box.fetch, uid)
    if fetched is None:
        return None
    message_id, reference = "", None
    if fetched.raw is None:
        status = "too_large"
    else:
        mail = inbound.parse(fetched.raw)
        message_id = mail.message_id[:255]
        async with db.session() as session:
            outcome = await inbound.deliver(session, mail, replies)
        status, reference = outcome.status, outcome.reference
    async with db.session() as session:
        await _record(
            session,
            MailInboundSeen(
                mailbox=box.config.mailbox,
                uid_validity=box.uid_validity,
                uid=uid,
                message_id=message_id,
                status=status,
                reference=reference,
            ),
        )
    return status


async def process(db: Database, box: ImapMailbox, replies: ReplyAddress | None) -> Counter[str]:
    """One pass over the folder of an open mailbox: every message handled once and moved; the
    outcomes counted (``moved_only``: recorded by an earlier pass, moved now)."""
    counts: Counter[str] = Counter()
    for uid in await asyncio.to_thread(box.uids):
        async with db.session() as session:
            seen = await _seen(session, box.config.mailbox, box.uid_validity, uid)
        status = "moved_only" if seen else await _handle(db, box, uid, replies)
        if status is None:
            continue
        await asyncio.to_thread(box.done, uid)
        counts[status] += 1
    if counts:
        log.info("replies mailbox read", extra={"outcomes": dict(counts)})
    return counts


async def poll_once(
    db: Database, open_mailbox: Callable[[], ImapMailbox], replies: ReplyAddress | None
) -> Counter[str]:
    """One pass on a connection of its own (opened and closed here)."""
    box = open_mailbox()
    await asyncio.to_thread(box.open)
    try:
        return await process(db, box, replies)
    finally:
        await asyncio.to_thread(box.close)
