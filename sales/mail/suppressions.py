"""Who gets no more mail: buyers who unsubscribed and addresses that bounced for good, and the
signed unsubscribe links (RFC 8058 one-click) that let a buyer put themselves on the list.

An address is known here only by the SHA-256 of its lower-case form (``address_hash``): the
list names nobody by itself and keeps working after the buyer's personal data is erased.

An unsubscribe link is ``/mail/unsubscribe?t=<hash>.<sig>&lang=<language>``: ``sig`` is
HMAC-SHA256 over the hash with a key derived from ``QUOTE_LINK_SECRET`` (for this use only),
base64url. It does not expire (a buyer may unsubscribe from an old mail); ``lang`` only picks
the page's language and is not signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sales.models import MailSuppression

UNSUBSCRIBE_PATH = "/mail/unsubscribe"
_KEY_LABEL = b"exportdesk mail unsubscribe v1"


class Reason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class UnsubscribeSigner:
    """Makes and checks unsubscribe links under ``base_url``."""

    base_url: str
    secret: str | bytes = field(repr=False)

    def _key(self) -> bytes:
        secret = self.secret.encode() if isinstance(self.secret, str) else self.secret
        if not secret:
            raise ValueError("the link secret is empty")
        return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()

    def token(self, address: str) -> str:
        digest = address_hash(address)
        return f"{digest}.{_b64(hmac.new(self._key(), digest.encode(), hashlib.sha256).digest())}"

    def check(self, token: str | None) -> str | None:
        """The address hash a genuine token names, else None."""
        digest, _, sig = (token or "").partition(".")
        if len(digest) != 64 or not sig or not token or not token.isascii():
            return None
        expected = _b64(hmac.new(self._key(), digest.encode(), hashlib.sha256).digest())
        return digest if hmac.compare_digest(expected.encode(), sig.encode()) else None

    def url(self, address: str, language: str) -> str:
        query = urlencode({"t": self.token(address), "lang": language})
        return f"{self.base_url.rstrip('/')}{UNSUBSCRIBE_PATH}?{query}"


async def find(db: AsyncSession, address: str) -> MailSuppression | None:
    return await db.get(MailSuppression, address_hash(address))


async def suppress(
    db: AsyncSession,
    *,
    digest: str,
    reason: Reason,
    detail: str = "",
    reference: str | None = None,
) -> bool:
    """Put an address (by hash) on the list; False when it already was (the first reason
    stays). Commits."""
    if await db.get(MailSuppression, digest) is not None:
        return False
    db.add(
        MailSuppression(
            address_hash=digest, reason=reason.value, detail=detail[:1000], reference=reference
        )
    )
    try:
        await db.commit()
    except IntegrityError:  # suppressed at the same moment elsewhere
        await db.rollback()
        return False
    return True
