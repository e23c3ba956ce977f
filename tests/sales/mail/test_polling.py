"""Buyers' replies polled from a real IMAP server (dovecot on loopback, ``imap_server.py``), on
SQLite and PostgreSQL: each message handled once through the same handling as the inbound
webhook (signed address or reference and sender, quoted history cut, automatic mail ignored,
attachments listed), recorded by folder, UIDVALIDITY and UID with its Message-ID, and moved to
the done folder; over IMAPS and over STARTTLS; a move that failed is only retried; a wrong
password or a certificate we do not trust fails the pass without printing the password."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from sales.db import Database
from sales.mail.imap_config import ImapConfig
from sales.mail.inbound import ReplyAddress
from sales.mail.mailbox import ImapMailbox, MailboxError
from sales.mail.polling import poll_once
from sales.models import ChatMessage, ChatSession, MailInboundSeen

from ..quotes.test_service import rfq
from .imap_server import PASSWORD, Dovecot
from .test_channel import _inquiry

REPLIES = ReplyAddress("replies.lumora.example", "secret-for-reply-addresses-0123")
EMAIL = "jana.weber@nordlicht.example"
REPLY = (
    "Yes, please go ahead with 8,000 pcs.\n\nJana\n\n"
    "On Mon, 7 Dec 2026 at 09:30, Lumora Sales <sales@lumora.example> wrote:\n"
    "> Please find attached our quotation\n"
)


def _config(server: Dovecot, scheme: str = "imaps") -> ImapConfig:
    return ImapConfig.parse(server.url(scheme), ca_file=server.cert, timeout_s=10)


def _mail(to: str, text: str, *, subject: str = "Re: your quotation", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Jana Weber <{EMAIL}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="nordlicht.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


async def _chat_with_inquiry(database: Database, session_id: str = "s-imap") -> str:
    async with database.session() as db:
        db.add(ChatSession(id=session_id, token_hash="0" * 64, language="en"))
        await db.commit()
    return await _inquiry(database, rfq(session_id=session_id))


async def _buyer_texts(database: Database, session_id: str = "s-imap") -> list[str]:
    async with database.session() as db:
        rows = await db.execute(
            select(ChatMessage.text)
            .where(ChatMessage.session_id == session_id, ChatMessage.role == "buyer")
            .order_by(ChatMessage.seq)
        )
        return list(rows.scalars())


async def test_a_reply_is_added_once_recorded_and_moved(
    database: Database, imap_server: Dovecot
) -> None:
    reference = await _chat_with_inquiry(database)
    raw = _mail(REPLIES.address(reference), REPLY)
    imap_server.deliver(raw)
    config = _config(imap_server)
    counts = await poll_once(database, lambda: ImapMailbox(config), REPLIES)
    assert dict(counts) == {"added": 1}
    assert await _buyer_texts(database) == ["Yes, please go ahead with 8,000 pcs.\n\nJana"]
    assert imap_server.uids("INBOX") == [] and imap_server.uids("Processed") == [1]
    async with database.session() as db:
        [seen] = (await db.execute(select(MailInboundSeen))).scalars()
    assert (seen.mailbox, seen.uid, seen.status, seen.reference) == (
        config.mailbox, 1, "added", reference
    )  # fmt: skip
    assert seen.uid_validity > 0 and seen.message_id.endswith("@nordlicht.example>")
    assert PASSWORD not in config.mailbox

    # nothing left to read; the same mail delivered again (a new UID) is a duplicate
    assert dict(await poll_once(database, lambda: ImapMailbox(config), REPLIES)) == {}
    imap_server.deliver(raw)
    counts = await poll_once(database, lambda: ImapMailbox(config), REPLIES)
    assert dict(counts) == {"duplicate": 1}
    assert await _buyer_texts(database) == ["Yes, please go ahead with 8,000 pcs.\n\nJana"]
    assert imap_server.uids("Processed") == [1, 2]


async def test_over_starttls_every_kind_of_mail_is_placed_and_moved(
    database: Database, imap_server: Dovecot
) -> None:
    reference = await _chat_with_inquiry(database)
    address = REPLIES.address(reference)
    with_file = EmailMessage()
    with_file["From"] = EMAIL
    with_file["To"] = address
    with_file["Subject"] = "drawing"
    with_file["Message-ID"] = make_msgid(domain="nordlicht.example")
    with_file.set_content("Our drawing is attached.")
    with_file.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                             filename="drawing.exe")  # fmt: skip
    imap_server.deliver(_mail(address, "Away until Monday.", Auto_Submitted="auto-replied"))
    imap_server.deliver(with_file.as_bytes())
    imap_server.deliver(_mail("sales@lumora.example", "Who are you?", subject="hello"))
    subject = f"Re: Your request for quotation {reference}"
    imap_server.deliver(_mail("sales@lumora.example", "Thanks!", subject=subject))
    config = _config(imap_server, "imap")
    counts = await poll_once(database, lambda: ImapMailbox(config), REPLIES)
    assert dict(counts) == {"ignored": 1, "added": 2, "unmatched": 1}
    assert await _buyer_texts(database) == [
        "Our drawing is attached.\n[attachments, not opened: drawing.exe]",
        "Thanks!",
    ]
    assert imap_server.uids("INBOX") == [] and imap_server.uids("Processed") == [1, 2, 3, 4]
    async with database.session() as db:
        rows = (await db.execute(select(MailInboundSeen).order_by(MailInboundSeen.uid))).scalars()
        assert [(r.uid, r.status) for r in rows] == [
            (1, "ignored"), (2, "added"), (3, "unmatched"), (4, "added")
        ]  # fmt: skip


class _MoveFailsOnce(ImapMailbox):
    failed = False

    def done(self, uid: int) -> None:
        if not _MoveFailsOnce.failed:
            _MoveFailsOnce.failed = True
            raise MailboxError("IMAP MOVE: connection reset")
        super().done(uid)


async def test_a_failed_move_is_retried_without_handling_the_mail_again(
    database: Database, imap_server: Dovecot
) -> None:
    _MoveFailsOnce.failed = False
    reference = await _chat_with_inquiry(database)
    imap_server.deliver(_mail(REPLIES.address(reference), REPLY))
    config = _config(imap_server)
    with pytest.raises(MailboxError):
        await poll_once(database, lambda: _MoveFailsOnce(config), REPLIES)
    assert imap_server.uids("INBOX") == [1]  # handled and recorded, not moved
    counts = await poll_once(database, lambda: _MoveFailsOnce(config), REPLIES)
    assert dict(counts) == {"moved_only": 1}
    assert await _buyer_texts(database) == ["Yes, please go ahead with 8,000 pcs.\n\nJana"]
    assert imap_server.uids("INBOX") == [] and imap_server.uids("Processed") == [1]


async def test_a_wrong_password_or_an_untrusted_certificate_fails_the_pass_quietly(
    database: Database, imap_server: Dovecot
) -> None:
    imap_server.deliver(_mail("sales@lumora.example", "hello"))
    wrong = ImapConfig.parse(
        imap_server.url().replace(PASSWORD, "not-the-pass-w0rd"), ca_file=imap_server.cert
    )
    with pytest.raises(MailboxError) as failed:
        await poll_once(database, lambda: ImapMailbox(wrong), REPLIES)
    assert "not-the-pass-w0rd" not in str(failed.value)
    assert "AUTHENTICATIONFAILED" in str(failed.value) or "failed" in str(failed.value).lower()
    untrusted = ImapConfig.parse(imap_server.url())  # the system's CAs: the test CA is unknown
    with pytest.raises(MailboxError) as refused:
        await poll_once(database, lambda: ImapMailbox(untrusted), REPLIES)
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value) and PASSWORD not in str(refused.value)
    assert imap_server.uids("INBOX") == [1]  # the mail waits on the server


def test_imap_urls() -> None:
    config = ImapConfig.parse("imaps://sales%40lumora.example:p%40ss@mail.lumora.example/Replies")
    assert (config.host, config.port, config.implicit_tls) == ("mail.lumora.example", 993, True)
    assert (config.username, config.password, config.folder) == (
        "sales@lumora.example", "p@ss", "Replies"
    )  # fmt: skip
    assert "p@ss" not in repr(config) and config.secrets == ("p@ss",)
    plain = ImapConfig.parse("imap://u:pw@127.0.0.1")
    assert (plain.port, plain.implicit_tls, plain.folder, plain.loopback) == (
        143, False, "INBOX", True
    )  # fmt: skip
    for bad, says in [
        ("pop3://u:pw@h", "must start with"),
        ("imaps://h/INBOX", "user name and a password"),
        ("imaps://u:secret-pw@h/INBOX?x=1", "query"),
        ("imaps://u:secret-pw@h/Processed", "must differ"),
        ("imaps://u:secret-pw@/INBOX", "no host"),
    ]:
        with pytest.raises(ValueError, match=says) as error:
            ImapConfig.parse(bad)
        assert "secret-pw" not in str(error.value)
