from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sales.mail.imap_server import Dovecot
from tests.sales.mail.server import MailServer, self_signed_cert
from tools.stack import free_port


@pytest.fixture(scope="session")
def api_smtp_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("api-smtp-cert"))


@pytest.fixture
def mail_server(api_smtp_cert: tuple[Path, Path]) -> Iterator[MailServer]:
    """A real SMTP server on loopback: STARTTLS and AUTH required."""
    with MailServer(free_port(), cert=api_smtp_cert) as server:
        yield server


@pytest.fixture
def imap_server() -> Iterator[Dovecot]:
    """A real IMAP server (dovecot) on loopback with a mailbox of its own."""
    with Dovecot() as server:
        yield server
