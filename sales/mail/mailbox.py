"""The replies mailbox over IMAP (IMAPClient, blocking: the watcher runs it in a thread).

A session: connect (TLS from the start, or STARTTLS, see ``ImapConfig``), log in,
select the folder (its UIDVALIDITY names the UIDs' generation), list the messages' UIDs, fetch
each message without marking it read (``BODY.PEEK[]``; a message over ``MAX_BYTES`` is not
fetched), and move a handled one to the done folder (``MOVE``, else copy, ``\\Deleted`` and
``UID EXPUNGE``); between passes, where the server offers it, wait in IDLE (RFC 2177) for the
server to report new mail (``wait_for_mail``). Every failure is a ``MailboxError`` whose text
never holds the password."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from sales.mail.imap_config import ImapConfig

MAX_BYTES = 10 * 1024 * 1024  # as the inbound webhook
# RFC 2177: a client re-issues IDLE at least every 29 minutes (servers log idle clients out at 30)
IDLE_MAX_S = 29 * 60
# how often a wait in IDLE looks at the stop flag (one poll(2) each: nothing for the CPU)
IDLE_CHECK_S = 1.0


class MailboxError(RuntimeError):
    """The mailbox could not be reached, refused the login or a command."""


@dataclass(frozen=True)
class Fetched:
    uid: int
    size: int
    raw: bytes | None  # None: over MAX_BYTES, not fetched


def _clean(text: str, config: ImapConfig) -> str:
    for secret in config.secrets:
        text = text.replace(secret, "***")
    return text[:300]


class ImapMailbox:
    """One session with the replies mailbox; use as a context manager."""

    def __init__(self, config: ImapConfig) -> None:
        self.config = config
        self._client: IMAPClient | None = None
        self.uid_validity = 0
        self._done_folder_checked = False

    def _tls(self) -> ssl.SSLContext:
        ca = str(self.config.ca_file) if self.config.ca_file else None
        return ssl.create_default_context(cafile=ca)

    def open(self) -> None:
        config = self.config
        try:
            client = IMAPClient(
                config.host,
                port=config.port,
                ssl=config.implicit_tls,
                ssl_context=self._tls() if config.implicit_tls else None,
                timeout=config.timeout_s,
            )
            self._client = client
            if not config.implicit_tls:
                if client.has_capability("STARTTLS"):
                    client.starttls(self._tls())
                elif not config.loopback:
                    raise MailboxError(
                        f"{config.host} offers no STARTTLS: the password is not sent unencrypted"
                    )
            client.login(config.username, config.password)
            selected = client.select_folder(config.folder)
            self.uid_validity = int(selected.get(b"UIDVALIDITY", 0))
        except MailboxError:
            self.close()
            raise
        except (IMAPClientError, OSError, ssl.SSLError) as exc:
            self.close()
            where = f"{config.host}:{config.port}"
            raise MailboxError(
                f"IMAP {where}: {type(exc).__name__}: {_clean(str(exc), config)}"
            ) from None

    @property
    def client(self) -> IMAPClient:
        if self._client is None:
            raise MailboxError("the mailbox is not open")
        return self._client

    def _call(self, what: str, call: Callable[..., Any], *args: object) -> Any:
        try:
            return call(*args)
        except (IMAPClientError, OSError, ssl.SSLError) as exc:
            raise MailboxError(
                f"IMAP {what}: {type(exc).__name__}: {_clean(str(exc), self.config)}"
            ) from None

    @property
    def supports_idle(self) -> bool:
        """The server offers IDLE (RFC 2177) to the logged-in session."""
        return bool(self._call("CAPABILITY", self.client.has_capability, "IDLE"))

    def wait_for_mail(self, timeout_s: float, stop: threading.Event | None = None) -> bool:
        """Wait in IDLE until the server reports a new message in the folder (True), ``timeout_s``
        passes (at most ``IDLE_MAX_S``) or ``stop`` is set (False). A server that says BYE or
        closes the connection meanwhile raises ``MailboxError``."""
        client = self.client
        deadline = time.monotonic() + min(timeout_s, IDLE_MAX_S)
        self._call("IDLE", client.idle)
        arrived = False
        while not arrived and not (stop is not None and stop.is_set()):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            chunk = min(IDLE_CHECK_S, left)
            began = time.monotonic()
            responses = self._call("IDLE", client.idle_check, chunk)
            arrived = self._reports_mail(responses)
            if not responses and time.monotonic() - began < chunk / 2:
                # readable but no line: the server closed the connection (DONE below says so)
                break
        _, responses = self._call("DONE", client.idle_done)
        return arrived or self._reports_mail(responses)

    def _reports_mail(self, responses: list[tuple[Any, ...]]) -> bool:
        for response in responses:
            if response and response[0] == b"BYE":
                raise MailboxError(f"IMAP IDLE: the server said BYE: {response[1:]!r}"[:300])
            if len(response) >= 2 and response[1] == b"EXISTS":
                return True
        return False

    def uids(self) -> list[int]:
        """The UIDs of the folder's messages not deleted, oldest first."""
        found: list[int] = self._call("SEARCH", self.client.search, ["NOT", "DELETED"])
        return sorted(int(uid) for uid in found)

    def fetch(self, uid: int) -> Fetched | None:
        """One message's bytes, without marking it read; None when it is gone."""
        sizes = self._call("FETCH", self.client.fetch, [uid], ["RFC822.SIZE"])
        if uid not in sizes:
            return None
        size = int(sizes[uid].get(b"RFC822.SIZE", 0))
        if size > MAX_BYTES:
            return Fetched(uid, size, None)
        parts = self._call("FETCH", self.client.fetch, [uid], ["BODY.PEEK[]"])
        if uid not in parts:
            return None
        return Fetched(uid, size, bytes(parts[uid][b"BODY[]"]))

    def _ensure_done_folder(self) -> None:
        if self._done_folder_checked:
            return
        folder = self.config.done_folder
        if not self._call("LIST", self.client.folder_exists, folder):
            try:
                self.client.create_folder(folder)
            except IMAPClientError:
                # another instance made it meanwhile
                if not self._call("LIST", self.client.folder_exists, folder):
                    raise MailboxError(f"IMAP CREATE {folder!r} refused") from None
        self._done_folder_checked = True

    def done(self, uid: int) -> None:
        """Move a handled message to the done folder (so no pass sees it again)."""
        self._ensure_done_folder()
        client = self.client
        if client.has_capability("MOVE"):
            self._call("MOVE", client.move, [uid], self.config.done_folder)
            return
        self._call("COPY", client.copy, [uid], self.config.done_folder)
        self._call("STORE", client.add_flags, [uid], [b"\\Deleted"])
        if client.has_capability("UIDPLUS"):
            self._call("UID EXPUNGE", client.uid_expunge, [uid])
        else:
            self._call("EXPUNGE", client.expunge)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except (IMAPClientError, OSError, ssl.SSLError):
            with contextlib.suppress(IMAPClientError, OSError):
                client.shutdown()

    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
