"""The follow-up of a request for quotation left half-way with an address (known from a
handoff's summary), on SQLite and PostgreSQL and through a real SMTP server: once per session,
after the delay, in the buyer's language, none once an inquiry came of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from i18n import LANGUAGES, t
from sales import privacy, rfq_drafts
from sales.db import Database
from sales.inquiries import BuyerDraft
from sales.mail.abandoned import enqueue_abandoned_rfqs
from sales.models import ChatSession, Handoff, MailSend, RfqDraft
from sales.pricing import PriceBook

from ..quotes.test_service import rfq
from .server import MailServer, Received
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


# -- forms left without a handoff: the RFQ drafts ------------------------------------------


async def _draft(database: Database, session_id: str, hours_ago: float, language: str) -> None:
    async with database.session() as db:
        db.add(ChatSession(id=session_id, token_hash="0" * 64, language="en"))
        await db.commit()
    state = {
        "email": RFQ["email"],
        "items": [{"sku": "PNL-6060-40W", "quantity": 5000, "unit": "pcs"}],
    }
    async with database.session() as db:
        assert await rfq_drafts.remember(db, session_id=session_id, state=state, language=language)
        await db.execute(
            update(RfqDraft)
            .where(RfqDraft.session_id == session_id)
            .values(updated_at=NOW - timedelta(hours=hours_ago))
        )
        await db.commit()


def _follow_ups(server: MailServer) -> list[Received]:
    subjects = {t("mail.abandoned_subject", lang, company="Lumora") for lang in LANGUAGES}
    return [m for m in server.received if m.message["Subject"] in subjects]


async def test_a_form_left_without_a_handoff_gets_one_follow_up(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    await _draft(database, "s-form-left", hours_ago=25, language="fr")
    await _draft(database, "s-form-recent", hours_ago=2, language="en")
    await _draft(database, "s-form-sent", hours_ago=25, language="en")
    await _inquiry(database, rfq(session_id="s-form-sent"))  # deletes its draft
    # a session with both a draft and a handoff is followed up once
    await _draft(database, "s-both", hours_ago=26, language="en")
    async with database.session() as db:
        db.add(Handoff(session_id="s-both", reason="asked", summary={"rfq": RFQ},
                       requested_at=NOW - timedelta(hours=26)))  # fmt: skip
        await db.commit()
    async with database.session() as db:
        written = await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY)
        assert sorted(written) == ["s-both", "s-form-left"]
        assert await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY) == []  # once
    await _drain(worker, clock)
    follow_ups = _follow_ups(mail_server)  # s-form-sent got its confirmation mail instead
    by_subject = {m.message["Subject"]: m for m in follow_ups}
    assert len(follow_ups) == 2
    french = by_subject[t("mail.abandoned_subject", "fr", company="Lumora")]
    assert french.rcpt_tos == ["jana.weber@nordlicht.example"]
    text = _plain(french.message)
    assert t("mail.abandoned_intro", "fr") in text and "PNL-6060-40W" in text
    # the handoff's summary (with the buyer's name) is what the second mail says
    english = by_subject[t("mail.abandoned_subject", "en", company="Lumora")]
    assert english.message["To"].addresses[0].display_name == "Jana Weber"


async def test_a_draft_sent_or_erased_before_the_mail_goes_gets_none(
    database: Database, mail_server: MailServer, smtp_cert: tuple[Path, Path], book: PriceBook
) -> None:
    clock = Clock()
    _, worker = _worker(database, mail_server.url(), smtp_cert[0], book, clock)
    await _draft(database, "s-sent-late", hours_ago=25, language="en")
    await _draft(database, "s-erased", hours_ago=25, language="en")
    async with database.session() as db:
        assert sorted(await enqueue_abandoned_rfqs(db, now=NOW, after_s=DAY)) == [
            "s-erased", "s-sent-late"
        ]  # fmt: skip
    reference = await _inquiry(database, rfq(session_id="s-sent-late"))
    async with database.session() as db:
        await privacy.erase_buyer(db, tracker_url=None, session_id="s-erased")
    await _drain(worker, clock)
    assert _follow_ups(mail_server) == []
    async with database.session() as db:
        sent_late = await db.scalar(
            select(MailSend).where(MailSend.dedupe_key == "rfq.abandoned:s-sent-late")
        )
    assert sent_late is not None and sent_late.note == f"the buyer sent {reference} meanwhile"
