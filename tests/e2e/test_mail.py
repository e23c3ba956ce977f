"""End to end with the real engine and the app as processes, a real SMTP server on loopback
(aiosmtpd, STARTTLS and AUTH), a real IMAP server on loopback for the replies (dovecot, which the
app watches with IDLE) and Slack faked on loopback, the sales team out of office: a buyer
confirms an RFQ in the chat, the confirmation mail with its reference arrives once, and so does
the quotation (sent at once, or on a rep's approval through the staff API) with the PDF the staff
API returns; a quote out of policy (payment terms outside the standard ones) is mailed once an
approver approves it in Slack; a rep's Slack reply to a buyer who has gone quiet arrives as a
digest mail, and the buyer's reply to it, delivered to the replies mailbox, is read by the app's
IMAP watcher and reaches the rep's Slack thread and the chat transcript; with the SMTP server
down while a buyer confirms an RFQ, the mails wait (deferred, no attempt spent) and, once it is
back, each arrives once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, select

from api.settings import Settings
from api.slack.ids import ActionId
from sales.db import sync_url
from sales.migrate import upgrade
from sales.models import MailInboundSeen, OutboxDelivery, OutboxMessage
from sales.office_hours import DAYS
from tests.api.slack.conftest import (
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    block_actions_body,
    event_body,
    sign,
    thread_reply,
)
from tests.fakes.slack import FakeSlack
from tests.sales.mail.imap_server import Dovecot
from tests.sales.mail.server import MailServer, Received, self_signed_cert
from tools.stack import Stack, train

from .chat import Buyer
from .conftest import STAFF_TOKEN, free_port
from .test_conversation import _answer_until_summary, _confirm

# the stack reads buyers' replies from a dovecot of its own
pytestmark = [pytest.mark.e2e, pytest.mark.imap]


@dataclass
class MailStack:
    stack: Stack
    settings: Settings
    base_url: str
    server: MailServer
    fake: FakeSlack
    imap: Dovecot

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60)

    def slack(self, client: httpx.Client, body: str, content_type: str) -> httpx.Response:
        return client.post(
            "/slack/events", content=body, headers={"Content-Type": content_type, **sign(body)}
        )


CLOSED_DAY = DAYS[(datetime.now(UTC).weekday() + 3) % 7].title()


@pytest.fixture(scope="module")
def mail_stack(tmp_path_factory: pytest.TempPathFactory, kb_index: Path) -> Iterator[MailStack]:
    model = train()
    work = tmp_path_factory.mktemp("mail-stack")
    cert = self_signed_cert(work)
    with (
        MailServer(free_port(), cert=cert) as server,
        FakeSlack(token=BOT_TOKEN) as fake,
        Dovecot() as imap,
    ):
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
            # the SMTP outage's retries back off to at most 8 s (the default 600 s is for real)
            outbox_backoff_max_s=8,
            mail_digest_after_s=3,
            mail_reply_domain="replies.lumora.example",
            # buyers' replies are read from this mailbox (IDLE; the poll interval is the
            # default minute, which no reply here waits for)
            imap_url=SecretStr(imap.url("imaps")),
            imap_ca_file=imap.cert,
            quote_link_secret=SecretStr("e2e-link-secret-0123456789abcdef"),
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=fake.api_url,
            slack_sales_channel=CHANNEL,
            slack_approvers="U0BOSS0001",
            # the sales team is out of office (a minute on another day of the week): the mails
            # go out all the same (issue 18: "an RFQ confirmed out of office hours")
            office_hours=f"{CLOSED_DAY} 00:00-00:01",
            office_tz="UTC",
        )
        upgrade(settings.database_url)
        stack = Stack(settings, model, work / "log")
        stack.start()
        try:
            # the engine loads its model in 5 min or more when the machine is busy (load 10)
            stack.wait_healthy(timeout=600)
            base_url = f"http://127.0.0.1:{settings.app_port}"
            yield MailStack(stack, settings, base_url, server, fake, imap)
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


def _wait(predicate: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError("timed out")


def _transcript(client: httpx.Client, buyer: Buyer) -> list[dict[str, Any]]:
    response = client.get(f"/api/chat/sessions/{buyer.session_id}/messages", headers=buyer.headers)
    return list(response.json()["messages"])


def test_a_reps_reply_reaches_the_absent_buyer_and_the_mailed_answer_reaches_the_thread(
    mail_stack: MailStack,
) -> None:
    fake, server = mail_stack.fake, mail_stack.server
    with mail_stack.client() as client:
        buyer = Buyer(client).start()
        first = buyer.reply(
            "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
            "by 15 March 2027"
        )
        _answer_until_summary(buyer, first)
        reference = _confirm(buyer)
        _wait(lambda: [m for m in server.received if reference in m.message["Subject"]])
        asked = buyer.say("I'd like to talk to a person please")
        assert asked.status_code == 200 and asked.json()["mode"] == "waiting_for_agent"

        # a rep takes the chat over in Slack and answers in the thread; the buyer has gone
        handoff_block = f'"block_id": "handoff:{buyer.session_id}"'
        root = _wait(  # the handoff's post (the inquiry's post has a Take over button too)
            lambda: next(
                (c for c in fake.posted(CHANNEL) if handoff_block in json.dumps(c.args)),
                None,
            )
        )
        root_ts = next(
            ts for (_, ts), m in fake.messages.items() if m["blocks"] == root.args["blocks"]
        )
        take = next(
            e
            for b in root.args["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.TAKE_OVER.value
        )
        body = block_actions_body(
            user="U0REP00001",
            action_id=ActionId.TAKE_OVER.value,
            value=take["value"],
            message_ts=root_ts,
            message_blocks=root.args["blocks"],
        )
        assert (
            mail_stack.slack(client, body, "application/x-www-form-urlencoded").status_code == 200
        )
        _wait(lambda: any("has joined" in m["text"] for m in _transcript(client, buyer)))
        event = thread_reply(
            user="U0REP00001",
            text="Hi Jana, USD 11.80 is possible for 8,000 pcs.",
            thread_ts=root_ts,
        )
        sent = mail_stack.slack(client, event_body(event, event_id="EvMail1"), "application/json")
        assert sent.status_code == 200

        # after MAIL_DIGEST_AFTER_S without an answer in the chat: one digest mail
        digest = _wait(
            lambda: next(
                (m.message for m in server.received
                 if m.message["Subject"] == f"Our reply about your request {reference}"),
                None,
            )
        )  # fmt: skip
        text = next(p for p in digest.walk() if p.get_content_type() == "text/plain")
        assert "USD 11.80 is possible for 8,000 pcs." in text.get_content()
        [reply_to] = digest["Reply-To"].addresses
        assert reply_to.addr_spec.startswith(f"reply+{reference}.")

        # the buyer answers the mail; it reaches the rep's thread and the transcript
        answer = EmailMessage()
        answer["From"] = "Jana Weber <jana.weber@nordlicht.example>"
        answer["To"] = reply_to.addr_spec
        answer["Subject"] = f"Re: {digest['Subject']}"
        answer["Message-ID"] = make_msgid(domain="nordlicht.example")
        answer.set_content(
            "Great, please send the updated quotation.\n\nJana\n\n"
            f"On Mon, Lumora Sales <sales@lumora.example> wrote:\n> {text.get_content()[:40]}\n"
        )
        # the buyer's mail server puts it in the replies mailbox; the app, in IDLE, reads it
        delivered = time.monotonic()
        mail_stack.imap.deliver(answer.as_bytes())
        fake.wait_for(
            lambda: [
                c
                for c in fake.posted(CHANNEL)
                if c.args.get("thread_ts") == root_ts
                and "Great, please send the updated quotation." in c.args.get("text", "")
            ],
            timeout=30,
        )
        took = time.monotonic() - delivered
        assert took < 15, took  # IDLE: not the poll interval (60 s)
        _wait(lambda: mail_stack.imap.uids("INBOX") == [], timeout=10)
        assert len(mail_stack.imap.uids("Processed")) == 1  # read once, moved
        assert _replies_read(mail_stack.settings) == [("added", reference)]
        buyer_lines = [m["text"] for m in _transcript(client, buyer) if m["role"] == "buyer"]
        assert buyer_lines[-1] == "Great, please send the updated quotation.\n\nJana"
        digests = [m for m in server.received if m.message["Subject"].startswith("Our reply")]
        assert len(digests) == 1


def test_an_approval_in_slack_sends_the_quotation_mail_with_its_pdf(
    mail_stack: MailStack,
) -> None:
    """Out-of-policy terms put the quote to approval; an approver's click in Slack sends it, and
    the quotation mail carries the PDF the staff API returns (issue 18, done when)."""
    auth = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    fake = mail_stack.fake
    with mail_stack.client() as client:
        buyer = Buyer(client).start()
        first = buyer.reply(
            "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, payment 60 days open "
            "account, with CE and RoHS, by 15 March 2027"
        )
        _answer_until_summary(buyer, first)
        reference = _confirm(buyer)
        inquiry = client.get(f"/api/inquiries/{reference}", headers=auth).json()
        [quote] = inquiry["quotes"]
        status = client.get(f"/api/quotes/{quote}", headers=auth).json()["status"]
        assert status == "pending_approval"  # payment terms outside our standard terms

        def subjects() -> list[str]:
            return [str(m.message["Subject"]) for m in mail_stack.server.received]

        _wait(lambda: f"Your request for quotation {reference}" in subjects(), timeout=60)
        subject = f"Quotation {quote} for your request {reference}"
        assert subject not in subjects()  # not sent before the approval

        post = fake.wait_for(
            lambda: next(
                (
                    c
                    for c in fake.calls_of("chat.postMessage")
                    if f"Quote {quote}" in c.args["text"]
                ),
                None,
            )
        )
        ts = next(ts for (_, ts), m in fake.messages.items() if f"Quote {quote}" in m["text"])
        value = next(
            e["value"]
            for b in post.args["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.APPROVE_QUOTE.value
        )
        body = block_actions_body(
            user="U0BOSS0001", action_id=ActionId.APPROVE_QUOTE.value, value=value, message_ts=ts
        )
        clicked = mail_stack.slack(client, body, "application/x-www-form-urlencoded")
        assert clicked.status_code == 200, clicked.text

        _wait(lambda: subject in subjects(), timeout=60)
        [quotation] = [
            m.message for m in mail_stack.server.received if m.message["Subject"] == subject
        ]
        [pdf] = list(quotation.iter_attachments())
        staff = client.get(f"/api/quotes/{quote}/pdf", headers=auth)
        assert staff.status_code == 200 and pdf.get_content() == staff.content
        assert client.get(f"/api/quotes/{quote}", headers=auth).json()["status"] == "sent"


def _replies_read(settings: Settings) -> list[tuple[str, str | None]]:
    """What the app recorded of the mails it read from the replies mailbox."""
    engine = create_engine(sync_url(settings.database_url))
    try:
        with engine.connect() as db:
            rows = db.execute(
                select(MailInboundSeen.status, MailInboundSeen.reference).order_by(
                    MailInboundSeen.id
                )
            ).all()
    finally:
        engine.dispose()
    return [(str(status), reference) for status, reference in rows]


def _email_deliveries(settings: Settings, *refs: str) -> list[tuple[str, str, int, str | None]]:
    """The email channel's deliveries of the events keyed by these references."""
    engine = create_engine(sync_url(settings.database_url))
    try:
        with engine.connect() as db:
            rows = db.execute(
                select(OutboxMessage.dedupe_key, OutboxDelivery.status, OutboxDelivery.attempts,
                       OutboxDelivery.last_error)
                .join(OutboxMessage, OutboxMessage.id == OutboxDelivery.message_id)
                .where(OutboxDelivery.channel == "email")
                .order_by(OutboxDelivery.id)
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    return [
        (str(key), status, attempts, error)
        for key, status, attempts, error in rows
        if any(ref in str(key) for ref in refs)
    ]


def test_smtp_down_for_a_while_then_every_mail_delivered_once(mail_stack: MailStack) -> None:
    """Issue 18's done-when: the mail server is down while a buyer confirms an RFQ and gets a
    quote; the mails wait (each attempt deferred, none spent); once the server is back, the
    confirmation and the quotation arrive, each once."""
    auth = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    server = mail_stack.server
    server.stop()
    try:
        with mail_stack.client() as client:
            buyer = Buyer(client).start()
            first = buyer.reply(
                "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
                "by 15 March 2027"
            )
            _answer_until_summary(buyer, first)
            reference = _confirm(buyer)
            [quote] = client.get(f"/api/inquiries/{reference}", headers=auth).json()["quotes"]
            if client.get(f"/api/quotes/{quote}", headers=auth).json()["status"] == (
                "pending_approval"
            ):
                approved = client.post(f"/api/quotes/{quote}/approve", json={}, headers=auth)
                assert approved.status_code == 200, approved.text

            # down: both mails are tried and deferred, again and again, no attempt counted
            def deferred() -> bool:
                rows = _email_deliveries(mail_stack.settings, reference, quote)
                # the quotation waits behind the confirmation (one inquiry's mails in order)
                return (
                    len(rows) == 2
                    and all(
                        status == "pending" and attempts == 0 for _, status, attempts, _ in rows
                    )
                    and "cannot reach" in (rows[0][3] or "")
                )

            _wait(deferred, timeout=60)
            time.sleep(10)  # a while longer: several deferrals, backing off up to 8 s
            assert deferred()
    finally:
        server.start()
    subjects = [
        f"Your request for quotation {reference}",
        f"Quotation {quote} for your request {reference}",
    ]

    def arrived() -> list[str]:
        return [str(m.message["Subject"]) for m in server.received if reference in str(
            m.message["Subject"])]  # fmt: skip

    _wait(lambda: sorted(arrived()) == sorted(subjects), timeout=60)
    time.sleep(3)  # nothing more comes
    assert sorted(arrived()) == sorted(subjects)  # each once
    rows = _email_deliveries(mail_stack.settings, reference, quote)
    assert [(status, attempts) for _, status, attempts, _ in rows] == [("sent", 1)] * 2
