"""The replies mailbox read: ``IMAP_URL``, the mailbox the app polls for buyers' replies.

``imaps://user:password@host:port/INBOX`` is TLS from the first byte (port 993);
``imap://user:password@host:port/INBOX`` upgrades with STARTTLS (port 143) and is refused when
the server does not offer it, unless the server is on loopback (a password is never sent over a
connection that is not encrypted, as for SMTP). The folder is the URL's path (``INBOX`` when
none is given; percent-decoded). The user and the password are percent-decoded (``%40`` for an
``@`` in a user name); both are required.

Errors name what is wrong and never the password: the text of a ``ValueError`` raised here
ends up in a start-up error message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sales.mail.config import is_loopback

DEFAULT_PORTS = {"imap": 143, "imaps": 993}
DEFAULT_FOLDER = "INBOX"


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    implicit_tls: bool
    username: str
    password: str = field(repr=False)
    folder: str = DEFAULT_FOLDER
    # where handled messages are moved (created when missing)
    done_folder: str = "Processed"
    ca_file: Path | None = None
    timeout_s: float = 30.0

    @classmethod
    def parse(
        cls,
        url: str,
        *,
        done_folder: str = "Processed",
        ca_file: Path | None = None,
        timeout_s: float = 30.0,
    ) -> ImapConfig:
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise ValueError(
                "IMAP_URL is not a URL imaps://user:password@host:port/INBOX"
            ) from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError("IMAP_URL must start with imaps:// (TLS) or imap:// (STARTTLS)")
        if not parts.hostname:
            raise ValueError("IMAP_URL names no host")
        if parts.query or parts.fragment:
            raise ValueError("IMAP_URL has a query: give imaps://user:password@host:port/INBOX")
        if not parts.username or parts.password is None:
            raise ValueError("IMAP_URL needs a user name and a password")
        folder = unquote(parts.path.lstrip("/")) or DEFAULT_FOLDER
        for name, value in (("folder", folder), ("done folder", done_folder)):
            if not value.strip() or any(ord(c) < 32 for c in value):
                raise ValueError(f"the IMAP {name} is empty or has control characters")
        if folder == done_folder:
            raise ValueError("IMAP_DONE_FOLDER must differ from the folder IMAP_URL polls")
        return cls(
            host=parts.hostname,
            port=port or DEFAULT_PORTS[scheme],
            implicit_tls=scheme == "imaps",
            username=unquote(parts.username),
            password=unquote(parts.password),
            folder=folder,
            done_folder=done_folder,
            ca_file=ca_file,
            timeout_s=timeout_s,
        )

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def mailbox(self) -> str:
        """What names the polled folder in the records (``user@host:port/folder``, no secret)."""
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"[:255]

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be printed (the logs mask it)."""
        return (self.password,) if self.password else ()
