"""What each mail says, per kind, in the buyer's language (the ``mail`` area of the message
catalog): a plain-text and an HTML body built from the same lines, every value escaped in the
HTML. Kinds: ``rfq_confirmation`` (a new inquiry, with its reference and what was asked for),
``quotation`` (a quote sent to the buyer, its PDF attached), ``quote_reminder`` (a sent quote
about to expire), ``agent_digest`` (a rep's chat replies the buyer has not answered) and
``abandoned_rfq`` (a request for quotation left half-way with an address)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from i18n import t
from i18n.formatting import date_text, money_text, number_text
from sales.mail.compose import Attachment, Content
from sales.models import Inquiry, Quote

RFQ_CONFIRMATION = "rfq_confirmation"
QUOTATION = "quotation"
QUOTE_REMINDER = "quote_reminder"
AGENT_DIGEST = "agent_digest"
ABANDONED_RFQ = "abandoned_rfq"


@dataclass(frozen=True)
class _Body:
    """A mail's body as paragraphs; a paragraph is a list of lines, ``bullets`` a list."""

    paragraphs: Sequence[Sequence[str]]
    bullets: Sequence[str] = ()
    bullets_after: int = 1  # the bullet list follows this many paragraphs


def _greeting(name: str | None, language: str) -> str:
    name = " ".join((name or "").split())
    return (
        t("mail.greeting", language, name=name) if name else t("mail.greeting_anonymous", language)
    )


def _text(body: _Body, footer: Sequence[str]) -> str:
    blocks: list[str] = []
    for index, paragraph in enumerate(body.paragraphs):
        if index == body.bullets_after and body.bullets:
            blocks.append("\n".join(f"- {line}" for line in body.bullets))
        blocks.append("\n".join(paragraph))
    return "\n\n".join(blocks) + "\n\n-- \n" + "\n".join(footer) + "\n"


def _html(body: _Body, footer: Sequence[str], *, language: str, title: str, link: str) -> str:
    parts: list[str] = []
    for index, paragraph in enumerate(body.paragraphs):
        if index == body.bullets_after and body.bullets:
            items = "".join(f"<li>{escape(line)}</li>" for line in body.bullets)
            parts.append(f"<ul>{items}</ul>")
        parts.append("<p>" + "<br>".join(escape(line) for line in paragraph) + "</p>")
    foot = "<br>".join(escape(line) for line in footer[:-1])
    unsubscribe = escape(t("mail.unsubscribe_link", language))
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">'
        + "".join(parts)
        + '<hr style="border:none;border-top:1px solid #ccc">'
        f'<p style="font-size:12px;color:#666">{foot}<br>'
        f'<a href="{escape(link, quote=True)}">{unsubscribe}</a></p></body></html>'
    )


def _content(
    subject: str,
    body: _Body,
    *,
    language: str,
    company: str,
    unsubscribe_url: str,
    attachments: tuple[Attachment, ...] = (),
) -> Content:
    footer = [
        t("mail.footer", language, company=company),
        t("mail.unsubscribe_line", language, link=unsubscribe_url),
    ]
    return Content(
        subject=subject,
        text=_text(body, footer),
        html=_html(body, footer, language=language, title=subject, link=unsubscribe_url),
        attachments=attachments,
    )


def _signature(language: str, company: str) -> list[str]:
    return [t("mail.signoff", language), t("mail.team", language, company=company)]


def _product(sku: str | None, description: str) -> str:
    description = " ".join(description.split())
    if sku and description and sku.lower() not in description.lower():
        return f"{sku} – {description}"
    return sku or description


def _terms(incoterm: str | None, place: str | None) -> str:
    return " ".join(part for part in (incoterm, place) if part)


def buyer_name(inquiry: Inquiry) -> str | None:
    return inquiry.contact_name or inquiry.company


def rfq_confirmation(
    inquiry: Inquiry, *, language: str, company: str, unsubscribe_url: str
) -> Content:
    """Needs ``inquiry.items`` loaded."""
    ref = inquiry.reference
    items = []
    for item in inquiry.items:
        product = _product(item.sku, item.description)
        if item.quantity is None:
            items.append(t("mail.rfq_item_tbc", language, product=product))
        else:
            quantity = number_text(item.quantity.normalize(), language, max_places=3)
            items.append(
                t("mail.rfq_item", language, quantity=quantity, unit=item.unit, product=product)
            )
    paragraphs: list[list[str]] = [
        [_greeting(buyer_name(inquiry), language)],
        [t("mail.rfq_intro", language, ref=ref), t("mail.rfq_items", language)],
    ]
    place = inquiry.destination_place or inquiry.incoterm_place
    if inquiry.incoterm:
        paragraphs.append([t("mail.rfq_terms", language, terms=_terms(inquiry.incoterm, place))])
    paragraphs += [[t("mail.rfq_next", language, ref=ref)], _signature(language, company)]
    return _content(
        t("mail.rfq_subject", language, ref=ref),
        _Body(paragraphs, items, bullets_after=2),
        language=language,
        company=company,
        unsubscribe_url=unsubscribe_url,
    )


def quotation(
    quote: Quote,
    inquiry: Inquiry,
    *,
    pdf: bytes,
    language: str,
    company: str,
    unsubscribe_url: str,
) -> Content:
    ref, quote_ref = inquiry.reference, quote.reference
    paragraphs: list[list[str]] = [
        [_greeting(buyer_name(inquiry), language)],
        [t("mail.quote_intro", language, quote=quote_ref, ref=ref)],
        [
            t(
                "mail.quote_total",
                language,
                total=money_text(quote.total, quote.currency, language),
                terms=_terms(quote.incoterm, quote.place),
            ),
            t("mail.quote_valid", language, valid=date_text(quote.valid_until, language)),
        ],
        [t("mail.quote_reply", language)],
        _signature(language, company),
    ]
    return _content(
        t("mail.quote_subject", language, quote=quote_ref, ref=ref),
        _Body(paragraphs),
        language=language,
        company=company,
        unsubscribe_url=unsubscribe_url,
        attachments=(Attachment(f"{quote_ref}.pdf", pdf),),
    )


def quote_reminder(
    quote: Quote, inquiry: Inquiry, *, language: str, company: str, unsubscribe_url: str
) -> Content:
    ref, quote_ref = inquiry.reference, quote.reference
    valid = date_text(quote.valid_until, language)
    paragraphs: list[list[str]] = [
        [_greeting(buyer_name(inquiry), language)],
        [t("mail.reminder_intro", language, quote=quote_ref, ref=ref, valid=valid)],
        [
            t(
                "mail.quote_total",
                language,
                total=money_text(quote.total, quote.currency, language),
                terms=_terms(quote.incoterm, quote.place),
            )
        ],
        [t("mail.reminder_action", language)],
        _signature(language, company),
    ]
    return _content(
        t("mail.reminder_subject", language, quote=quote_ref, valid=valid),
        _Body(paragraphs),
        language=language,
        company=company,
        unsubscribe_url=unsubscribe_url,
    )


def agent_digest(
    inquiry: Inquiry,
    replies: Sequence[tuple[str | None, str]],
    *,
    language: str,
    company: str,
    unsubscribe_url: str,
) -> Content:
    """``replies``: (the rep's name or None, the text), oldest first."""
    paragraphs: list[list[str]] = [
        [_greeting(buyer_name(inquiry), language)],
        [t("mail.digest_intro", language)],
    ]
    for author, text in replies:
        name = " ".join((author or "").split()) or t("mail.digest_team", language)
        paragraphs.append([f"{name}:", *(line for line in text.splitlines() if line.strip())])
    paragraphs += [[t("mail.digest_reply", language)], _signature(language, company)]
    return _content(
        t("mail.digest_subject", language, ref=inquiry.reference),
        _Body(paragraphs),
        language=language,
        company=company,
        unsubscribe_url=unsubscribe_url,
    )


def abandoned_rfq(
    rfq: dict[str, str], *, language: str, company: str, unsubscribe_url: str
) -> Content:
    """``rfq``: the RFQ part of a handoff summary (contact_name, company, product, quantity)."""
    known = [
        t(f"mail.abandoned_{name}", language, **{name: " ".join(rfq[name].split())})
        for name in ("product", "quantity")
        if rfq.get(name)
    ]
    paragraphs: list[list[str]] = [
        [_greeting(rfq.get("contact_name") or rfq.get("company"), language)],
        [t("mail.abandoned_intro", language)],
    ]
    if known:
        paragraphs.append([t("mail.abandoned_known", language), *known])
    paragraphs += [[t("mail.abandoned_action", language)], _signature(language, company)]
    return _content(
        t("mail.abandoned_subject", language, company=company),
        _Body(paragraphs),
        language=language,
        company=company,
        unsubscribe_url=unsubscribe_url,
    )
