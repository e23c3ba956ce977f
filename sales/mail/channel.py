"""The email channel of the outbox: mails to the buyer for the domain events it subscribes to
(:mod:`sales.events`), at most one mail per event.

- ``inquiry.created``: the RFQ confirmation, with the reference and what was asked for;
- ``quote.sent``: the quotation, its PDF attached (the bytes the staff API's PDF endpoint
  returns for the quote), threaded under the confirmation (In-Reply-To);
- ``quote.expiring``: a reminder a few days before a sent quote's validity ends (written by
  :mod:`sales.mail.reminders`), threaded under the quotation; none once the quote is accepted,
  expired or otherwise no longer open to the buyer;
- ``chat.agent_digest``: a rep's chat replies the buyer has not answered for a while (written by
  :mod:`sales.mail.digests`), all of them in one mail, to the address of the session's latest
  inquiry; none when the buyer has answered in the chat meanwhile;
- ``rfq.abandoned``: once, to a buyer who left a request for quotation half-way after giving an
  address in it (written by :mod:`sales.mail.abandoned`); none once the session has an inquiry.

Before a mail is sent the buyer's address is checked (a malformed one: the delivery is dead
with the reason) and looked up in the suppression list (unsubscribed or bounced: nothing is
sent, the decision recorded). The mail goes out in the buyer's language: the inquiry's, else
the chat session's, else English.

Once: each mail's Message-ID is derived from the event's key, and the mail is recorded in
``mail_sends`` (by the event's key) as soon as the server has accepted it; a retried event
that finds its record sends nothing. The one gap is the moment between the server's "250 OK"
and that record (a crash, the database gone): the outbox's in-flight marker then tells the
next attempt an earlier one may have sent, and it sends again *with the same Message-ID*, so
the buyer's mail client can tell it is the same mail (at least once there; SMTP has no way to
ask a server whether it already took a message).

Failures: the server unreachable (or refusing the login) -> :class:`RetryLater` with a backoff
that grows while it stays down, not counted as an attempt (a mail server down for a day loses
no mail); a 4xx answer -> retried with the outbox's backoff, counted; 5xx for the recipient ->
dead with the server's answer, and the address suppressed as bounced (no more mail to it);
5xx for the message -> dead with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from i18n import language_of
from sales import events, quotes
from sales.db import Database
from sales.mail import abandoned, suppressions, templates
from sales.mail.compose import BadAddress, Content, Envelope, build, message_id, recipient
from sales.mail.dkim_signing import DkimSigner
from sales.mail.inbound import ReplyAddress
from sales.mail.sender import (
    Accepted,
    MessageRejected,
    RecipientRejected,
    ServerUnavailable,
    TemporaryFailure,
)
from sales.mail.suppressions import Reason, UnsubscribeSigner
from sales.models import (
    ChatMessage,
    ChatSession,
    Handoff,
    Inquiry,
    MailSend,
    QuoteStatus,
    RfqDraft,
    Role,
    utcnow,
)
from sales.outbox_worker import Delivery, Handler, Permanent, RetryLater
from sales.pricing import PriceBook
from sales.quotes.documents import render_pdf

log = logging.getLogger(__name__)

CHANNEL = "email"  # this channel's name in the outbox's subscriptions and deliveries
SENT, SKIPPED = "sent", "skipped"


class Sender(Protocol):
    """What the channel needs of a sender (:class:`sales.mail.sender.SmtpSender`)."""

    async def send(self, data: bytes, *, sender: str, recipient: str) -> Accepted: ...


@dataclass(frozen=True)
class MailIdentity:
    """Who the mails come from, and the links they carry."""

    sender: Address
    company: str
    unsubscribe: UnsubscribeSigner
    reply_to: Address | None = None
    # signed reply addresses (reply+<reference>.<sig>@domain) as Reply-To, when set
    replies: ReplyAddress | None = None
    dkim: DkimSigner | None = None  # DKIM-signs every mail, when set

    def reply_address(self, reference: str) -> Address | None:
        """The Reply-To of a mail about ``reference``."""
        if self.replies is None or not reference:
            return self.reply_to
        name = (self.reply_to or self.sender).display_name
        return Address(display_name=name, addr_spec=self.replies.address(reference))


@dataclass(frozen=True)
class Backoff:
    """How long to wait while the server is unreachable: doubling from ``base_s``."""

    base_s: float = 2.0
    max_s: float = 600.0

    def delay(self, failures: int) -> float:
        return min(self.max_s, self.base_s * 2 ** max(0, failures - 1))


@dataclass(frozen=True)
class _Mail:
    kind: str
    reference: str
    address: str | None
    name: str | None
    language: str
    compose: Callable[[str], Awaitable[Content]]  # the unsubscribe URL -> the content
    in_reply_to: str | None = None
    skip: str | None = None  # why not to send it after all (recorded as skipped)


async def _sent_message_id(db: AsyncSession, dedupe_key: str) -> str | None:
    """The Message-ID of the mail sent for ``dedupe_key`` (to thread a later mail under it)."""
    found: str | None = await db.scalar(
        select(MailSend.message_id).where(
            MailSend.dedupe_key == dedupe_key, MailSend.status == SENT
        )
    )
    return found


def _quote_reference(payload: dict[str, Any]) -> str:
    for key in ("quote", "quote_reference", "reference"):
        if isinstance(payload.get(key), str):
            return payload[key]
    raise Permanent("payload names no quote")


class MailChannel:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        identity: MailIdentity,
        *,
        price_book: PriceBook | None,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.sender = sender
        self.identity = identity
        self.price_book = price_book
        self.backoff = backoff or Backoff()
        self.clock = clock
        self._down = 0  # consecutive attempts that found the server unreachable

    def handlers(self) -> dict[str, Handler]:
        return {
            events.INQUIRY_CREATED: self._wrap(self.rfq_confirmation),
            events.QUOTE_SENT: self._wrap(self.quotation),
            events.QUOTE_EXPIRING: self._wrap(self.quote_reminder),
            events.AGENT_REPLY_DIGEST: self._wrap(self.agent_digest),
            events.RFQ_ABANDONED: self._wrap(self.abandoned_rfq),
        }

    @property
    def domain(self) -> str:
        return self.identity.sender.domain

    # -- the mails ----------------------------------------------------------------------------

    async def _language(self, inquiry: Inquiry) -> str:
        if inquiry.language:
            return language_of(inquiry.language)
        if inquiry.session_id:
            async with self.db.session() as db:
                session = await db.get(ChatSession, inquiry.session_id)
            if session is not None and session.language:
                return language_of(session.language)
        return language_of(None)

    async def rfq_confirmation(self, row: Delivery) -> _Mail:
        reference = str(row.payload.get("reference") or "")
        async with self.db.session() as db:
            inquiry = (
                await db.execute(
                    select(Inquiry)
                    .options(selectinload(Inquiry.items))
                    .where(Inquiry.reference == reference)
                )
            ).scalar_one_or_none()
        if inquiry is None:
            raise Permanent(f"no inquiry {reference!r}")
        language = await self._language(inquiry)

        async def compose(unsubscribe_url: str) -> Content:
            return templates.rfq_confirmation(
                inquiry,
                language=language,
                company=self.identity.company,
                unsubscribe_url=unsubscribe_url,
            )

        return _Mail(
            templates.RFQ_CONFIRMATION,
            inquiry.reference,
            inquiry.email,
            templates.buyer_name(inquiry),
            language,
            compose,
        )

    async def quotation(self, row: Delivery) -> _Mail:
        reference = _quote_reference(row.payload)
        async with self.db.session() as db:
            quote = await quotes.get(db, reference)
            if quote is None:
                raise Permanent(f"no quote {reference!r}")
            confirmation = await _sent_message_id(
                db, f"{events.INQUIRY_CREATED}:{quote.inquiry.reference}"
            )
        inquiry = quote.inquiry
        language = await self._language(inquiry)
        book = self.price_book

        async def compose(unsubscribe_url: str) -> Content:
            if book is None:
                raise RuntimeError("price book not loaded: the quotation PDF cannot be drawn")
            # the staff API's PDF endpoint draws it the same way (the inquiry's language)
            pdf = await asyncio.to_thread(render_pdf, quote, book=book)
            return templates.quotation(
                quote,
                inquiry,
                pdf=pdf,
                language=language,
                company=self.identity.company,
                unsubscribe_url=unsubscribe_url,
            )

        return _Mail(
            templates.QUOTATION,
            inquiry.reference,
            inquiry.email,
            templates.buyer_name(inquiry),
            language,
            compose,
            in_reply_to=confirmation,
        )

    async def quote_reminder(self, row: Delivery) -> _Mail:
        reference = _quote_reference(row.payload)
        async with self.db.session() as db:
            quote = await quotes.get(db, reference)
            if quote is None:
                raise Permanent(f"no quote {reference!r}")
            quotation = await _sent_message_id(db, f"{events.QUOTE_SENT}:{reference}")
        inquiry = quote.inquiry
        language = await self._language(inquiry)
        still_open = quote.status == QuoteStatus.SENT.value

        async def compose(unsubscribe_url: str) -> Content:
            return templates.quote_reminder(
                quote,
                inquiry,
                language=language,
                company=self.identity.company,
                unsubscribe_url=unsubscribe_url,
            )

        return _Mail(
            templates.QUOTE_REMINDER,
            inquiry.reference,
            inquiry.email,
            templates.buyer_name(inquiry),
            language,
            compose,
            in_reply_to=quotation,
            skip=None if still_open else f"quote {quote.status}",
        )

    async def agent_digest(self, row: Delivery) -> _Mail:
        session_id = str(row.payload.get("session_id") or "")
        up_to = int(row.payload.get("seq") or 0)
        async with self.db.session() as db:
            session = await db.get(ChatSession, session_id)
            if session is None:
                raise Permanent("no such chat session (erased?)")
            inquiry = (
                await db.execute(
                    select(Inquiry)
                    .where(Inquiry.session_id == session_id, Inquiry.email.is_not(None))
                    .order_by(Inquiry.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
            messages = list(
                (
                    await db.execute(
                        select(ChatMessage)
                        .where(ChatMessage.session_id == session_id)
                        .order_by(ChatMessage.seq)
                    )
                ).scalars()
            )
            earlier = (
                await db.execute(
                    select(MailSend.dedupe_key).where(
                        MailSend.dedupe_key.like(f"{events.AGENT_REPLY_DIGEST}:{session_id}:%"),
                        MailSend.status == SENT,
                    )
                )
            ).scalars()
        last_buyer = max((m.seq for m in messages if m.role == Role.BUYER.value), default=0)
        # replies already mailed in an earlier digest are not mailed again
        mailed = max((int(key.rsplit(":", 1)[1]) for key in earlier), default=0)
        replies = [
            (m.author, m.text)
            for m in messages
            if m.role == Role.AGENT.value
            and max(last_buyer, mailed) < m.seq <= up_to
            and m.text.strip()
        ]
        language = language_of(session.language or (inquiry.language if inquiry else None))
        skip = None
        if last_buyer > up_to:
            skip = "the buyer answered in the chat"
        elif not replies:
            skip = "no replies to send"
        elif inquiry is None:
            skip = "no address"

        async def compose(unsubscribe_url: str) -> Content:
            assert inquiry is not None
            return templates.agent_digest(
                inquiry,
                replies,
                language=language,
                company=self.identity.company,
                unsubscribe_url=unsubscribe_url,
            )

        return _Mail(
            templates.AGENT_DIGEST,
            inquiry.reference if inquiry else "",
            inquiry.email if inquiry else None,
            templates.buyer_name(inquiry) if inquiry else None,
            language,
            compose,
            skip=skip,
        )

    async def abandoned_rfq(self, row: Delivery) -> _Mail:
        session_id = str(row.payload.get("session_id") or "")
        async with self.db.session() as db:
            session = await db.get(ChatSession, session_id)
            inquiry = await db.scalar(
                select(Inquiry.reference).where(Inquiry.session_id == session_id).limit(1)
            )
            if "handoff_id" in row.payload:
                handoff = await db.get(Handoff, int(row.payload.get("handoff_id") or 0))
                rfq = abandoned.contact(handoff.summary) if handoff is not None else None
                draft_language = None
            else:  # an RFQ draft: deleted when the inquiry was written, or by an erasure
                draft = await db.get(RfqDraft, session_id)
                rfq = {"email": draft.email, **draft.summary} if draft is not None else None
                draft_language = draft.language if draft is not None else None
            if session is None or (rfq is None and inquiry is None):
                raise Permanent("no such chat session, handoff or RFQ draft (erased?)")
        rfq = rfq or {}
        language = language_of(draft_language or session.language)

        async def compose(unsubscribe_url: str) -> Content:
            return templates.abandoned_rfq(
                rfq,
                language=language,
                company=self.identity.company,
                unsubscribe_url=unsubscribe_url,
            )

        return _Mail(
            templates.ABANDONED_RFQ,
            "",
            rfq.get("email"),
            rfq.get("contact_name") or rfq.get("company"),
            language,
            compose,
            skip=f"the buyer sent {inquiry} meanwhile" if inquiry else None,
        )

    # -- sending once -------------------------------------------------------------------------

    def _wrap(self, prepare: Callable[[Delivery], Awaitable[_Mail]]) -> Handler:
        async def handle(row: Delivery) -> None:
            key = row.idempotency_key
            async with self.db.session() as db:
                if await db.scalar(select(MailSend.id).where(MailSend.dedupe_key == key)):
                    log.info("outbox event already mailed", extra={"row": row.id})
                    return
            mail = await prepare(row)
            await self._send(row, mail)

        return handle

    async def _record(self, key: str, mail: _Mail, *, status: str, note: str = "") -> None:
        async with self.db.session() as db:
            db.add(
                MailSend(
                    dedupe_key=key,
                    message_id=message_id(key, self.domain),
                    kind=mail.kind,
                    reference=mail.reference,
                    language=mail.language,
                    status=status,
                    note=note[:500],
                )
            )
            try:
                await db.commit()
            except IntegrityError:  # recorded by another attempt meanwhile
                await db.rollback()

    async def _send(self, row: Delivery, mail: _Mail) -> None:
        key = row.idempotency_key
        where = {"kind": mail.kind, "reference": mail.reference}
        if mail.skip:
            log.info("mail no longer due", extra={**where, "reason": mail.skip})
            await self._record(key, mail, status=SKIPPED, note=mail.skip)
            return
        if not mail.address:
            log.info("no address to mail", extra=where)
            await self._record(key, mail, status=SKIPPED, note="no address")
            return
        try:
            to = recipient(mail.address, mail.name)
        except BadAddress as exc:
            raise Permanent(f"buyer's address of {mail.reference}: {exc}") from None
        async with self.db.session() as db:
            suppressed = await suppressions.find(db, to.addr_spec)
        if suppressed is not None:
            log.info("address suppressed", extra={**where, "reason": suppressed.reason})
            await self._record(key, mail, status=SKIPPED, note=suppressed.reason)
            return
        unsubscribe_url = self.identity.unsubscribe.url(to.addr_spec, mail.language)
        content = await mail.compose(unsubscribe_url)
        message = build(
            content,
            Envelope(
                sender=self.identity.sender,
                to=to,
                reply_to=self.identity.reply_address(mail.reference),
                message_id=message_id(key, self.domain),
                date=self.clock(),
                language=mail.language,
                unsubscribe_url=unsubscribe_url,
                in_reply_to=mail.in_reply_to,
            ),
        )
        if row.interrupted_at is not None:
            log.info("an earlier attempt may have sent this mail; same Message-ID", extra=where)
        data = message.as_bytes()
        if self.identity.dkim is not None:
            data = self.identity.dkim.sign(data)
        try:
            accepted = await self.sender.send(
                data, sender=self.identity.sender.addr_spec, recipient=to.addr_spec
            )
        except ServerUnavailable as exc:
            self._down += 1
            raise RetryLater(self.backoff.delay(self._down), str(exc)) from None
        except RecipientRejected as exc:
            self._down = 0
            async with self.db.session() as db:
                await suppressions.suppress(
                    db,
                    digest=suppressions.address_hash(to.addr_spec),
                    reason=Reason.BOUNCED,
                    detail=str(exc),
                    reference=mail.reference,
                )
            raise Permanent(f"bounced: {exc}") from None
        except MessageRejected as exc:
            self._down = 0
            raise Permanent(str(exc)) from None
        except TemporaryFailure:
            self._down = 0
            raise
        self._down = 0
        await self._record(key, mail, status=SENT, note=accepted.response)
        log.info("mail sent", extra=where)
