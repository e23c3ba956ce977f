"""The email channel through the real outbox worker, on SQLite and PostgreSQL, against a real
SMTP server on loopback (STARTTLS and AUTH): the RFQ confirmation and the quotation with its
PDF in the buyer's language, once per event (also after a crash, and while the server is down
for a while), bounces, malformed addresses, opt-outs, and the header injection in names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from i18n import t
from sales import events, inquiries, outbox, quotes
from sales.db import Database
from sales.inquiries import BuyerDraft, InquiryDraft
from sales.mail import suppressions
from sales.mail.channel import CHANNEL, Backoff, MailChannel, MailIdentity
from sales.mail.compose import HEADERS, message_id
from sales.mail.config import SmtpConfig
from sales.mail.sender import SmtpSender
from sales.mail.suppressions import Reason, UnsubscribeSigner
from sales.models import ChatSession, MailSend, MailSuppression, OutboxDelivery, OutboxMessage
from sales.outbox_worker import Delivery, OutboxWorker, RetryPolicy, fan_out
from sales.pricing import PriceBook
from sales.quotes.documents import render_pdf
from tools.stack import free_port

from ..quotes.test_service import TODAY, rfq
from .server import PASSWORD, MailServer

SENDER = Address("Lumora Sales", "sales", "lumora.example")
REPLY_TO = Address("Lumora Export Desk", "export", "lumora.example")
SIGNER = UnsubscribeSigner("https://sales.lumora.example", "unsubscribe-secret-0123456789")


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _worker(
    database: Database,
    url: str,
    cert: Path,
    book: PriceBook,
    clock: Clock,
    *,
    max_attempts: int = 3,
) -> tuple[MailChannel, OutboxWorker]:
    config = SmtpConfig.parse(url, ca_file=cert, timeout_s=10)
    channel = MailChannel(
        database,
        SmtpSender(config),
        MailIdentity(sender=SENDER, reply_to=REPLY_TO, company="Lumora", unsubscribe=SIGNER),
        price_book=book,
        backoff=Backoff(base_s=5, max_s=60),
        clock=clock,
    )
    worker = OutboxWorker(
        database,
        channel.handlers(),
        channel=CHANNEL,
        policy=RetryPolicy(max_attempts=max_attempts, base_s=2, jitter=0),
        clock=clock,
        secrets=(url, *config.secrets),
    )
    return channel, worker


async def _drain(worker: OutboxWorker, clock: Clock, passes: int = 10) -> None:
    for _ in range(passes):
        if not await worker.run_once():
            clock.advance(120)


async def _inquiry(database: Database, draft: InquiryDraft | None = None) -> str:
    async with database.session() as db:
        inquiry, _ = await inquiries.create(db, draft=draft or rfq())
    return inquiry.reference


def _draft(
    email: str | None, *, name: str = "Jana Weber", language: str | None = "en"
) -> InquiryDraft:
    return rfq(
        buyer=BuyerDraft(company="Nordlicht Handels GmbH", contact_name=name, email=email),
        language=language,
    )


async def _deliveries(database: Database) -> list[tuple[str, str, int, str | None]]:
    async with database.session() as db:
        rows = await db.execute(
            select(OutboxMessage.dedupe_key, OutboxDelivery.status, OutboxDelivery.attempts,
                   OutboxDelivery.last_error)
            .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
            .where(OutboxDelivery.channel == CHANNEL)
            .order_by(OutboxDelivery.message_id)
        )  # fmt: skip
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


def _part(message: EmailMessage, content_type: str) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == content_type)
    return str(part.get_content())


# -- what the mails say -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de", "zh"])
async def test_rfq_confirmation_in_the_buyers_language(
    database: Database,
    mail_server: MailServer,
    smtp_cert: tuple[Path, Path],
    book: PriceBook,
    language: str,
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    ref = await _inquiry(database, _draft("Jana.Weber@Nordlicht.example", language=language))
    await _drain(worker, clock)

    [mail] = mail_server.received
    assert mail.encrypted and mail.authenticated
    assert mail.mail_from == "sales@lumora.example"
    assert mail.rcpt_tos == ["Jana.Weber@nordlicht.example"]
    message = mail.message
    assert sorted(k.lower() for k in message) == sorted(h.lower() for h in HEADERS)
    assert message["Subject"] == t("mail.rfq_subject", language, ref=ref)
    assert ref in message["Subject"]
    assert message["From"] == "Lumora Sales <sales@lumora.example>"
    assert message["Reply-To"] == "Lumora Export Desk <export@lumora.example>"
    assert message["To"].addresses[0].addr_spec == "Jana.Weber@nordlicht.example"
    assert message["Content-Language"] == language
    assert message["Message-ID"] == message_id(f"{events.INQUIRY_CREATED}:{ref}", "lumora.example")
    text, html = _part(message, "text/plain"), _part(message, "text/html")
    for part in (text, html):
        assert t("mail.rfq_intro", language, ref=ref) in part
        assert "PNL-6060-40W" in part
    assert t("mail.greeting", language, name="Jana Weber") in text
    assert f'<html lang="{language}">' in html
    # the unsubscribe link is signed for this address (any case)
    url = message["List-Unsubscribe"].strip()[1:-1]
    assert url.startswith("https://sales.lumora.example/mail/unsubscribe?")
    token = parse_qs(urlsplit(url).query)["t"][0]
    assert SIGNER.check(token) == suppressions.address_hash("jana.weber@nordlicht.example")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in text and url.replace("&", "&amp;") in html

    async with database.session() as db:
        [sent] = (await db.execute(select(MailSend))).scalars().all()
    assert (sent.status, sent.kind, sent.reference, sent.language) == (
        "sent",
        "rfq_confirmation",
        ref,
        language,
    )
    assert sent.message_id == message["Message-ID"]
    assert [d[1:3] for d in await _deliveries(database)] == [("sent", 1)]


async def test_the_language_comes_from_the_chat_session_when_the_inquiry_has_none(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    async with database.session() as db:
        db.add(ChatSession(id="s-fr-1", token_hash="0" * 64, language="fr"))
        await db.commit()
    draft = rfq(
        buyer=BuyerDraft(contact_name="Léa Martin", email="lea@lumiere.example"),
        language=None,
        session_id="s-fr-1",
    )
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    ref = await _inquiry(database, draft)
    await _drain(worker, clock)
    [mail] = mail_server.received
    assert mail.message["Subject"] == t("mail.rfq_subject", "fr", ref=ref)
    assert "Bonjour Léa Martin," in _part(mail.message, "text/plain")


async def test_the_quotation_carries_its_pdf_and_follows_the_confirmation(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    ref = await _inquiry(database, _draft("jana@nordlicht.example", language="de"))
    async with database.session() as db:
        outcome = await quotes.quote_inquiry(db, reference=ref, book=book, today=TODAY)
    assert outcome.status.value == "sent"
    await _drain(worker, clock)

    confirmation, quotation = (m.message for m in mail_server.received)
    assert quotation["Subject"] == t("mail.quote_subject", "de", quote=outcome.reference, ref=ref)
    assert quotation["In-Reply-To"] == confirmation["Message-ID"]
    assert quotation["Message-ID"] == message_id(
        f"{events.QUOTE_SENT}:{outcome.reference}", "lumora.example"
    )
    [attachment] = list(quotation.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{outcome.reference}.pdf"
    async with database.session() as db:
        stored = await quotes.get(db, outcome.reference)
    assert stored is not None
    assert attachment.get_content() == render_pdf(stored, book=book)  # the staff API's bytes
    text = _part(quotation, "text/plain")
    assert "Gesamtbetrag: USD" in text and "CIF Hamburg" in text
    assert t("mail.quote_intro", "de", quote=outcome.reference, ref=ref) in text


# -- once, whatever happens -----------------------------------------------------------------


async def test_server_down_for_a_while_then_every_mail_delivered_once(
    database: Database, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    port = free_port()
    server = MailServer(port, cert=smtp_cert)
    clock = Clock()
    _, worker = _worker(database, server.url(), smtp_cert[0], book, clock)
    refs = [await _inquiry(database, _draft(f"buyer{i}@example.com")) for i in range(4)]

    for _ in range(3):  # down: each pass defers the mails, no attempt is counted
        await worker.run_once()
        clock.advance(61)
    rows = await _deliveries(database)
    assert [(status, attempts) for _, status, attempts, _ in rows] == [("pending", 0)] * 4
    # the first of each pass was tried (the rest of the batch was given back untried)
    assert f"cannot reach 127.0.0.1:{port}" in (rows[0][3] or "")
    assert all(PASSWORD not in (error or "") for *_, error in rows)

    with server:
        await _drain(worker, clock)
        await _drain(worker, clock)  # nothing more to do
        received = server.received
    assert sorted(m.rcpt_tos[0] for m in received) == [f"buyer{i}@example.com" for i in range(4)]
    assert sorted(m.message["Message-ID"] for m in received) == sorted(
        message_id(f"{events.INQUIRY_CREATED}:{ref}", "lumora.example") for ref in refs
    )
    assert [(status, attempts) for _, status, attempts, _ in await _deliveries(database)] == [
        ("sent", 1)
    ] * 4


async def _claimed_delivery(database: Database) -> Delivery:
    """The email delivery of the only event, as the worker hands it to the handler."""
    await fan_out(database, now=datetime.now(UTC))
    async with database.session() as db:
        delivery, event = (
            await db.execute(
                select(OutboxDelivery, OutboxMessage)
                .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
                .where(OutboxDelivery.channel == CHANNEL)
            )
        ).one()
    return Delivery(
        id=event.id, topic=event.topic, payload=event.payload, ordering_key=event.ordering_key,
        dedupe_key=event.dedupe_key, attempts=0, channel=CHANNEL, delivery_id=delivery.id,
    )  # fmt: skip


async def test_a_crash_after_the_record_sends_nothing_again(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    """The mail went out and was recorded, but the process died before the delivery was marked
    sent: the next attempt finds the record and sends nothing."""
    clock = Clock()
    channel, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    async with database.session() as db:
        await outbox.subscribe(db, channel=CHANNEL, topics=channel.handlers())
    await _inquiry(database, _draft("jana@nordlicht.example"))
    row = await _claimed_delivery(database)
    await channel.handlers()[row.topic](row)  # sent and recorded; "crash" before the outbox knew
    assert len(mail_server.received) == 1
    await _drain(worker, clock)
    assert len(mail_server.received) == 1
    assert [d[1] for d in await _deliveries(database)] == ["sent"]


async def test_a_crash_before_the_record_sends_again_with_the_same_message_id(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    """The documented at-least-once edge: the server took the mail, the record was not written
    (the process died in between). The next attempt sends it again, as the same message."""
    clock = Clock()
    channel, _ = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    async with database.session() as db:
        await outbox.subscribe(db, channel=CHANNEL, topics=channel.handlers())
    await _inquiry(database, _draft("jana@nordlicht.example"))
    row = await _claimed_delivery(database)
    await channel.handlers()[row.topic](row)
    async with database.session() as db:  # the record never made it
        for sent in (await db.execute(select(MailSend))).scalars():
            await db.delete(sent)
        await db.commit()
    retry = Delivery(**{**row.__dict__, "interrupted_at": clock.now})
    await channel.handlers()[retry.topic](retry)
    first, second = mail_server.received
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert _part(first.message, "text/plain") == _part(second.message, "text/plain")


# -- bad input --------------------------------------------------------------------------------


async def test_a_hard_bounce_is_dead_with_the_reason_and_the_address_gets_no_more_mail(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    bounced = await _inquiry(database, _draft("nosuch.buyer@example.com"))
    fine = await _inquiry(database, _draft("buyer@example.com"))
    await _drain(worker, clock)
    again = await _inquiry(database, _draft("NoSuch.Buyer@Example.com"))
    await _drain(worker, clock)

    rows = await _deliveries(database)
    assert [(key, status) for key, status, *_ in rows] == [
        (f"inquiry.created:{bounced}", "dead"),
        (f"inquiry.created:{fine}", "sent"),
        (f"inquiry.created:{again}", "sent"),  # handled: skipped, no mail
    ]
    assert "bounced: 550" in (rows[0][3] or "") and "User unknown" in (rows[0][3] or "")
    assert [m.rcpt_tos for m in mail_server.received] == [["buyer@example.com"]]
    async with database.session() as db:
        suppression = await db.get(
            MailSuppression, suppressions.address_hash("nosuch.buyer@example.com")
        )
        skipped = await db.scalar(select(MailSend).where(MailSend.reference == again))
    assert suppression is not None and suppression.reason == "bounced"
    assert suppression.reference == bounced and "550" in suppression.detail
    assert skipped is not None and (skipped.status, skipped.note) == ("skipped", "bounced")


async def test_malformed_addresses_are_dead_with_the_reason_and_nothing_else_is_lost(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    refs = [
        await _inquiry(database, _draft(email))
        for email in ("jana@@nordlicht.example", "ok1@example.com", "jürgen@müller.example",
                      "x@example.com\r\nBcc: victim@example.com", "ok2@example.com", None)
    ]  # fmt: skip
    await _drain(worker, clock)
    rows = {
        key.split(":")[1]: (status, error) for key, status, _, error in await _deliveries(database)
    }
    assert rows[refs[0]][0] == "dead" and "not a valid email address" in (rows[refs[0]][1] or "")
    assert rows[refs[2]][0] == "dead" and "SMTPUTF8" in (rows[refs[2]][1] or "")
    assert rows[refs[3]][0] == "dead" and "line break" in (rows[refs[3]][1] or "")
    assert [rows[refs[i]][0] for i in (1, 4, 5)] == ["sent"] * 3
    assert sorted(m.rcpt_tos[0] for m in mail_server.received) == [
        "ok1@example.com",
        "ok2@example.com",
    ]
    async with database.session() as db:
        no_address = await db.scalar(select(MailSend).where(MailSend.reference == refs[5]))
    assert no_address is not None and no_address.note == "no address"


async def test_a_temporary_refusal_is_retried_with_backoff_then_dead(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock, max_attempts=2)
    await _inquiry(database, _draft("later@example.com"))
    await worker.run_once()
    [(_, status, attempts, error)] = await _deliveries(database)
    assert (status, attempts) == ("pending", 1) and "450" in (error or "")
    clock.advance(2)
    await worker.run_once()
    [(_, status, attempts, error)] = await _deliveries(database)
    assert (status, attempts) == ("dead", 2)
    assert mail_server.received == []


async def test_an_unsubscribed_buyer_gets_nothing(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    first = await _inquiry(database, _draft("jana@nordlicht.example"))
    await _drain(worker, clock)
    url = mail_server.received[0].message["List-Unsubscribe"].strip()[1:-1]
    digest = SIGNER.check(parse_qs(urlsplit(url).query)["t"][0])
    assert digest is not None
    async with database.session() as db:
        assert await suppressions.suppress(db, digest=digest, reason=Reason.UNSUBSCRIBED)
    async with database.session() as db:
        outcome = await quotes.quote_inquiry(db, reference=first, book=book, today=TODAY)
    second = await _inquiry(database, _draft("JANA@nordlicht.example"))
    await _drain(worker, clock)
    assert len(mail_server.received) == 1
    async with database.session() as db:
        skipped = (
            await db.execute(
                select(MailSend.reference, MailSend.note).where(MailSend.status == "skipped")
            )
        ).all()
    assert sorted(tuple(s) for s in skipped) == sorted(
        [(first, "unsubscribed"), (second, "unsubscribed")]
    )
    assert outcome.reference


async def test_names_that_try_to_add_headers_stay_names(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    name = "Jana\r\nBcc: victim@example.com\r\nSubject: free money"
    await _inquiry(database, _draft("jana@nordlicht.example", name=name))
    await _drain(worker, clock)
    [mail] = mail_server.received
    assert mail.rcpt_tos == ["jana@nordlicht.example"]
    assert sorted(k.lower() for k in mail.message) == sorted(h.lower() for h in HEADERS)
    assert b"\nBcc:" not in mail.data and mail.message["Subject"].startswith("Your request")
    assert mail.message["To"].addresses[0].addr_spec == "jana@nordlicht.example"


async def test_no_price_book_no_quotation_mail_until_retries_run_out(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    channel, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    channel.price_book = None
    ref = await _inquiry(database, _draft("jana@nordlicht.example"))
    async with database.session() as db:
        await quotes.quote_inquiry(db, reference=ref, book=book, today=TODAY)
    await worker.run_once()
    await worker.run_once()
    rows = await _deliveries(database)
    assert rows[1][1:3] == ("pending", 1) and "price book not loaded" in (rows[1][3] or "")
    assert len(mail_server.received) == 1  # the confirmation only
    assert Decimal(1)
