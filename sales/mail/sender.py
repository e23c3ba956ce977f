"""Handing a mail to the SMTP server (``aiosmtplib``), one connection per mail: connect (TLS
from the start for ``smtps://``, else STARTTLS when the server offers it), log in when the URL
has a user, send, quit. Every failure is sorted into what the caller does about it:

- :class:`ServerUnavailable`: nothing was sent and the server may work later (connection
  refused or lost, timeouts, TLS or login failures, a 4xx greeting): wait and try again;
- :class:`TemporaryFailure`: the server answered 4xx to the sender, the recipient or the data:
  try again with backoff;
- :class:`RecipientRejected`: 5xx for the recipient (no such mailbox): a hard bounce;
- :class:`MessageRejected`: 5xx for the sender or the message itself: retrying cannot help.

No error text carries the password (aiosmtplib's do not, and the outbox masks it anyway).
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass

import aiosmtplib

from sales.mail.config import SmtpConfig

log = logging.getLogger(__name__)


class MailError(Exception):
    pass


class ServerUnavailable(MailError):
    pass


class TemporaryFailure(MailError):
    pass


class MessageRejected(MailError):
    pass


class RecipientRejected(MailError):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


@dataclass(frozen=True)
class Accepted:
    """The server took the mail: its answer to DATA (often its queue id)."""

    response: str
    encrypted: bool


def tls_context(config: SmtpConfig) -> ssl.SSLContext:
    """Certificates verified against the system's CAs, or ``SMTP_CA_FILE``'s."""
    context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _response(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {' '.join(str(exc.message).split())}"[:300]


class SmtpSender:
    def __init__(self, config: SmtpConfig, *, local_hostname: str | None = None) -> None:
        self.config = config
        self.local_hostname = local_hostname
        self._context = tls_context(config)

    async def send(self, data: bytes, *, sender: str, recipient: str) -> Accepted:
        """Send ``data`` (the whole message) from ``sender`` to ``recipient`` (ASCII addresses
        on the envelope)."""
        config = self.config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            use_tls=config.implicit_tls,
            start_tls=False if config.implicit_tls else None,
            tls_context=self._context,
            timeout=config.timeout_s,
            local_hostname=self.local_hostname,
        )
        try:
            try:
                await smtp.connect()
            except aiosmtplib.SMTPResponseException as exc:
                raise ServerUnavailable(
                    f"the server refused the connection: {_response(exc)}"
                ) from None
            except (aiosmtplib.SMTPException, OSError, ssl.SSLError) as exc:
                raise ServerUnavailable(
                    f"cannot reach {config.host}:{config.port}: {type(exc).__name__}: {exc}"
                ) from None
            encrypted = smtp.get_transport_info("sslcontext") is not None
            if config.username:
                if not encrypted and not config.loopback:
                    raise ServerUnavailable(
                        f"{config.host} offers no TLS: the password is not sent in clear"
                    )
                try:
                    await smtp.login(config.username, config.password or "")
                except aiosmtplib.SMTPResponseException as exc:
                    raise ServerUnavailable(f"login refused: {_response(exc)}") from None
                except aiosmtplib.SMTPException as exc:
                    raise ServerUnavailable(f"login failed: {type(exc).__name__}: {exc}") from None
            try:
                _, answer = await smtp.sendmail(sender, [recipient], data)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients[0]
                if refused.code >= 500:
                    raise RecipientRejected(refused.code, _response(refused)[4:]) from None
                raise TemporaryFailure(f"recipient deferred: {_response(refused)}") from None
            except aiosmtplib.SMTPSenderRefused as exc:
                if exc.code >= 500:
                    raise MessageRejected(f"sender refused: {_response(exc)}") from None
                raise TemporaryFailure(f"sender deferred: {_response(exc)}") from None
            except aiosmtplib.SMTPDataError as exc:
                if exc.code >= 500:
                    raise MessageRejected(f"message refused: {_response(exc)}") from None
                raise TemporaryFailure(f"message deferred: {_response(exc)}") from None
            except aiosmtplib.SMTPResponseException as exc:
                raise TemporaryFailure(f"the server answered {_response(exc)}") from None
            except (aiosmtplib.SMTPException, OSError) as exc:
                # lost mid-way: the server did not confirm DATA, so it did not take the mail
                raise ServerUnavailable(f"connection lost: {type(exc).__name__}: {exc}") from None
            return Accepted(response=" ".join(str(answer).split())[:300], encrypted=encrypted)
        finally:
            if smtp.is_connected:
                try:
                    await smtp.quit()
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()
