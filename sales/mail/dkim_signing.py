"""DKIM signatures on buyers' mails (``dkimpy``), when a key is configured: RSA-SHA256, relaxed
header and simple body canonicalisation, signed for the domain of ``MAIL_FROM`` with selector
``MAIL_DKIM_SELECTOR`` and the private key in ``MAIL_DKIM_KEY_FILE`` (PEM). The public key goes
in DNS as a TXT record at ``<selector>._domainkey.<domain>``: ``v=DKIM1; k=rsa; p=<base64>``.

Signed headers: those a receiver shows or acts on, so that none can be changed in transit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dkim

SIGNED = (
    b"From",
    b"To",
    b"Reply-To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"In-Reply-To",
    b"References",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"MIME-Version",
    b"Content-Type",
    b"Content-Language",
)


@dataclass(frozen=True)
class DkimSigner:
    domain: str
    selector: str
    private_key: bytes = field(repr=False)

    @classmethod
    def from_file(cls, domain: str, selector: str, path: Path) -> DkimSigner:
        key = path.read_bytes()
        if b"PRIVATE KEY" not in key:
            raise ValueError(f"{path} holds no PEM private key")
        return cls(domain, selector, key)

    def sign(self, message: bytes) -> bytes:
        """``message`` with its DKIM-Signature header in front."""
        present = {
            line.split(b":", 1)[0].strip().lower()
            for line in message.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
            if line and not line[:1].isspace()
        }
        headers = [h for h in SIGNED if h.lower() in present]
        signature = dkim.sign(
            message,
            self.selector.encode("ascii"),
            self.domain.encode("ascii"),
            self.private_key,
            canonicalize=(b"relaxed", b"simple"),
            include_headers=headers,
        )
        return signature + message
