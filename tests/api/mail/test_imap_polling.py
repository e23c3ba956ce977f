"""The app watches the replies mailbox when ``IMAP_URL`` is set (a real dovecot on loopback): a
buyer's mail reply reaches the chat transcript without any webhook, once, and leaves the
folder, at once with IDLE (the poll interval is a minute) and every ``MAIL_IMAP_POLL_S`` with
``MAIL_IMAP_IDLE`` off; a mailbox that refuses the login is tried again with a backoff and its
password never reaches the logs."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.mail.inbound import reply_addresses
from api.main import create_app
from api.settings import Settings
from tests.sales.mail.imap_server import PASSWORD, Dovecot

from .test_inbound import REPLY, _buyer_texts, _chat_with_inquiry, _mail


def _imap_settings(
    settings: Settings, server: Dovecot, url: str, *, poll_s: float = 60.0, idle: bool = True
) -> Settings:
    settings.mail_reply_domain = "replies.lumora.example"
    settings.quote_link_secret = SecretStr("link-secret-for-imap-polling-0123")
    settings.imap_url = SecretStr(url)
    settings.imap_ca_file = server.cert
    settings.mail_imap_poll_s = poll_s
    settings.mail_imap_idle = idle
    return settings


def _until(check: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "polling"])
def test_the_app_reads_replies_into_the_transcript(
    settings: Settings, imap_server: Dovecot, idle: bool
) -> None:
    poll_s = 60.0 if idle else 0.3  # with IDLE, nothing waits for the poll interval
    settings = _imap_settings(
        settings, imap_server, imap_server.url("imap"), poll_s=poll_s, idle=idle
    )
    with TestClient(create_app(settings)) as client:
        watcher = client.app.state.reply_watcher  # type: ignore[attr-defined]
        reference, session_id, auth = _chat_with_inquiry(client, settings)
        address = reply_addresses(settings).address(reference)  # type: ignore[union-attr]
        raw = _mail(address, "Re: your quotation", REPLY)
        _until(lambda: watcher.passes >= 1)
        assert watcher.mode == ("idle" if idle else "polling")
        imap_server.deliver(raw)
        _until(lambda: imap_server.uids("Processed") == [1], timeout_s=10)
        expected = ["Yes, please go ahead with 8,000 pcs.\n\nJana"]
        assert _buyer_texts(client, session_id, auth) == expected
        imap_server.deliver(raw)  # delivered twice by the buyer's server: added once
        _until(lambda: imap_server.uids("Processed") == [1, 2], timeout_s=10)
        assert _buyer_texts(client, session_id, auth) == expected
        assert imap_server.uids("INBOX") == []


def test_a_refused_login_is_retried_and_its_password_never_logged(
    settings: Settings, imap_server: Dovecot, capfd
) -> None:  # type: ignore[no-untyped-def]
    wrong = "wr0ng-imap-pass-for-the-log-test"
    settings = _imap_settings(settings, imap_server, imap_server.url().replace(PASSWORD, wrong))
    imap_server.deliver(_mail("sales@lumora.example", "hello", "hi"))
    captured = []
    with TestClient(create_app(settings)):
        _until(lambda: _logins(imap_server) >= 2)
        captured.append(capfd.readouterr())
    captured.append(capfd.readouterr())
    output = "".join(c.err + c.out for c in captured)
    assert "replies mailbox unreachable" in output and "mail-imap-replies" in output
    assert wrong not in output
    assert imap_server.uids("INBOX") == [1]  # the mail waits on the server


def _logins(server: Dovecot) -> int:
    """Failed logins dovecot logged (each pass tries once)."""
    return server.log().count("auth failed")
