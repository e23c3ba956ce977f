"""Buyers' replies through the signed inbound webhook on the app: matched by the signed reply
address or by the reference with the inquiry's sender, the quoted history stripped, added to the
chat transcript once, sent on to the rep's Slack thread during a handoff; automatic mail, bad
signatures, stale timestamps, unknown senders and huge mails refused or ignored."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, update

from api.mail.inbound import PATH, reply_addresses, signature
from api.main import create_app
from api.settings import Settings
from sales import events, inquiries
from sales.db import Database
from sales.inquiries import BuyerDraft
from sales.models import ChatSession, OutboxMessage
from tests.sales.quotes.test_service import rfq

SECRET = "inbound-webhook-secret-0123456789"
EMAIL = "jana.weber@nordlicht.example"


@pytest.fixture
def inbound_settings(settings: Settings) -> Settings:
    settings.mail_inbound_secret = SecretStr(SECRET)
    settings.mail_reply_domain = "replies.lumora.example"
    settings.quote_link_secret = SecretStr("link-secret-for-inbound-0123456789")
    return settings


@pytest.fixture
def app_client(inbound_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(inbound_settings)) as client:
        yield client


def _run(settings: Settings, job: Any) -> Any:
    async def go() -> Any:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                return await job(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


def _chat_with_inquiry(client: TestClient, settings: Settings) -> tuple[str, str, dict[str, str]]:
    body = client.post("/api/chat/sessions", json={"locale": "en"}).json()
    draft = rfq(
        buyer=BuyerDraft(contact_name="Jana Weber", email=EMAIL), session_id=body["session_id"]
    )

    async def create(session: Any) -> str:
        inquiry, _ = await inquiries.create(session, draft=draft)
        return inquiry.reference

    reference = _run(settings, create)
    return reference, body["session_id"], {"Authorization": f"Bearer {body['token']}"}


def _mail(to: str, subject: str, text: str, sender: str = EMAIL, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Jana Weber <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="nordlicht.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def _post(client: TestClient, raw: bytes, *, secret: str = SECRET, skew: int = 0) -> Any:
    stamp = str(int(time.time()) + skew)
    return client.post(
        PATH,
        content=raw,
        headers={
            "Content-Type": "message/rfc822",
            "X-Exportdesk-Timestamp": stamp,
            "X-Exportdesk-Signature": signature(secret, stamp, raw),
        },
    )


REPLY = (
    "Yes, please go ahead with 8,000 pcs.\n\nJana\n\n"
    "On Mon, 7 Dec 2026 at 09:30, Lumora Sales <sales@lumora.example> wrote:\n"
    "> Please find attached our quotation\n"
)


def _buyer_texts(client: TestClient, session_id: str, auth: dict[str, str]) -> list[str]:
    messages = client.get(f"/api/chat/sessions/{session_id}/messages", headers=auth).json()
    return [m["text"] for m in messages["messages"] if m["role"] == "buyer"]


def test_a_reply_to_the_signed_address_reaches_the_transcript_once(
    app_client: TestClient, inbound_settings: Settings
) -> None:
    reference, session_id, auth = _chat_with_inquiry(app_client, inbound_settings)
    address = reply_addresses(inbound_settings).address(reference)  # type: ignore[union-attr]
    raw = _mail(address, "Re: your quotation", REPLY, sender="assistant@nordlicht.example")
    first = _post(app_client, raw)
    assert first.status_code == 200, first.text
    assert first.json() == {"status": "added", "reference": reference, "forwarded": False}
    assert _post(app_client, raw).json()["status"] == "duplicate"  # the provider retried
    assert _buyer_texts(app_client, session_id, auth) == [
        "Yes, please go ahead with 8,000 pcs.\n\nJana"
    ]


def test_the_reference_in_the_subject_needs_the_inquirys_own_sender(
    app_client: TestClient, inbound_settings: Settings
) -> None:
    reference, session_id, auth = _chat_with_inquiry(app_client, inbound_settings)
    subject = f"Re: Your request for quotation {reference}"
    spoof = _post(app_client, _mail("sales@lumora.example", subject, "Cancel it", "x@evil.example"))
    assert spoof.json()["status"] == "unmatched"
    forged = f"reply+{reference}.AAAAAAAAAAAAAAAAAAAAAA@replies.lumora.example"
    assert _post(app_client, _mail(forged, "Re", "Cancel", "x@evil.example")).json()["status"] == (
        "unmatched"
    )
    ok = _post(app_client, _mail("sales@lumora.example", subject, "Thanks!", EMAIL.upper()))
    assert ok.json()["status"] == "added"
    assert _buyer_texts(app_client, session_id, auth) == ["Thanks!"]


def test_automatic_mail_is_not_added(app_client: TestClient, inbound_settings: Settings) -> None:
    reference, session_id, auth = _chat_with_inquiry(app_client, inbound_settings)
    address = reply_addresses(inbound_settings).address(reference)  # type: ignore[union-attr]
    ooo = _mail(address, "Out of office", "I am away until Monday.", Auto_Submitted="auto-replied")
    assert _post(app_client, ooo).json()["status"] == "ignored"
    assert _buyer_texts(app_client, session_id, auth) == []


def test_attachments_are_listed_not_opened(
    app_client: TestClient, inbound_settings: Settings
) -> None:
    reference, session_id, auth = _chat_with_inquiry(app_client, inbound_settings)
    message = EmailMessage()
    message["From"] = EMAIL
    message["To"] = reply_addresses(inbound_settings).address(reference)  # type: ignore[union-attr]
    message["Subject"] = "drawing"
    message.set_content("Our drawing is attached.")
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                           filename="drawing.exe")  # fmt: skip
    assert _post(app_client, message.as_bytes()).json()["status"] == "added"
    assert _buyer_texts(app_client, session_id, auth) == [
        "Our drawing is attached.\n[attachments, not opened: drawing.exe]"
    ]


def test_during_a_handoff_the_reply_goes_on_to_the_reps_thread(
    app_client: TestClient, inbound_settings: Settings
) -> None:
    reference, session_id, _ = _chat_with_inquiry(app_client, inbound_settings)

    async def to_agent(session: Any) -> None:
        await session.execute(
            update(ChatSession).where(ChatSession.id == session_id).values(mode="agent")
        )
        await session.commit()

    _run(inbound_settings, to_agent)
    address = reply_addresses(inbound_settings).address(reference)  # type: ignore[union-attr]
    answer = _post(app_client, _mail(address, "Re", REPLY))
    assert answer.json()["forwarded"] is True

    async def forwarded(session: Any) -> list[dict[str, Any]]:
        rows = await session.execute(
            select(OutboxMessage.payload).where(OutboxMessage.topic == events.BUYER_MESSAGE)
        )
        return list(rows.scalars())

    assert _run(inbound_settings, forwarded) == [
        {"session_id": session_id, "text": "Yes, please go ahead with 8,000 pcs.\n\nJana",
         "note": "by email"}
    ]  # fmt: skip


def test_signatures_timestamps_size_and_configuration(
    app_client: TestClient, inbound_settings: Settings, settings: Settings
) -> None:
    raw = _mail("sales@lumora.example", "hello", "hi")
    assert _post(app_client, raw, secret="wrong-secret").status_code == 401
    assert _post(app_client, raw, skew=-600).status_code == 401
    unsigned = app_client.post(PATH, content=raw)
    assert unsigned.status_code == 401
    assert _post(app_client, raw).json()["status"] == "unmatched"
    huge = b"X-Big: 1\r\n\r\n" + b"a" * (10 * 1024 * 1024 + 1)
    assert _post(app_client, huge).status_code == 413
    settings.mail_inbound_secret = None
    with TestClient(create_app(settings)) as off:
        assert _post(off, raw).status_code == 404


def test_a_delivery_report_puts_the_address_on_the_bounce_list(
    app_client: TestClient, inbound_settings: Settings
) -> None:
    from sales.mail import suppressions
    from tests.sales.mail.test_inbound import _report

    raw = _report(
        f"Final-Recipient: rfc822; {EMAIL}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
    )
    assert _post(app_client, raw).json()["status"] == "bounced"

    async def found(session: Any) -> Any:
        return await suppressions.find(session, EMAIL.upper())

    row = _run(inbound_settings, found)
    assert row is not None and row.reason == "bounced" and "5.1.1" in row.detail
