from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sales.pricing import PriceBook, load_price_book
from tools.stack import free_port

from ..quotes.test_service import DEMO_BOOK
from .imap_server import Dovecot
from .server import MailServer, self_signed_cert


@pytest.fixture(scope="session")
def smtp_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("smtp-cert"))


@pytest.fixture
def mail_server(smtp_cert: tuple[Path, Path]) -> Iterator[MailServer]:
    """STARTTLS required, AUTH required, on a free loopback port."""
    with MailServer(free_port(), cert=smtp_cert) as server:
        yield server


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return load_price_book(DEMO_BOOK)


@pytest.fixture
def imap_server() -> Iterator[Dovecot]:
    """dovecot on free loopback ports, its own configuration in a temporary folder."""
    with Dovecot() as server:
        yield server
