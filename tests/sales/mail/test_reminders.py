"""Reminders before a quote expires, on SQLite and PostgreSQL: one ``quote.expiring`` event per
sent quote in the window (never a second one), mailed through a real SMTP server in the buyer's
language and threaded under the quotation; none for a quote no longer open."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from i18n import t
from i18n.formatting import date_text
from sales import events, quotes
from sales.db import Database
from sales.mail.compose import message_id
from sales.mail.reminders import enqueue_expiry_reminders
from sales.models import MailSend, OutboxMessage
from sales.pricing import PriceBook

from ..quotes.test_service import TODAY
from .server import MailServer
from .test_channel import Clock, _draft, _drain, _inquiry, _worker


async def _quote(database: Database, book: PriceBook, email: str, language: str = "en") -> str:
    ref = await _inquiry(database, _draft(email, language=language))
    async with database.session() as db:
        outcome = await quotes.quote_inquiry(db, reference=ref, book=book, today=TODAY)
    assert outcome.status.value == "sent"
    return outcome.reference


async def _reminders(database: Database) -> list[str]:
    async with database.session() as db:
        rows = await db.execute(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.topic == events.QUOTE_EXPIRING)
        )
        return sorted(rows.scalars())


async def test_one_reminder_per_sent_quote_in_the_window(
    database: Database, book: PriceBook
) -> None:
    first = await _quote(database, book, "a@example.com")
    second = await _quote(database, book, "b@example.com")
    async with database.session() as db:
        valid_until = (await quotes.get(db, first)).valid_until  # type: ignore[union-attr]
        await quotes.accept(db, reference=second, by="buyer")
    async with database.session() as db:
        # four days before: outside a three-day window
        early = valid_until - timedelta(days=4)
        assert await enqueue_expiry_reminders(db, today=early, days_before=3) == []
        assert await enqueue_expiry_reminders(db, today=early, days_before=0) == []
        due = valid_until - timedelta(days=2)
        assert await enqueue_expiry_reminders(db, today=due, days_before=3) == [first]
        assert await enqueue_expiry_reminders(db, today=due, days_before=3) == []  # once
        after = valid_until + timedelta(days=1)
        assert await enqueue_expiry_reminders(db, today=after, days_before=3) == []
    assert await _reminders(database) == [f"quote.expiring:{first}"]


async def test_the_reminder_is_mailed_in_the_buyers_language_under_the_quotation(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    reference = await _quote(database, book, "jana@nordlicht.example", language="es")
    async with database.session() as db:
        quote = await quotes.get(db, reference)
        assert quote is not None
        assert await enqueue_expiry_reminders(
            db, today=quote.valid_until - timedelta(days=1), days_before=3
        ) == [reference]
    await _drain(worker, clock)
    confirmation, quotation, reminder = (m.message for m in mail_server.received)
    valid = date_text(quote.valid_until, "es")
    assert reminder["Subject"] == t("mail.reminder_subject", "es", quote=reference, valid=valid)
    assert reminder["In-Reply-To"] == quotation["Message-ID"]
    assert reminder["Message-ID"] == message_id(f"quote.expiring:{reference}", "lumora.example")
    text = next(p for p in reminder.walk() if p.get_content_type() == "text/plain").get_content()
    assert t("mail.reminder_action", "es") in text and "hasta el" in text
    assert list(reminder.iter_attachments()) == []
    assert confirmation["Subject"].startswith("Su solicitud de cotización")


async def test_no_reminder_for_a_quote_accepted_meanwhile(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    reference = await _quote(database, book, "jana@nordlicht.example")
    async with database.session() as db:
        quote = await quotes.get(db, reference)
        assert quote is not None
        await enqueue_expiry_reminders(db, today=quote.valid_until, days_before=3)
        await quotes.accept(db, reference=reference, by="buyer")
    await _drain(worker, clock)
    assert len(mail_server.received) == 2  # the confirmation and the quotation
    async with database.session() as db:
        skipped = await db.scalar(
            select(MailSend).where(MailSend.dedupe_key == f"quote.expiring:{reference}")
        )
    assert skipped is not None and (skipped.status, skipped.note) == ("skipped", "quote accepted")
