"""The inbound-mail webhook: ``POST /webhook/mail/inbound``, the raw message (``message/rfc822``)
as the body, sent by the mail provider or the company's mail server for every mail to the reply
addresses (see README, Email).

Signed: ``X-Exportdesk-Timestamp`` (Unix seconds) and ``X-Exportdesk-Signature: sha256=<hex>``,
HMAC-SHA256 with ``MAIL_INBOUND_SECRET`` over ``<timestamp>.<body>``; a missing or wrong signature,
or a timestamp more than five minutes off, gets 401 before the message is parsed. 404 while
``MAIL_INBOUND_SECRET`` is unset; 413 for a body over 10 MiB. The answer is 200 with what became
of the mail (``added``, ``duplicate``, ``ignored``: automatic mail, ``unmatched``), so that the
sender does not retry a mail that cannot be placed."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from fastapi import APIRouter, HTTPException, Request, status

from api.deps import ServicesDep
from api.settings import Settings
from sales.mail import inbound
from sales.mail.inbound import ReplyAddress

log = logging.getLogger("api.mail")
router = APIRouter(include_in_schema=False)

PATH = "/webhook/mail/inbound"
MAX_BYTES = 10 * 1024 * 1024
MAX_SKEW_S = 300


def reply_addresses(settings: Settings) -> ReplyAddress | None:
    """Signed reply addresses, when ``MAIL_REPLY_DOMAIN`` is set (the mails' Reply-To)."""
    if not settings.mail_reply_domain:
        return None
    return ReplyAddress(settings.mail_reply_domain, settings.quote_link_secret.get_secret_value())


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


async def _body(request: Request) -> bytes:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "mail too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "mail too large")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(PATH)
async def inbound_mail(request: Request, services: ServicesDep) -> dict[str, object]:
    settings = services.settings
    if settings.mail_inbound_secret is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "inbound mail is not configured")
    body = await _body(request)
    timestamp = request.headers.get("x-exportdesk-timestamp", "")
    given = request.headers.get("x-exportdesk-signature", "")
    expected = signature(settings.mail_inbound_secret.get_secret_value(), timestamp, body)
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= MAX_SKEW_S
    if not fresh or not hmac.compare_digest(expected.encode(), given.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing, wrong or stale signature")
    mail = inbound.parse(body)
    async with services.db.session() as db:
        outcome = await inbound.deliver(db, mail, reply_addresses(settings))
    log.info(
        "inbound mail",
        extra={
            "status": outcome.status,
            "reference": outcome.reference,
            "forwarded": outcome.forwarded,
        },
    )
    return {
        "status": outcome.status,
        "reference": outcome.reference,
        "forwarded": outcome.forwarded,
    }
