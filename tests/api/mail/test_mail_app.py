"""Email on the app: the settings (SMTP_URL, MAIL_FROM; the password in no error or log), the
channel started with the app and mailing through a real SMTP server, the quotation's PDF the
same bytes as the staff API's PDF endpoint, and the unsubscribe page (GET asks, POST -- the
page's button or RFC 8058's one-click -- unsubscribes)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from api.mail.app import unsubscribe_signer
from api.main import create_app
from api.settings import Settings
from sales.db import Database
from sales.mail import suppressions
from sales.models import MailSuppression, OutboxDelivery, OutboxSubscription
from tests.api.conftest import STAFF_TOKEN
from tests.api.staff.test_staff_quotes import make_quote
from tests.sales.mail.server import PASSWORD, MailServer, Received

AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}
LINK_SECRET = "link-secret-for-mail-tests-0123456789"


@pytest.fixture
def mail_settings(
    settings: Settings, mail_server: MailServer, api_smtp_cert: tuple[Path, Path]
) -> Settings:
    settings.smtp_url = SecretStr(mail_server.url())
    settings.mail_from = "Lumora Sales <sales@lumora.example>"
    settings.smtp_ca_file = api_smtp_cert[0]
    settings.outbox_poll_s = 0.1
    settings.quote_link_secret = SecretStr(LINK_SECRET)
    settings.public_base_url = "https://sales.lumora.example"
    return settings


@pytest.fixture
def mail_client(mail_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(mail_settings)) as client:
        yield client


def _wait_for(server: MailServer, count: int, timeout: float = 30) -> list[Received]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(server.received) >= count:
            return server.received
        time.sleep(0.1)
    raise AssertionError(f"{len(server.received)} mails arrived, {count} expected")


def test_the_app_mails_the_quotation_with_the_staff_apis_pdf(
    mail_client: TestClient, mail_settings: Settings, mail_server: MailServer
) -> None:
    ref = make_quote(mail_settings)
    confirmation, quotation = (m.message for m in _wait_for(mail_server, 2))
    assert confirmation["Subject"].startswith("Your request for quotation RFQ-")
    assert ref in quotation["Subject"]
    [attachment] = list(quotation.iter_attachments())
    staff_pdf = mail_client.get(f"/api/quotes/{ref}/pdf", headers=AUTH)
    assert staff_pdf.status_code == 200
    assert attachment.get_content() == staff_pdf.content
    time.sleep(0.5)
    assert len(mail_server.received) == 2  # once each


def test_every_channel_is_subscribed_before_any_event_is_fanned_out(
    mail_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each channel's worker fans events out; one that ran before another channel had
    subscribed would publish an event without that channel's delivery (the quotation mail
    never sent). The app subscribes them all first."""
    from sales import outbox_worker

    seen: list[set[str]] = []
    original = outbox_worker.fan_out

    async def watched(db: Database, **kwargs: object) -> int:
        async with db.session() as session:
            rows = await session.execute(select(OutboxSubscription.channel).distinct())
            seen.append(set(rows.scalars()))
        return await original(db, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox_worker, "fan_out", watched)
    with TestClient(create_app(mail_settings)):
        deadline = time.monotonic() + 10
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert seen and all({"email", "staff_live"} <= channels for channels in seen)


def test_without_smtp_url_the_channel_does_not_subscribe(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.app.state.mail is None  # type: ignore[attr-defined]
    make_quote(settings)

    async def channels() -> list[str]:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                rows = await session.execute(select(OutboxSubscription.channel).distinct())
                return list(rows.scalars())
        finally:
            await db.dispose()

    assert "email" not in asyncio.run(channels())


def test_smtp_settings_are_checked_without_naming_the_password(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="MAIL_FROM") as missing:
        Settings(_env_file=None, smtp_url=SecretStr("smtp://u:hunter2-secret@mail.example"))
    assert "hunter2-secret" not in str(missing.value)
    with pytest.raises(ValidationError, match="smtp://") as bad:
        Settings(
            _env_file=None,
            smtp_url=SecretStr("ftp://u:hunter2-secret@mail.example"),
            mail_from="Lumora <sales@lumora.example>",
        )
    assert "hunter2-secret" not in str(bad.value)
    with pytest.raises(ValidationError, match="MAIL_FROM"):
        Settings(_env_file=None, mail_from="not an address")
    ok = Settings(
        _env_file=None,
        smtp_url=SecretStr("smtps://mailer%40lumora.example:hunter2-secret@mail.example"),
        mail_from="Lumora Sales <sales@lumora.example>",
    )
    assert ok.mail_enabled and "hunter2-secret" in ok.smtp_secrets
    assert "hunter2-secret" not in repr(ok)
    assert not Settings(_env_file=None, smtp_url="").mail_enabled


def test_the_smtp_password_never_reaches_a_log_line(
    mail_settings: Settings, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """A wrong password: the login fails, retried; the password is in no log line."""
    url = mail_settings.smtp_url.get_secret_value()  # type: ignore[union-attr]
    mail_settings.smtp_url = SecretStr(url.replace(PASSWORD, "wrong-Passw0rd-xyz"))

    async def errors() -> list[str | None]:
        db = Database(mail_settings.database_url)
        try:
            async with db.session() as session:
                rows = await session.execute(
                    select(OutboxDelivery.last_error).where(OutboxDelivery.channel == "email")
                )
                return list(rows.scalars())
        finally:
            await db.dispose()

    with caplog.at_level(logging.INFO), TestClient(create_app(mail_settings)):
        make_quote(mail_settings)
        # the worker logs the deferral, then stores the attempt's error (the app's JSON log
        # goes to stderr, which capfd reads, not to caplog's handler: the app's logging
        # configuration replaces the root logger's handlers)
        deadline = time.monotonic() + 30
        while not any(asyncio.run(errors())) and time.monotonic() < deadline:
            time.sleep(0.1)
    out, err = capfd.readouterr()
    text = out + err + caplog.text
    assert "outbox delivery deferred" in text
    assert "wrong-Passw0rd-xyz" not in text and PASSWORD not in text

    stored = [e for e in asyncio.run(errors()) if e]
    assert stored and all("login refused: 535" in e for e in stored)
    assert not any("wrong-Passw0rd-xyz" in e for e in stored)


# -- the unsubscribe page ------------------------------------------------------------------------


def _link(settings: Settings, address: str, language: str = "de") -> str:
    url = urlsplit(unsubscribe_signer(settings).url(address, language))
    return f"{url.path}?{url.query}"


async def _suppressed(settings: Settings, address: str) -> MailSuppression | None:
    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            return await suppressions.find(session, address)
    finally:
        await db.dispose()


def test_get_asks_and_post_unsubscribes(client: TestClient, settings: Settings) -> None:
    link = _link(settings, "Jana@Nordlicht.example")
    page = client.get(link)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Möchten Sie an diese Adresse keine E-Mails von Lumora mehr erhalten?" in page.text
    assert '<form method="post">' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert asyncio.run(_suppressed(settings, "jana@nordlicht.example")) is None  # GET: nothing

    one_click = client.post(
        link,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200 and "Erledigt" in one_click.text
    row = asyncio.run(_suppressed(settings, "jana@nordlicht.example"))
    assert row is not None and row.reason == "unsubscribed"
    assert client.post(link).status_code == 200  # twice is fine


def test_a_bad_or_tampered_link_is_403_and_changes_nothing(
    client: TestClient, settings: Settings
) -> None:
    link = _link(settings, "jana@nordlicht.example", "fr")
    digest, _, sig = link.split("t=")[1].split("&")[0].partition(".")
    other = suppressions.address_hash("someone.else@example.com")
    for bad in (
        "/mail/unsubscribe",
        f"/mail/unsubscribe?t={other}.{sig}&lang=fr",
        f"/mail/unsubscribe?t={digest}.AAAA{sig[4:]}&lang=fr",
        f"/mail/unsubscribe?t={digest}&lang=fr",
    ):
        assert client.get(bad).status_code == 403
        refused = client.post(bad)
        assert refused.status_code == 403
        assert "pas valide" in refused.text or "not valid" in refused.text
    assert asyncio.run(_suppressed(settings, "someone.else@example.com")) is None
    assert asyncio.run(_suppressed(settings, "jana@nordlicht.example")) is None


def test_the_apps_reminder_pass_mails_quotes_about_to_expire(
    mail_settings: Settings, mail_server: MailServer
) -> None:
    """The demo quote is valid for 30 days from 2026-11-21: within 20 days of today."""
    mail_settings.mail_quote_reminder_days = 20
    with TestClient(create_app(mail_settings)) as client:
        ref = make_quote(mail_settings)
        _wait_for(mail_server, 2)
        mail = client.app.state.mail  # type: ignore[attr-defined]
        assert [job.name for job in mail.jobs] == [
            "mail-quote-reminders",
            "mail-agent-digests",
            "mail-abandoned-rfqs",
        ]
        assert client.portal.call(mail.digest) == []  # no rep has written to anyone
        assert client.portal.call(mail.follow_up) == []  # no RFQ was left half-way
        assert client.portal.call(mail.remind) in ([ref], [])  # the hourly job may have run
        assert client.portal.call(mail.remind) == []
        reminder = _wait_for(mail_server, 3)[2].message
    assert reminder["Subject"].startswith(f"Quotation {ref} is valid until")


def test_with_a_reply_domain_every_mail_has_a_signed_reply_address(
    mail_settings: Settings, mail_server: MailServer
) -> None:
    from api.mail.inbound import reply_addresses

    mail_settings.mail_reply_domain = "replies.lumora.example"
    with TestClient(create_app(mail_settings)):
        make_quote(mail_settings)
        mails = _wait_for(mail_server, 2)
    replies = reply_addresses(mail_settings)
    assert replies is not None
    references = set()
    for mail in mails:
        [reply_to] = mail.message["Reply-To"].addresses
        assert reply_to.display_name == "Lumora Sales"
        references.add(replies.check(reply_to.addr_spec))
    [reference] = references
    assert reference is not None and reference.startswith("RFQ-")
