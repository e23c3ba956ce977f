"""DKIM: mails signed with a key made in the test verify against its public key (dkimpy's
verifier, the DNS answer given by the test), also through a real SMTP server; a changed header
breaks the signature."""

from __future__ import annotations

import base64
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sales.db import Database
from sales.mail.channel import CHANNEL, MailChannel, MailIdentity
from sales.mail.config import SmtpConfig
from sales.mail.dkim_signing import DkimSigner
from sales.mail.sender import SmtpSender
from sales.outbox_worker import OutboxWorker
from sales.pricing import PriceBook

from .server import MailServer
from .test_channel import REPLY_TO, SENDER, SIGNER, Clock, _draft, _drain, _inquiry


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A private key file and the DNS TXT record of its public key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("dkim") / "dkim.pem"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def _dns(record: bytes) -> object:
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"exportdesk._domainkey.lumora.example." else None

    return lookup


def test_a_signed_message_verifies_and_a_changed_one_does_not(key: tuple[Path, bytes]) -> None:
    path, record = key
    signer = DkimSigner.from_file("lumora.example", "exportdesk", path)
    message = (
        b"From: Lumora Sales <sales@lumora.example>\r\nTo: jana@nordlicht.example\r\n"
        b"Subject: Your request for quotation RFQ-2026-000001\r\nDate: Mon, 7 Dec 2026 09:00:00"
        b" +0000\r\nMessage-ID: <x@lumora.example>\r\n\r\nHello\r\n"
    )
    signed = signer.sign(message)
    assert signed.startswith(b"DKIM-Signature: ")
    assert dkim.verify(signed, dnsfunc=_dns(record))
    assert not dkim.verify(
        signed.replace(b"RFQ-2026-000001", b"RFQ-2026-000002"), dnsfunc=_dns(record)
    )
    assert not dkim.verify(signed.replace(b"Hello", b"Hallo"), dnsfunc=_dns(record))
    assert "PRIVATE" not in repr(signer)


def test_the_settings_give_the_signer(key: tuple[Path, bytes]) -> None:
    from api.mail.app import dkim_signer
    from api.settings import Settings

    settings = Settings(_env_file=None, mail_from="Lumora Sales <sales@lumora.example>")
    assert dkim_signer(settings) is None
    settings.mail_dkim_selector = "exportdesk"
    settings.mail_dkim_key_file = key[0]
    signer = dkim_signer(settings)
    assert signer is not None and (signer.domain, signer.selector) == (
        "lumora.example",
        "exportdesk",
    )


def test_a_file_without_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-a-key.pem"
    path.write_text("hello")
    with pytest.raises(ValueError, match="no PEM private key"):
        DkimSigner.from_file("lumora.example", "exportdesk", path)


async def test_mails_through_the_channel_are_signed(
    database: Database,
    mail_server: MailServer,
    smtp_cert: tuple[Path, Path],
    book: PriceBook,
    key: tuple[Path, bytes],
) -> None:
    path, record = key
    clock = Clock()
    identity = MailIdentity(
        sender=SENDER,
        reply_to=REPLY_TO,
        company="Lumora",
        unsubscribe=SIGNER,
        dkim=DkimSigner.from_file("lumora.example", "exportdesk", path),
    )
    config = SmtpConfig.parse(mail_server.url(), ca_file=smtp_cert[0], timeout_s=10)
    channel = MailChannel(database, SmtpSender(config), identity, price_book=book, clock=clock)
    worker = OutboxWorker(database, channel.handlers(), channel=CHANNEL, clock=clock)
    await _inquiry(database, _draft("Jana.Weber@nordlicht.example", name="Jürgen Müller"))
    await _drain(worker, clock)
    [mail] = mail_server.received
    signature = mail.message["DKIM-Signature"]
    assert "d=lumora.example" in signature and "s=exportdesk" in signature
    assert dkim.verify(mail.data, dnsfunc=_dns(record))
