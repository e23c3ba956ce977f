"""End to end with the real engine and the app as processes and a real SMTP server on loopback
(aiosmtpd, STARTTLS and AUTH): a buyer confirms an RFQ in the chat, the confirmation mail with its
reference arrives once, and so does the quotation (sent at once, or on a rep's approval through the
staff API) with the PDF the staff API returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.settings import Settings
from sales.migrate import upgrade
from tests.sales.mail.server import MailServer, Received, self_signed_cert
from tools.stack import Stack, train

from .chat import Buyer
from .conftest import STAFF_TOKEN, free_port
from .test_conversation import _answer_until_summary, _confirm

pytestmark = pytest.mark.e2e


@dataclass
class MailStack:
    stack: Stack
    settings: Settings
    base_url: str
    server: MailServer

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60)


@pytest.fixture(scope="module")
def mail_stack(tmp_path_factory: pytest.TempPathFactory, kb_index: Path) -> Iterator[MailStack]:
    model = train()
    work = tmp_path_factory.mktemp("mail-stack")
    cert = self_signed_cert(work)
    with MailServer(free_port(), cert=cert) as server:
        settings = Settings(
            _env_file=None,
            app_port=free_port(),
            rasa_port=free_port(),
            database_url=f"sqlite:///{work / 'orders.db'}",
            tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
            staff_api_tokens=SecretStr(STAFF_TOKEN),
            kb_index_dir=kb_index,
            chat_rate_burst=50,
            smtp_url=SecretStr(server.url()),
            mail_from="Lumora Sales <sales@lumora.example>",
            smtp_ca_file=cert[0],
            outbox_poll_s=0.2,
        )
        upgrade(settings.database_url)
        stack = Stack(settings, model, work / "log")
        stack.start()
        try:
            stack.wait_healthy(timeout=300)
            yield MailStack(stack, settings, f"http://127.0.0.1:{settings.app_port}", server)
        finally:
            stack.stop()


def _mails(server: MailServer, count: int, timeout: float = 60) -> list[Received]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(server.received) >= count:
            return server.received
        time.sleep(0.2)
    raise AssertionError(f"{len(server.received)} mails arrived, {count} expected")


def test_a_confirmed_rfq_is_mailed_to_the_buyer_and_so_is_its_quotation(
    mail_stack: MailStack,
) -> None:
    auth = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    with mail_stack.client() as client:
        buyer = Buyer(client).start()
        first = buyer.reply(
            "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
            "by 15 March 2027"
        )
        _answer_until_summary(buyer, first)
        reference = _confirm(buyer)

        [confirmation] = _mails(mail_stack.server, 1)[:1]
        message = confirmation.message
        assert confirmation.encrypted and confirmation.authenticated
        assert confirmation.rcpt_tos == ["jana.weber@nordlicht.example"]
        assert message["Subject"] == f"Your request for quotation {reference}"
        assert message["To"].addresses[0].display_name == "Jana Weber"
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        assert reference in text.get_content() and "PNL-6060-40W" in text.get_content()

        inquiry = client.get(f"/api/inquiries/{reference}", headers=auth).json()
        [quote] = inquiry["quotes"]  # quoted when the buyer confirmed (the demo price book)
        status = client.get(f"/api/quotes/{quote}", headers=auth).json()["status"]
        if status == "pending_approval":  # out of policy: a rep's approval sends it
            approved = client.post(f"/api/quotes/{quote}/approve", json={}, headers=auth)
            assert approved.status_code == 200, approved.text
        quotation = _mails(mail_stack.server, 2)[1].message
        assert quotation["Subject"] == f"Quotation {quote} for your request {reference}"
        assert quotation["In-Reply-To"] == message["Message-ID"]
        [pdf] = list(quotation.iter_attachments())
        staff = client.get(f"/api/quotes/{quote}/pdf", headers=auth)
        assert staff.status_code == 200 and pdf.get_content() == staff.content
        time.sleep(1.0)
        assert len(mail_stack.server.received) == 2  # each once
