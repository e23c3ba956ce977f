"""Buyers' replies, the parts without a database: signed reply addresses, the quoted history
stripped in the six languages and the usual clients, automatic mail told apart, HTML-only mail,
attachments listed."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from sales.mail.inbound import ReplyAddress, is_automatic, parse, strip_quoted

REPLIES = ReplyAddress("replies.lumora.example", "secret-for-reply-addresses")


def test_reply_addresses_are_signed_per_reference() -> None:
    address = REPLIES.address("RFQ-2026-000123")
    assert address.startswith("reply+RFQ-2026-000123.") and address.endswith(
        "@replies.lumora.example"
    )
    assert REPLIES.check(address) == "RFQ-2026-000123"
    assert REPLIES.check(address.upper().replace("REPLY+RFQ", "reply+RFQ")) is None  # sig case
    forged = address.replace("000123", "000124")
    assert REPLIES.check(forged) is None
    assert REPLIES.check(address.replace("replies.lumora.example", "evil.example")) is None
    assert REPLIES.check("reply+RFQ-2026-000123@replies.lumora.example") is None
    other = ReplyAddress("replies.lumora.example", "another-secret")
    assert other.check(address) is None


@pytest.mark.parametrize(
    "quote_start",
    [
        "On Mon, 7 Dec 2026 at 09:30, Lumora Sales <sales@lumora.example> wrote:",
        "Am Mo., 7. Dez. 2026 um 09:30 schrieb Lumora Sales <sales@lumora.example>:",
        "El lun, 7 dic 2026 a las 9:30, Lumora Sales (<sales@lumora.example>) escribió:",
        "Em seg., 7 de dez. de 2026 às 09:30, Lumora Sales <sales@lumora.example> escreveu:",
        "Le lun. 7 déc. 2026 à 09:30, Lumora Sales <sales@lumora.example> a écrit :",
        "在 2026年12月7日 09:30，Lumora Sales <sales@lumora.example> 写道：",
        "-----Original Message-----",
        "________________________________",
        "From: Lumora Sales <sales@lumora.example>",
        "> Dear Jana,",
    ],
)
def test_the_quoted_history_is_stripped(quote_start: str) -> None:
    text = (
        f"Yes, please go ahead with 8,000 pcs.\r\nThanks, Jana\r\n\r\n{quote_start}\r\n> old text"
    )
    assert strip_quoted(text) == "Yes, please go ahead with 8,000 pcs.\nThanks, Jana"


def test_the_signature_is_stripped_and_plain_text_kept() -> None:
    assert strip_quoted("Fine by me.\n\n-- \nJana Weber\nNordlicht") == "Fine by me."
    assert strip_quoted("Line one\nLine two") == "Line one\nLine two"


def _mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Jana Weber <jana@nordlicht.example>"
    message["To"] = "reply+RFQ-2026-000001.x@replies.lumora.example"
    message["Subject"] = "Re: Your request for quotation RFQ-2026-000001"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Hello")
    return message


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Auto_Submitted": "auto-generated"},
        {"X_Autoreply": "yes"},
        {"X_Autorespond": "Out of office"},
        {"Precedence": "auto_reply"},
        {"Precedence": "bulk"},
        {"Return_Path": "<>"},
    ],
)
def test_automatic_mail_is_told_apart(headers: dict[str, str]) -> None:
    assert is_automatic(_mail(**headers))
    assert parse(_mail(**headers).as_bytes()).automatic


def test_a_person_s_mail_is_not_automatic() -> None:
    assert not is_automatic(_mail(Auto_Submitted="no"))
    assert not is_automatic(_mail())


def test_html_only_mail_and_attachments() -> None:
    message = _mail()
    message.set_content(
        "<p>We accept the quotation.</p><blockquote>old</blockquote>"
        "<p>On Mon, Lumora wrote:</p><p>&gt; old</p>",
        subtype="html",
    )
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream",
                           filename="run me.exe")  # fmt: skip
    mail = parse(message.as_bytes())
    assert mail.text == "We accept the quotation."
    assert mail.attachments == ("run me.exe",)
    assert mail.sender == "jana@nordlicht.example"
    assert "reply+RFQ-2026-000001.x@replies.lumora.example" in mail.recipients


def _report(recipients: str) -> bytes:
    return (
        b"From: MAILER-DAEMON@mx.nordlicht.example\r\nTo: sales@lumora.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.nordlicht.example\r\n\r\n" + recipients.encode() + b"--B--\r\n"
    )


def test_a_delivery_report_names_the_permanent_failures_only() -> None:
    mail = parse(
        _report(
            "Final-Recipient: rfc822; jana@nordlicht.example\r\nAction: failed\r\n"
            "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
            "Final-Recipient: rfc822; full@nordlicht.example\r\nAction: delayed\r\n"
            "Status: 4.2.2\r\n\r\n"
            "Final-Recipient: rfc822; quota@nordlicht.example\r\nAction: failed\r\n"
            "Status: 4.2.2\r\n"
        )
    )
    assert mail.automatic
    assert mail.failed == (("jana@nordlicht.example", "5.1.1 smtp; 550 5.1.1 User unknown"),)
    assert parse(_mail().as_bytes()).failed == ()
