"""The SMTP sender against a real server on loopback: STARTTLS and AUTH, implicit TLS, a
certificate that is not trusted, wrong passwords, a server that is down, refused recipients;
and SMTP_URL itself (parsing, the password never in an error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales.mail.config import SmtpConfig, parse_sender
from sales.mail.sender import (
    RecipientRejected,
    ServerUnavailable,
    SmtpSender,
    TemporaryFailure,
)
from tools.stack import free_port

from .server import PASSWORD, USER, MailServer

MESSAGE = b"From: a@lumora.example\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n"


def _sender(url: str, cert: Path | None) -> SmtpSender:
    return SmtpSender(SmtpConfig.parse(url, ca_file=cert, timeout_s=10))


async def test_starttls_and_auth(mail_server: MailServer, smtp_cert: tuple[Path, Path]) -> None:
    sender = _sender(mail_server.url(), smtp_cert[0])
    accepted = await sender.send(MESSAGE, sender="a@lumora.example", recipient="b@example.com")
    assert accepted.encrypted and "queued as TEST" in accepted.response
    [mail] = mail_server.received
    assert mail.encrypted and mail.authenticated
    assert mail.mail_from == "a@lumora.example" and mail.rcpt_tos == ["b@example.com"]
    assert mail.message["Subject"] == "hi"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_implicit_tls(smtp_cert: tuple[Path, Path]) -> None:
    with MailServer(free_port(), cert=smtp_cert, tls="implicit") as server:
        assert server.url().startswith("smtps://")
        sender = _sender(server.url(), smtp_cert[0])
        accepted = await sender.send(MESSAGE, sender="a@lumora.example", recipient="b@x.example")
        assert accepted.encrypted
        assert [m.encrypted and m.authenticated for m in server.received] == [True]


async def test_an_untrusted_certificate_is_refused(
    mail_server: MailServer, smtp_cert: tuple[Path, Path]
) -> None:
    sender = _sender(mail_server.url(), None)  # the system's CAs do not know the test's cert
    with pytest.raises(ServerUnavailable, match=r"cannot reach|CERTIFICATE"):
        await sender.send(MESSAGE, sender="a@lumora.example", recipient="b@example.com")
    assert mail_server.received == []


async def test_a_wrong_password_is_a_server_problem_and_never_named(
    mail_server: MailServer, smtp_cert: tuple[Path, Path]
) -> None:
    wrong = "not-the-password-4711"
    sender = _sender(mail_server.url(password=wrong), smtp_cert[0])
    with pytest.raises(ServerUnavailable, match="login refused: 535") as caught:
        await sender.send(MESSAGE, sender="a@lumora.example", recipient="b@example.com")
    assert wrong not in str(caught.value) and PASSWORD not in str(caught.value)
    assert mail_server.received == []


async def test_no_server_is_unavailable() -> None:
    sender = _sender(f"smtp://127.0.0.1:{free_port()}", None)
    with pytest.raises(ServerUnavailable, match=r"cannot reach 127\.0\.0\.1"):
        await sender.send(MESSAGE, sender="a@lumora.example", recipient="b@example.com")


async def test_recipients_refused_for_good_or_for_now(
    mail_server: MailServer, smtp_cert: tuple[Path, Path]
) -> None:
    sender = _sender(mail_server.url(), smtp_cert[0])
    with pytest.raises(RecipientRejected) as bounced:
        await sender.send(MESSAGE, sender="a@lumora.example", recipient="nosuch@example.com")
    assert bounced.value.code == 550 and "User unknown" in bounced.value.text
    with pytest.raises(TemporaryFailure, match="450"):
        await sender.send(MESSAGE, sender="a@lumora.example", recipient="later@example.com")
    assert mail_server.received == []


async def test_no_password_in_clear_to_a_remote_server_without_tls() -> None:
    """A server that offers no STARTTLS (or a downgrade that strips it) gets no password,
    unless it is on loopback; here the config says a remote host."""
    config = SmtpConfig.parse("smtp://u:secret-pw@mail.example:25")
    assert not config.loopback
    assert SmtpConfig.parse("smtp://u:p@127.0.0.1").loopback
    assert SmtpConfig.parse("smtp://u:p@localhost").loopback


def test_smtp_url_forms() -> None:
    config = SmtpConfig.parse("smtp://mailer%40lumora.example:p%40ss:w@mail.lumora.example")
    assert (config.host, config.port, config.implicit_tls) == ("mail.lumora.example", 587, False)
    assert (config.username, config.password) == ("mailer@lumora.example", "p@ss:w")
    assert "p@ss" not in repr(config)
    secure = SmtpConfig.parse("smtps://u:p@mail.lumora.example")
    assert (secure.port, secure.implicit_tls) == (465, True)
    assert SmtpConfig.parse("smtp://relay.local:2525").username is None
    assert USER == "mailer@lumora.example"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://u:topsecret@mail.example", "must start with smtp://"),
        ("smtp://u:topsecret@", "names no host"),
        ("smtp://u:topsecret@mail.example/path", "has a path"),
        ("smtp://:topsecret@mail.example", "no user name"),
        ("smtp://u:topsecret@mail.example:notaport", "not a URL"),
    ],
)
def test_bad_smtp_urls_are_named_without_the_password(url: str, error: str) -> None:
    with pytest.raises(ValueError, match=error) as caught:
        SmtpConfig.parse(url)
    assert "topsecret" not in str(caught.value)


def test_mail_from_forms() -> None:
    sender = parse_sender("Lumora Sales <Sales@Lumora.example>")
    assert (sender.display_name, sender.addr_spec) == ("Lumora Sales", "sales@lumora.example")
    assert parse_sender("sales@lumora.example").display_name == ""
    for bad in ("Lumora Sales", "x <not an address>", "A <a@b.example>\r\nBcc: c@d.example"):
        with pytest.raises(ValueError):
            parse_sender(bad)
