"""What happens when the buyer confirms an RFQ: the inquiry is stored, priced from the price
book, and the buyer gets the quote at once when it is within policy; otherwise it waits for a
sales manager, and a target price below our floor brings in a person to negotiate."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from i18n import Msg, t
from sales import handoff, inquiries, lead_score, quotes
from sales.db import Database
from sales.models import QuoteStatus
from sales.pricing import PriceBook
from sales.quotes.records import describe_for_buyer
from sales.rfq import lead, rules
from sales.rfq.products import Catalog
from sales.rfq.state import to_draft

log = logging.getLogger(__name__)

# Why a quote cannot be accepted, by the state it is in (any other state: not open to the buyer).
_CONFLICT_KEYS = {
    QuoteStatus.EXPIRED.value: "rfq.accept_expired",
    QuoteStatus.ACCEPTED.value: "rfq.accept_already",
}


@dataclass
class Submission:
    inquiry: str
    email: str | None
    quote: str | None = None
    quote_status: str | None = None
    # what to tell the buyer, already in the submission's language: (text, buttons)
    messages: list[tuple[str, list[dict[str, str]]]] = field(default_factory=list)


async def submit(
    db: Database,
    *,
    slots: Mapping[str, Any],
    session_id: str,
    language: str | None,
    idempotency_key: str,
    today: date,
    catalog: Catalog | None,
    book: PriceBook | None,
    pdf_link: Callable[[str], str] | None,
) -> Submission:
    earliest = rules.earliest_date(slots["items"], catalog, today) if catalog else None
    score = lead_score.score(lead.facts(slots, book=book, today=today, earliest=earliest))
    draft = to_draft(slots, session_id=session_id, language=language, lead_score=score.total)
    async with db.session() as session:
        inquiry, _ = await inquiries.create(session, draft=draft, idempotency_key=idempotency_key)
    result = Submission(inquiry=inquiry.reference, email=inquiry.email)
    result.messages.append((t("rfq.registered", language, reference=inquiry.reference), []))
    if book is None:
        result.messages.append((t("rfq.quote_by_email", language), []))
        return result
    try:
        async with db.session() as session:
            outcome = await quotes.quote_inquiry(
                session, reference=inquiry.reference, book=book, today=today
            )
    except quotes.QuoteError as exc:
        log.info(
            "not quoted automatically", extra={"reference": inquiry.reference, "why": str(exc)}
        )
        result.messages.append((t("rfq.quote_prepared_by_sales", language), []))
        return result
    quote = outcome.quote
    result.quote, result.quote_status = quote.reference, quote.status
    text = describe_for_buyer(quote, language=language)
    buttons: list[dict[str, str]] = []
    if quote.status == QuoteStatus.SENT.value:
        if pdf_link is not None:
            text += "\n" + t("rfq.quote_pdf_line", language, link=pdf_link(quote.reference))
        buttons = [
            {"title": t("rfq.button.accept_quote", language), "payload": "/accept_quote"},
            {"title": t("rfq.button.talk_to_person", language), "payload": "/request_human"},
        ]
    result.messages.append((text, buttons))
    if outcome.needs_negotiation or quote.status == QuoteStatus.PENDING_APPROVAL.value:
        # below our floor a person negotiates; out of policy a person explains what we can do
        reason = (
            handoff.HandoffReason.PRICE_BELOW_FLOOR
            if outcome.needs_negotiation
            else handoff.HandoffReason.OUT_OF_POLICY
        )
        async with db.session() as session:
            with contextlib.suppress(handoff.SessionGone):
                await handoff.request_handoff(
                    session,
                    session_id=session_id,
                    reason=reason,
                    summary={"quote": quote.reference, "reasons": list(outcome.reasons)},
                )
    return result


async def accept(db: Database, *, reference: str, session_id: str) -> Msg:
    """The buyer accepts the quote in chat: the inquiry is won and sales hears of it."""
    async with db.session() as session:
        try:
            quote = await quotes.accept(session, reference=reference, by=f"buyer:{session_id}")
        except quotes.QuoteConflict as exc:
            return Msg(
                _CONFLICT_KEYS.get(str(exc.status), "rfq.accept_unavailable"), reference=reference
            )
        except quotes.QuoteNotFound:
            return Msg("rfq.quote_not_found")
    return Msg("rfq.quote_accepted", reference=quote.reference)
