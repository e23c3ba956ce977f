"""The MIME message of a mail: its parts, its headers (exactly those intended), and names and
subjects that try to add headers, with CR/LF and any Unicode (Hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales.mail.compose import (
    HEADERS,
    Attachment,
    BadAddress,
    Content,
    Envelope,
    build,
    message_id,
    one_line,
    recipient,
)

SENDER = Address("Lumora Sales", "sales", "lumora.example")
UNSUBSCRIBE = "https://sales.lumora.example/mail/unsubscribe?t=abc.def&lang=en"
DATE = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _envelope(to: Address, **changes: object) -> Envelope:
    values: dict[str, object] = {
        "sender": SENDER,
        "to": to,
        "message_id": message_id("inquiry.created:RFQ-2026-000001", "lumora.example"),
        "date": DATE,
        "language": "en",
        "unsubscribe_url": UNSUBSCRIBE,
    }
    values.update(changes)
    return Envelope(**values)  # type: ignore[arg-type]


def _parse(message: EmailMessage) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def _mailbox(message: EmailMessage, header: str) -> tuple[str, str]:
    """The display name and address of an address header, read from the raw bytes with an
    RFC 2047 decoder that joins adjacent encoded words (Python 3.11's header parser puts a
    space between two encoded words in a display name, which RFC 2047 says to drop)."""
    raw = BytesParser(policy=policy.compat32).parsebytes(message.as_bytes())[header]
    value = str(raw).replace("\r\n", "").replace("\n", "").strip()
    if not value.endswith(">"):
        return "", value
    phrase, _, addr = value[:-1].rpartition("<")
    phrase = phrase.strip()
    if phrase.startswith('"'):
        return phrase[1:-1], addr
    return str(make_header(decode_header(phrase))), addr


def _header_names(message: EmailMessage) -> list[str]:
    return [name.lower() for name in message]


def test_parts_and_headers() -> None:
    content = Content(
        "Quotation Q-2026-000001",
        "Hello\n",
        "<p>Hello</p>",
        (Attachment("Q-2026-000001.pdf", b"%PDF-1.4 test"),),
    )
    to = recipient("jana.weber@nordlicht.example", "Jana Weber")
    parsed = _parse(build(content, _envelope(to, in_reply_to="<x@lumora.example>")))
    assert parsed.get_content_type() == "multipart/mixed"
    body, attachment = parsed.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in body.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_filename() == "Q-2026-000001.pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"
    assert sorted(_header_names(parsed)) == sorted(
        [h.lower() for h in HEADERS] + ["in-reply-to", "references"]
    )
    assert parsed["From"] == "Lumora Sales <sales@lumora.example>"
    assert parsed["Reply-To"] == "Lumora Sales <sales@lumora.example>"
    assert parsed["To"] == "Jana Weber <jana.weber@nordlicht.example>"
    assert parsed["List-Unsubscribe"].strip() == f"<{UNSUBSCRIBE}>"  # folded: a long line
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Message-ID"].endswith("@lumora.example>")
    assert parsed["References"] == parsed["In-Reply-To"] == "<x@lumora.example>"


def test_message_id_is_the_same_for_the_same_event_and_differs_between_events() -> None:
    first = message_id("quote.sent:Q-2026-000001", "lumora.example")
    assert first == message_id("quote.sent:Q-2026-000001", "lumora.example")
    assert first != message_id("quote.sent:Q-2026-000002", "lumora.example")
    assert first.startswith("<") and first.endswith("@lumora.example>")


@pytest.mark.parametrize(
    "name",
    [
        "Jana\r\nBcc: victim@example.com",
        "Jana\nSubject: pwned",
        "Jana\rX-Injected: 1",
        'Müller, "Hans" <evil@example.com>',
        "张伟\u2028Bcc: x@example.com",
        "\x00\x1b[31mJana\x7f",
    ],
)
def test_header_injection_in_names_and_subjects_stays_in_its_header(name: str) -> None:
    to = recipient("buyer@example.com", name)
    content = Content(f"Your request {name}", "text\n", "<p>text</p>")
    message = build(content, _envelope(to))
    parsed = _parse(message)
    assert sorted(_header_names(parsed)) == sorted(h.lower() for h in HEADERS)
    assert parsed["To"].addresses[0].addr_spec == "buyer@example.com"
    assert _mailbox(message, "To") == (one_line(name), "buyer@example.com")
    assert parsed["Subject"] == one_line(f"Your request {name}")
    raw = build(content, _envelope(to)).as_bytes()
    assert b"\nBcc:" not in raw and b"\nX-Injected" not in raw and b"\nSubject: pwned" not in raw


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("jana@@nordlicht.example", "not a valid"),
        ("jana@nordlicht.example\r\nBcc: x@y.example", "line break"),
        ("no-at-sign", "not a valid"),
        ("jana@localhost", "not a valid"),
        ("jürgen@nordlicht.example", "SMTPUTF8"),
        ("", "not a valid"),
    ],
)
def test_bad_addresses_are_refused_with_the_reason(address: str, reason: str) -> None:
    with pytest.raises(BadAddress, match=reason):
        recipient(address, "x")


def test_an_international_domain_goes_out_as_punycode() -> None:
    assert recipient("info@bücher.example").addr_spec == "info@xn--bcher-kva.example"


NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from('\r\n<>",;:@()\\'),
    max_size=80,
)


# a body's lines end with "\n" (the templates'); other line breaks are the transport's business
BODIES = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    ),
    max_size=400,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, subject=NAMES, body=BODIES)
def test_any_name_subject_and_body_parse_back_with_exactly_the_intended_headers(
    name: str, subject: str, body: str
) -> None:
    to = recipient("buyer@example.com", name)
    message = build(Content(subject, body, f"<p>{body}</p>"), _envelope(to))
    raw = message.as_bytes()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))  # RFC 5322's line limit
    parsed = _parse(message)
    assert sorted(_header_names(parsed)) == sorted(h.lower() for h in HEADERS)
    [address] = parsed["To"].addresses
    assert address.addr_spec == "buyer@example.com"
    assert _mailbox(message, "To") == (one_line(name, 120), "buyer@example.com")
    assert parsed["Subject"] == one_line(subject)
    assert not parsed.defects
    text = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    # the body's lines come back (line ends are the transport's: CRLF, any break a line)
    assert text.get_content().splitlines() == (body.splitlines() or [""])
