"""A real SMTP server on loopback for the mail tests: aiosmtpd in a thread of its own, with
optional STARTTLS or implicit TLS (a self-signed certificate made here with ``cryptography``)
and AUTH (PLAIN, only over TLS). It keeps every mail it accepts, with how it came
(authenticated, encrypted), and answers RCPT for a few test addresses the way real servers do:
``nosuch...@`` 550 (no such mailbox), ``later...@`` 450 (try again later)."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "mailer@lumora.example"
PASSWORD = "smtp-pass-w0rd-for-tests"


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files in ``folder``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "exportdesk test SMTP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    authenticated: bool
    encrypted: bool

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Handler:
    implicit_tls: bool = False
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        local = address.split("@")[0].lower()
        if local.startswith("nosuch"):
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        if local.startswith("later"):
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    data=bytes(envelope.original_content or envelope.content),
                    authenticated=bool(session.authenticated),
                    encrypted=self.implicit_tls or session.ssl is not None,
                )
            )
        return "250 2.0.0 Ok: queued as TEST"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # a failure answers 535


class MailServer:
    """``tls``: "starttls" (offered and required), "implicit" (smtps) or None (plain);
    ``auth``: AUTH required (with USER / PASSWORD)."""

    def __init__(
        self,
        port: int,
        *,
        cert: tuple[Path, Path] | None = None,
        tls: Literal["starttls", "implicit"] | None = "starttls",
        auth: bool = True,
    ) -> None:
        self.port = port
        self.tls = tls
        self.auth = auth
        self.cert = cert
        self.handler = _Handler(implicit_tls=tls == "implicit")
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def url(self, *, password: str = PASSWORD) -> str:
        scheme = "smtps" if self.tls == "implicit" else "smtp"
        credentials = f"{USER.replace('@', '%40')}:{password}@" if self.auth else ""
        return f"{scheme}://{credentials}127.0.0.1:{self.port}"

    def _context(self) -> ssl.SSLContext:
        assert self.cert is not None, "TLS needs a certificate"
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert[0]), str(self.cert[1]))
        return context

    def start(self) -> MailServer:
        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port}
        if self.tls == "starttls":
            kwargs.update(tls_context=self._context(), require_starttls=True)
        elif self.tls == "implicit":
            kwargs.update(ssl_context=self._context())
        if self.auth:
            kwargs.update(
                authenticator=_authenticator,
                auth_required=True,
                auth_exclude_mechanism=["LOGIN"],  # PLAIN only
                # with implicit TLS aiosmtpd does not know the connection is encrypted
                auth_require_tls=self.tls == "starttls",
            )
        self.controller = Controller(self.handler, server_hostname="mx.test", **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
