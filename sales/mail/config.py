"""The mail settings read: ``SMTP_URL`` (where and how to send) and ``MAIL_FROM`` (who sends).

``smtp://user:password@host:port`` speaks plain SMTP and upgrades with STARTTLS when the
server offers it (port 587 when none is given); ``smtps://user:password@host:port`` is TLS
from the first byte (port 465). The user and the password are percent-decoded (``%40`` for an
``@`` in a user name). A password is never sent over a connection that is not encrypted,
except to a loopback address (a relay on the same host).

Errors name what is wrong and never the password: the text of a ``ValueError`` raised here
ends up in a start-up error message.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from email_validator import EmailNotValidError, validate_email

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    timeout_s: float = 30.0

    @classmethod
    def parse(cls, url: str, *, ca_file: Path | None = None, timeout_s: float = 30.0) -> SmtpConfig:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise ValueError("SMTP_URL is not a URL smtp://user:password@host:port") from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError("SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS)")
        if not parts.hostname:
            raise ValueError("SMTP_URL names no host")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("SMTP_URL has a path or a query: give smtp://user:password@host:port")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if password is not None and not username:
            raise ValueError("SMTP_URL has a password but no user name")
        return cls(
            host=parts.hostname,
            port=port or DEFAULT_PORTS[scheme],
            implicit_tls=scheme == "smtps",
            username=username,
            password=password,
            ca_file=ca_file,
            timeout_s=timeout_s,
        )

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be printed (the outbox's error texts and the logs mask them)."""
        return tuple(s for s in (self.password,) if s)


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: the one place a password may go unencrypted."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_sender(value: str) -> Address:
    """``MAIL_FROM`` ("Lumora Sales <sales@lumora.example>" or a bare address) as an address
    whose display name and address are safe to put in a header."""
    if "\r" in value or "\n" in value:
        raise ValueError("MAIL_FROM must be one line")
    name, addr = parseaddr(value)
    if not addr:
        raise ValueError("MAIL_FROM is not an address: give 'Name <address>'")
    try:
        checked = validate_email(addr, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"MAIL_FROM's address is not valid: {exc}") from None
    local, _, domain = checked.normalized.rpartition("@")
    return Address(display_name=name.strip(), username=local, domain=domain)
