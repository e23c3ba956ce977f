"""Buyers' replies by mail, handed to the app by the mail provider's inbound webhook
(api/mail/inbound.py): matched to an inquiry, stripped of the quoted history, added to the chat
transcript as the buyer's message and, during a handoff, sent on to the rep's Slack thread.

Matching, strongest first: a signed reply address (``reply+RFQ-2026-000123.<sig>@<domain>``,
the Reply-To of our mails when ``MAIL_REPLY_DOMAIN`` is set: only someone who got our mail has
it), else an inquiry or quote reference in the subject *and* the sender being that inquiry's
address (references are sequential: a reference alone could be guessed).

Bounces that come back later as delivery reports (``multipart/report``, RFC 3464): every
recipient reported ``failed`` with a permanent ``5.x.x`` status goes on the suppression list as
bounced (no more mail to it); temporary ones change nothing.

Not added: automatic mail (auto-replies, out-of-office, bounces, lists: ``Auto-Submitted``,
``X-Autoreply``/``X-Autorespond``, ``Precedence: bulk|junk|list|auto_reply``, an empty
``Return-Path``, delivery reports), so two auto-responders never talk to each other through us.
Attachments are listed by name in the message, never opened. A reply is added once: its
Message-ID is the chat message's ``client_message_id``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales import conversations
from sales import handoff as handoffs
from sales.mail import suppressions
from sales.models import ChatMode, ChatSession, Inquiry, Quote, Role

MAX_TEXT = 2000  # as a chat message
REFERENCE = re.compile(r"\b(RFQ|Q)-(\d{4})-(\d{6})\b")
_KEY_LABEL = b"exportdesk mail reply address v1"
# where the quoted history starts, in the six languages and the usual clients
_QUOTE_STARTS = re.compile(
    r"^(?:"
    r"On .{0,200} wrote:"  # Gmail, Apple Mail (en)
    r"|Am .{0,200} schrieb .{0,100}:"  # de
    r"|El .{0,200} escribió:"  # es
    r"|Em .{0,200} escreveu:"  # pt
    r"|Le .{0,200} a écrit ?:"  # fr
    r"|在.{0,200}写道[:：]"  # zh
    r"|-{2,} ?(?:Original Message|Ursprüngliche Nachricht|Mensaje original|Mensagem original"
    r"|Message d'origine|原始邮件) ?-{2,}"
    r"|_{10,}"  # Outlook's rule above the quoted header
    r"|(?:From|Von|De|发件人)[:：] .+"  # a quoted header block
    r")\s*$",
    re.IGNORECASE,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ReplyAddress:
    """Signed reply addresses ``reply+<reference>.<sig>@<domain>``."""

    domain: str
    secret: str | bytes = field(repr=False)

    def _sig(self, reference: str) -> str:
        secret = self.secret.encode() if isinstance(self.secret, str) else self.secret
        key = hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()
        return _b64(hmac.new(key, reference.encode(), hashlib.sha256).digest())[:22]

    def address(self, reference: str) -> str:
        return f"reply+{reference}.{self._sig(reference)}@{self.domain}"

    def check(self, address: str) -> str | None:
        """The reference a genuine reply address names, else None."""
        local, _, domain = address.strip().rpartition("@")
        if domain.lower() != self.domain.lower() or not local.lower().startswith("reply+"):
            return None
        reference, _, sig = local[len("reply+") :].rpartition(".")
        if not REFERENCE.fullmatch(reference) or not sig:
            return None
        return reference if hmac.compare_digest(self._sig(reference), sig) else None


@dataclass(frozen=True)
class Inbound:
    message_id: str
    sender: str
    subject: str
    text: str  # without the quoted history
    recipients: tuple[str, ...]
    attachments: tuple[str, ...]
    automatic: bool
    # a delivery report's permanent failures: (the address, its status and diagnostic)
    failed: tuple[tuple[str, str], ...] = ()


def permanent_failures(message: EmailMessage) -> tuple[tuple[str, str], ...]:
    """The recipients a delivery report (RFC 3464) says failed for good."""
    if message.get_content_type() != "multipart/report":
        return ()
    failed = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload():
            if not hasattr(block, "get"):
                continue
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            recipient = str(block.get("Final-Recipient", "")).partition(";")[2].strip()
            if action == "failed" and status.startswith("5") and "@" in recipient:
                diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
                failed.append((recipient, f"{status} {diagnostic}".strip()[:300]))
    return tuple(failed)


def is_automatic(message: EmailMessage) -> bool:
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto not in ("", "no")
        or "X-Autoreply" in message
        or "X-Autorespond" in message
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or str(message.get("Return-Path", "")).strip() == "<>"
        or message.get_content_type() == "multipart/report"
    )


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the quoted history, the ``>`` lines, or the signature."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">") or _QUOTE_STARTS.match(stripped) or line == "-- ":
            break
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    if part.get_content_type() == "text/html":
        soup = BeautifulSoup(content, "html.parser")
        # the quoted history of HTML clients: blockquotes, Gmail's and Outlook's quote blocks
        for quoted in soup.select("blockquote, .gmail_quote, #divRplyFwdMsg, #appendonsend"):
            quoted.decompose()
        return soup.get_text("\n")
    return content


def parse(raw: bytes) -> Inbound:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    senders = getaddresses([str(v) for v in message.get_all("From", [])])
    recipients = getaddresses(
        [
            str(v)
            for name in ("To", "Cc", "Delivered-To", "X-Original-To")
            for v in message.get_all(name, [])
        ]
    )
    attachments = tuple(
        " ".join(str(part.get_filename() or "unnamed").split())[:120]
        for part in message.iter_attachments()
    )
    return Inbound(
        message_id=str(message.get("Message-ID", "")).strip(),
        sender=senders[0][1] if senders else "",
        subject=" ".join(str(message.get("Subject", "")).split()),
        text=strip_quoted(_body(message)),
        recipients=tuple(addr for _, addr in recipients if addr),
        attachments=attachments,
        automatic=is_automatic(message),
        failed=permanent_failures(message),
    )


@dataclass(frozen=True)
class Outcome:
    status: str  # added | duplicate | ignored | unmatched | bounced
    reference: str | None = None
    session_id: str | None = None
    forwarded: bool = False  # sent on to the rep's Slack thread


async def _inquiry_of(db: AsyncSession, reference: str) -> Inquiry | None:
    if reference.startswith("Q-"):
        quote = (
            await db.execute(select(Quote).where(Quote.reference == reference))
        ).scalar_one_or_none()
        return await db.get(Inquiry, quote.inquiry_id) if quote else None
    return (
        await db.execute(select(Inquiry).where(Inquiry.reference == reference))
    ).scalar_one_or_none()


async def match(db: AsyncSession, mail: Inbound, replies: ReplyAddress | None) -> Inquiry | None:
    if replies is not None:
        for address in mail.recipients:
            reference = replies.check(address)
            if reference is not None:
                return await _inquiry_of(db, reference)
    found = REFERENCE.search(mail.subject)
    if found is None:
        return None
    inquiry = await _inquiry_of(db, found.group(0))
    if inquiry is None or not inquiry.email or not mail.sender:
        return None
    return inquiry if inquiry.email.strip().lower() == mail.sender.strip().lower() else None


def _chat_text(mail: Inbound) -> str:
    text = mail.text[:MAX_TEXT]
    if mail.attachments:
        listed = ", ".join(mail.attachments)
        text = f"{text}\n[attachments, not opened: {listed}]".strip()
    return text[: MAX_TEXT + 500]


async def deliver(db: AsyncSession, mail: Inbound, replies: ReplyAddress | None) -> Outcome:
    """Add a reply to its conversation, or record a delivery report's bounces (commits)."""
    if mail.failed:
        for address, detail in mail.failed:
            await suppressions.suppress(
                db,
                digest=suppressions.address_hash(address),
                reason=suppressions.Reason.BOUNCED,
                detail=f"delivery report: {detail}",
            )
        return Outcome("bounced")
    if mail.automatic:
        return Outcome("ignored")
    inquiry = await match(db, mail, replies)
    if inquiry is None or inquiry.session_id is None:
        return Outcome("unmatched", inquiry.reference if inquiry else None)
    session = await db.get(ChatSession, inquiry.session_id)
    if session is None:
        return Outcome("unmatched", inquiry.reference)
    text = _chat_text(mail)
    if not text:
        return Outcome("ignored", inquiry.reference)
    key = "mail:" + hashlib.sha256((mail.message_id or text).encode()).hexdigest()[:40]
    reference, session_id = inquiry.reference, session.id  # a rollback expires the objects
    forwarded = session.mode in (ChatMode.WAITING_FOR_AGENT.value, ChatMode.AGENT.value)
    if forwarded:  # in the same transaction as the message
        handoffs.forward_buyer_message(db, session_id=session_id, text=text, note="by email")
    try:
        messages = await conversations.append(
            db,
            session_id=session_id,
            role=Role.BUYER,
            texts=[(text, [])],
            author="email",
            handled=True,  # the rep or the sales mailbox answers it, not the bot
            client_message_id=key,
        )
    except IntegrityError:
        return Outcome("duplicate", reference, session_id)
    publisher = handoffs.current_config().publisher
    if publisher is not None:
        await publisher(session_id, None, messages)
    return Outcome("added", reference, session_id, forwarded)
