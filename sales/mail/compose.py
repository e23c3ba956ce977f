"""A mail to a buyer as a MIME message: text and HTML parts, attachments, and headers that no
name, company or subject can break.

Every header value that comes from data (a contact's name, a company, a subject with a
reference) is first made one line (:func:`one_line`: control characters, CR and LF included,
become spaces), then set through the email package's header objects: a display name with
quotes, commas or angle brackets is quoted, non-ASCII text is written as RFC 2047 encoded
words, and long lines are folded by the policy. So a name such as ``"x\\r\\nBcc: y"`` stays a
name and never becomes a header.

The headers of every mail: From, To, Reply-To, Subject, Date, Message-ID, MIME-Version,
Content-Type, Content-Language, List-Unsubscribe and List-Unsubscribe-Post (RFC 8058
one-click), Auto-Submitted and X-Auto-Response-Suppress (so that out-of-office replies do not
answer it), and In-Reply-To/References when the mail continues an earlier one.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from email_validator import EmailNotValidError, validate_email

MAX_NAME = 120
MAX_SUBJECT = 200
# CRLF line ends, lines folded at 78, no 8-bit headers; the address headers are written
# here (:func:`mailbox`) and set raw, so the policy must not fold them again
POLICY = policy.SMTP.clone(refold_source="none")
# a display name written as a quoted string as it is; any other goes as encoded words
_PLAIN_NAME = re.compile(r"[A-Za-z0-9 !#$%&'*+/=?^_`{|}~.,;:()<>@\[\]-]*")
_WORD_BYTES = 45  # UTF-8 bytes per encoded word: 12 + 60 base64 characters <= 75 (RFC 2047)


class BadAddress(ValueError):
    """The buyer's address cannot be mailed (malformed, or needs SMTPUTF8)."""


def one_line(text: str | None, limit: int = MAX_SUBJECT) -> str:
    """``text`` on one line: every control or line/paragraph separator character becomes a
    space, runs of spaces one space; cut at ``limit`` characters."""
    out = []
    for ch in text or "":
        category = unicodedata.category(ch)
        out.append(" " if category in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() else ch)
    return " ".join("".join(out).split())[:limit].strip()


def recipient(address: str, name: str | None = None) -> Address:
    """The buyer's address checked (syntax only, no DNS) and in ASCII form (an internationalised
    domain as punycode). ``BadAddress`` with the reason otherwise."""
    if any(ch in address for ch in "\r\n\0"):
        raise BadAddress("the address has a line break in it")
    try:
        checked = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise BadAddress(f"not a valid email address: {exc}") from None
    ascii_form = checked.ascii_email
    if not ascii_form:
        raise BadAddress("the address needs SMTPUTF8 (a non-ASCII mailbox name)")
    local, _, domain = ascii_form.rpartition("@")
    return Address(display_name=one_line(name, MAX_NAME), username=local, domain=domain)


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words (UTF-8, base64), each cut between characters."""
    chunks: list[bytes] = []
    chunk = b""
    for ch in text:
        data = ch.encode("utf-8")
        if chunk and len(chunk) + len(data) > _WORD_BYTES:
            chunks.append(chunk)
            chunk = b""
        chunk += data
    chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks if c]


def mailbox(address: Address) -> str:
    """``"Name" <addr>`` as a header value, folded here: an ASCII name as a quoted string, any
    other as encoded words of whole characters. (Python 3.11's folder splits a long non-ASCII
    display name inside a character run and the name comes back with a space in it.)"""
    name = one_line(address.display_name, MAX_NAME)
    if not name:
        return address.addr_spec
    plain = _PLAIN_NAME.fullmatch(name)
    phrase = f'"{name}"' if plain else "\r\n ".join(_encoded_words(name))
    return f"{phrase}\r\n <{address.addr_spec}>"


def message_id(key: str, domain: str) -> str:
    """The Message-ID of the mail for an outbox event: the same on every attempt."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True)
class Content:
    """What a mail says (from a template): subject, plain text, HTML, attachments."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Envelope:
    """Who and how: sender, recipient, ids, language and the unsubscribe link."""

    sender: Address
    to: Address
    message_id: str
    date: datetime
    language: str
    unsubscribe_url: str
    reply_to: Address | None = None
    in_reply_to: str | None = None


# the headers every mail has (In-Reply-To and References only when it continues another)
HEADERS = (
    "From",
    "To",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "Content-Language",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "MIME-Version",
    "Content-Type",
)


def build(content: Content, envelope: Envelope) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message.set_raw("From", mailbox(envelope.sender))
    message.set_raw("To", mailbox(envelope.to))
    message.set_raw("Reply-To", mailbox(envelope.reply_to or envelope.sender))
    message["Subject"] = one_line(content.subject, MAX_SUBJECT)
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    if envelope.in_reply_to:
        message["In-Reply-To"] = envelope.in_reply_to
        message["References"] = envelope.in_reply_to
    message["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(content.text, subtype="plain", charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    for attachment in content.attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=one_line(attachment.filename, MAX_NAME),
        )
    # after the parts: making the message multipart moves Content-* headers into its first part
    message["Content-Language"] = envelope.language
    return message
