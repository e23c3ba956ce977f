"""Signed, expiring links to a quote's PDF for buyers: ``/q/Q-2026-000045.pdf?exp=...&sig=...``.

``sig`` is HMAC-SHA256 (key: ``QUOTE_LINK_SECRET``) over the reference and the expiry time
(Unix seconds), base64url without padding. Whoever holds the link can read that one quote
until ``exp``; changing the reference or the expiry breaks the signature. Every app instance
must share the secret, and it must survive restarts, or links stop working.

Every link is made (and checked) by one :class:`LinkSigner`, built from the settings once
(``api.quote_pdf_view.link_signer``): the chat's quote message, the staff API and Slack's
approval note all hand out the same kind of link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import quote, urlencode

MAX_EXP_DIGITS = 12  # year 33658: anything longer is not a timestamp we issued


class LinkCheck(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    BAD = "bad"  # missing, malformed or wrong signature


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the quote link secret is empty")
    return key


def sign(reference: str, expires: int, *, secret: str | bytes) -> str:
    """The signature of a link to ``reference`` valid until ``expires`` (Unix seconds)."""
    message = f"{reference}\n{expires}".encode()
    digest = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def make_link(
    base_url: str,
    reference: str,
    ttl: timedelta,
    *,
    secret: str | bytes,
    now: datetime | None = None,
) -> str:
    """An absolute link to the quote's PDF, valid for ``ttl`` from ``now``."""
    if ttl <= timedelta(0):
        raise ValueError("a quote link needs a positive time to live")
    moment = now or datetime.now(UTC)
    expires = int((moment + ttl).timestamp())
    query = urlencode({"exp": expires, "sig": sign(reference, expires, secret=secret)})
    return f"{base_url.rstrip('/')}/q/{quote(reference, safe='')}.pdf?{query}"


def check(
    reference: str,
    exp: str | int | None,
    sig: str | None,
    *,
    secret: str | bytes,
    now: datetime | None = None,
) -> LinkCheck:
    """Whether a link's ``exp`` and ``sig`` are genuine for ``reference`` and not expired."""
    text = str(exp) if exp is not None else ""
    if not sig or not (text.isascii() and text.isdigit()) or len(text) > MAX_EXP_DIGITS:
        return LinkCheck.BAD
    expires = int(text)
    expected = sign(reference, expires, secret=secret).encode()
    if not hmac.compare_digest(expected, sig.encode()):
        return LinkCheck.BAD
    moment = now or datetime.now(UTC)
    return LinkCheck.VALID if moment.timestamp() <= expires else LinkCheck.EXPIRED


@dataclass(frozen=True)
class LinkSigner:
    """Links to quote PDFs under ``base_url``, valid for ``ttl``, signed with ``secret``.

    >>> signer = LinkSigner("https://sales.example/", timedelta(days=1), secret="s")
    >>> signer("Q-2026-000045").startswith("https://sales.example/q/Q-2026-000045.pdf?exp=")
    True
    """

    base_url: str
    ttl: timedelta
    secret: str | bytes = field(repr=False)

    def link(self, reference: str, *, now: datetime | None = None) -> str:
        return make_link(self.base_url, reference, self.ttl, secret=self.secret, now=now)

    def __call__(self, reference: str) -> str:
        """``signer(reference)``: a link from now (where a ``reference -> link`` is wanted)."""
        return self.link(reference)

    def check(
        self, reference: str, exp: str | int | None, sig: str | None, *, now: datetime | None = None
    ) -> LinkCheck:
        return check(reference, exp, sig, secret=self.secret, now=now)
