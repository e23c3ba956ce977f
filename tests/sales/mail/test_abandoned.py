"""The follow-up of a request for quotation left half-way with an address (known from a
handoff's summary), on SQLite and PostgreSQL and through a real SMTP server: once per session,
after the delay, in the buyer's language, none once an inquiry came of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select

from i18n import t
from sales.db import Database
from sales.inquiries import BuyerDraft
from sales.mail.abandoned import enqueue_abandoned_rfqs
from sales.models import ChatSession, Handoff, MailSend
from sales.pricing import PriceBook

from ..quotes.test_service import rfq
from .server import MailServer
from .test_channel import Clock, _drain, _inquiry, _worker

NOW = datetime.now(UTC)
DAY = 86400
RFQ = {
    "contact_name": "Jana Weber",
    "company": "Nordlicht Handels GmbH",
    "email": "jana.weber@nordlicht.example",
    "product": "PNL-6060-40W",
    "quantity": "5000 pcs",
}


async def _handoff(
    database: Database, session_id: str, summary: dict[str, Any], hours_ago: float
) -> None:
    async with database.session() as db:
        db.add(ChatSession(id=session_id, token_hash="0" * 64, language="de"))
        db.add(
            Handoff(
                session_id=session_id, reason="asked", summary=summary,
                requested_at=NOW - timedelta(hours=hours_ago),
            )
        )  # fmt: skip
        await db.commit()


def _plain(message: EmailMessage) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_content()).replace("\r\n", "\n")


async def test_one_follow_up_per_session_after_the_delay(database: Database) -> None:
    await _handoff(database, "s-left", {"rfq": RFQ}, hours_ago=25)
    await _handoff(database, "s-no-address", {"rfq": {"product": "FL-SL-100W"}}, hours_ago=25)
    await _handoff(database, "s-recent", {"rfq": RFQ}, hours_ago=2)
    await _handoff(database, "s-old", {"rfq": RFQ}, hours_ago=24 * 9)
    await _handoff(database, "s-quoted", {"rfq": RFQ}, hours_ago=25)
    await _inquiry(database, rfq(session_id="s-quoted"))
    async with database.session() as db:
        assert await enqueue_abandoned_rfqs(db, now=NOW, after_s=0) == []
        assert await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY) == ["s-left"]
        assert await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY) == []  # once
        later = NOW + timedelta(hours=23)
        assert await enqueue_abandoned_rfqs(db, now=later, after_s=DAY) == ["s-recent"]


async def test_the_follow_up_mail_in_the_buyers_language(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    await _handoff(database, "s-left", {"rfq": RFQ}, hours_ago=25)
    async with database.session() as db:
        assert await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY) == ["s-left"]
    await _drain(worker, clock)
    [mail] = mail_server.received
    message = mail.message
    assert mail.rcpt_tos == ["jana.weber@nordlicht.example"]
    assert message["Subject"] == t("mail.abandoned_subject", "de", company="Lumora")
    assert message["To"].addresses[0].display_name == "Jana Weber"
    assert message["Reply-To"].addresses[0].addr_spec == "export@lumora.example"
    text = _plain(message)
    assert t("mail.abandoned_intro", "de") in text
    assert "Produkt: PNL-6060-40W\nMenge: 5000 pcs" in text
    await _drain(worker, clock)
    assert len(mail_server.received) == 1


async def test_no_follow_up_once_the_buyer_sent_the_rfq(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    await _handoff(database, "s-late", {"rfq": RFQ}, hours_ago=25)
    async with database.session() as db:
        await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY)
    draft = rfq(session_id="s-late", buyer=BuyerDraft(email=None, contact_name="Jana"))
    reference = await _inquiry(database, draft)
    await _drain(worker, clock)
    assert mail_server.received == []
    async with database.session() as db:
        skipped = await db.scalar(
            select(MailSend).where(MailSend.dedupe_key == "rfq.abandoned:s-late")
        )
    assert skipped is not None and skipped.note == f"the buyer sent {reference} meanwhile"
