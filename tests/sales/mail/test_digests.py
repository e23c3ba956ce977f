"""The digest of a rep's chat replies to a buyer who has left the page, on SQLite and PostgreSQL,
mailed through a real SMTP server: one event per run of replies the buyer has not answered for
a while, one mail with every reply of the run in the buyer's language, nothing when the buyer
answered in the chat, and a later run mailed without the replies already mailed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from i18n import t
from sales.db import Database
from sales.inquiries import BuyerDraft
from sales.mail.digests import enqueue_agent_digests
from sales.models import ChatMessage, ChatSession, MailSend, Role
from sales.pricing import PriceBook

from ..quotes.test_service import rfq
from .server import MailServer
from .test_channel import Clock, _drain, _inquiry, _worker

NOW = datetime.now(UTC)


async def _session(
    database: Database,
    session_id: str,
    lines: list[tuple[Role, str, float]],
    *,
    language: str = "de",
    email: str | None = "jana@nordlicht.example",
) -> str:
    """A chat session with its transcript (role, text, minutes ago) and an inquiry."""
    async with database.session() as db:
        db.add(ChatSession(id=session_id, token_hash="0" * 64, language=language))
        for seq, (role, text, minutes) in enumerate(lines, start=1):
            db.add(
                ChatMessage(
                    session_id=session_id, seq=seq, role=role.value, text=text,
                    author="Mei" if role is Role.AGENT else None,
                    created_at=NOW - timedelta(minutes=minutes),
                )
            )  # fmt: skip
        await db.commit()
    draft = rfq(
        buyer=BuyerDraft(contact_name="Jana Weber", email=email),
        language=None,
        session_id=session_id,
    )
    return await _inquiry(database, draft)


async def _add(database: Database, session_id: str, seq: int, role: Role, text: str) -> None:
    async with database.session() as db:
        author = "Mei" if role is Role.AGENT else None
        db.add(ChatMessage(session_id=session_id, seq=seq, role=role.value, text=text,
                           author=author, created_at=NOW))  # fmt: skip
        await db.commit()


def _plain(message: EmailMessage) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_content()).replace("\r\n", "\n")


ABSENT = [
    (Role.BUYER, "Can you do 8,000 pieces?", 30.0),
    (Role.AGENT, "Yes, 8,000 pieces are fine.", 20.0),
    (Role.AGENT, "Lead time would be 25 days.\nShall I update the quote?", 19.0),
]


async def test_one_digest_per_run_of_replies_the_buyer_left_unanswered(
    database: Database,
) -> None:
    await _session(database, "s-absent", ABSENT)
    await _session(database, "s-answered", [*ABSENT, (Role.BUYER, "Great, thanks", 18.0)])
    await _session(database, "s-recent", [(Role.BUYER, "Hi", 6.0), (Role.AGENT, "Hello!", 5.0)])
    async with database.session() as db:
        assert await enqueue_agent_digests(db, now=NOW, after_s=0) == []
        assert await enqueue_agent_digests(db, now=NOW, after_s=600) == [
            "chat.agent_digest:s-absent:3"
        ]
        assert await enqueue_agent_digests(db, now=NOW, after_s=600) == []  # once
        # five minutes later, the recent one is due too
        later = NOW + timedelta(minutes=6)
        assert await enqueue_agent_digests(db, now=later, after_s=600) == [
            "chat.agent_digest:s-recent:2"
        ]


async def test_the_digest_mail_carries_every_reply_of_the_run_once(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    ref = await _session(database, "s-absent", ABSENT)
    async with database.session() as db:
        await enqueue_agent_digests(db, now=NOW, after_s=600)
    await _drain(worker, clock)
    _, digest = (m.message for m in mail_server.received)
    assert digest["Subject"] == t("mail.digest_subject", "de", ref=ref)
    assert digest["Content-Language"] == "de"
    text = _plain(digest)
    assert t("mail.digest_intro", "de") in text
    assert "Mei:\nYes, 8,000 pieces are fine." in text
    assert "Lead time would be 25 days.\nShall I update the quote?" in text
    assert "Can you do 8,000 pieces?" not in text  # the buyer's own words are not sent back
    html = next(p for p in digest.walk() if p.get_content_type() == "text/html").get_content()
    assert "Shall I update the quote?" in html

    # a later run of replies: a second digest with only the new one
    await _add(database, "s-absent", 4, Role.AGENT, "The updated quote is on its way.")
    async with database.session() as db:
        assert await enqueue_agent_digests(db, now=NOW + timedelta(minutes=11), after_s=600) == [
            "chat.agent_digest:s-absent:4"
        ]
    await _drain(worker, clock)
    second = mail_server.received[2].message
    text = _plain(second)
    assert "The updated quote is on its way." in text and "8,000 pieces are fine" not in text
    assert len(mail_server.received) == 3


async def test_no_digest_once_the_buyer_has_answered_or_without_an_address(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    await _session(database, "s-back", ABSENT)
    await _session(database, "s-anon", ABSENT, email=None)
    async with database.session() as db:
        assert len(await enqueue_agent_digests(db, now=NOW, after_s=600)) == 2
    await _add(database, "s-back", 4, Role.BUYER, "Sorry, I was away: yes please")
    await _drain(worker, clock)
    assert [
        m.message["Subject"].startswith("Ihre Angebotsanfrage") for m in mail_server.received
    ] == [True]
    async with database.session() as db:
        notes = (
            await db.execute(
                select(MailSend.note).where(MailSend.dedupe_key.like("chat.agent_digest:%"))
                .order_by(MailSend.dedupe_key)
            )
        ).scalars().all()  # fmt: skip
    assert sorted(notes) == ["no address", "the buyer answered in the chat"]
