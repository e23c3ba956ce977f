"""sales.quotes on SQLite and PostgreSQL: quoting an inquiry, approvals (also racing),
acceptance, expiry, the audit trail, the outbox in the same transaction, idempotency."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from sales import inquiries, quotes
from sales.db import Database
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.models import (
    Inquiry,
    OutboxMessage,
    Quote,
    QuoteApproval,
    QuoteEvent,
    QuoteStatus,
)
from sales.pricing import PriceBook, load_price_book
from sales.quotes import QuoteConflict, QuoteNotFound, QuoteOutcome

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 11, 21)
DEMO_BOOK = ROOT / "sales" / "pricebook" / "demo.yaml"


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return load_price_book(DEMO_BOOK)


def rfq(
    *,
    quantity: int = 5000,
    target: str | None = "12.5",
    currency: str = "USD",
    sku: str | None = "PNL-6060-40W",
    **overrides: object,
) -> InquiryDraft:
    """An inquiry like the contract's example: in policy unless told otherwise."""
    values: dict[str, object] = {
        "items": (
            ItemDraft(
                description="600x600 LED panel 40W",
                quantity=Decimal(quantity),
                sku=sku,
                target_price_amount=Decimal(target) if target else None,
                target_price_currency=currency if target else None,
            ),
        ),
        "buyer": BuyerDraft(
            company="Nordlicht Handels GmbH",
            contact_name="Jana Weber",
            email="jana.weber@nordlicht.example",
            country="DE",
        ),
        "language": "en",
        "destination_country": "DE",
        "destination_place": "Hamburg",
        "incoterm": "CIF",
        "required_by": date(2027, 3, 15),
        "payment_terms": "LC",
    }
    values.update(overrides)
    return InquiryDraft(**values)  # type: ignore[arg-type]


OUT_OF_POLICY = {"quantity": 10}  # below the MOQ of 200
BELOW_FLOOR = {"target": "5.00"}  # the floor is about 10.46


async def new_inquiry(database: Database, draft: InquiryDraft | None = None) -> str:
    async with database.session() as db:
        inquiry, _ = await inquiries.create(db, draft=draft or rfq())
        return inquiry.reference


async def new_quote(
    database: Database, book: PriceBook, draft: InquiryDraft | None = None
) -> QuoteOutcome:
    reference = await new_inquiry(database, draft)
    async with database.session() as db:
        return await quotes.quote_inquiry(db, reference=reference, book=book, today=TODAY)


async def outbox_topics(database: Database) -> list[tuple[str, str]]:
    async with database.session() as db:
        rows = (await db.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        return [(row.topic, row.payload.get("reference", "")) for row in rows]


async def inquiry_status(database: Database, reference: str) -> str:
    async with database.session() as db:
        inquiry = await inquiries.get(db, reference)
        assert inquiry is not None
        return inquiry.status


async def count(database: Database, model: type) -> int:
    async with database.session() as db:
        return (await db.execute(select(func.count()).select_from(model))).scalar_one()


def trail(quote: Quote) -> list[tuple[str, str | None, str]]:
    return [(e.action, e.from_status, e.to_status) for e in quote.events]


# -- quoting an inquiry ---------------------------------------------------------------------


async def test_in_policy_inquiry_is_quoted_and_sent_at_once(
    database: Database, book: PriceBook
) -> None:
    outcome = await new_quote(database, book)
    quote = outcome.quote
    assert outcome.created and outcome.in_policy and not outcome.needs_negotiation
    assert outcome.status is QuoteStatus.SENT
    assert quote.reference == "Q-2026-000001"
    assert (quote.currency, quote.incoterm, quote.place) == ("USD", "CIF", "Hamburg")
    assert quote.payment_terms == "LC" and quote.pricing["payment_terms"] == "L/C at sight"
    assert quote.valid_until == TODAY + timedelta(days=book.validity_days)
    assert trail(quote) == [("created", None, "draft"), ("sent", "draft", "sent")]
    inquiry_ref = quote.inquiry.reference
    assert await inquiry_status(database, inquiry_ref) == "quoted"
    assert await outbox_topics(database) == [
        ("inquiry.created", inquiry_ref),
        ("quote.sent", quote.reference),
    ]
    async with database.session() as db:
        inquiry = await inquiries.get(db, inquiry_ref)
        row = (
            await db.execute(select(OutboxMessage).where(OutboxMessage.topic == "quote.sent"))
        ).scalar_one()
    assert inquiries.to_record(inquiry)["quotes"] == [quote.reference]  # type: ignore[arg-type]
    assert row.ordering_key == inquiry_ref  # same Slack thread as the inquiry
    assert (
        row.payload["inquiry"] == inquiry_ref
        and row.payload["total"] == quotes.to_record(quote)["total"]
    )


async def test_out_of_policy_quote_waits_for_approval_with_its_reasons(
    database: Database, book: PriceBook
) -> None:
    outcome = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    assert outcome.status is QuoteStatus.PENDING_APPROVAL and not outcome.in_policy
    assert any("below the MOQ" in reason for reason in outcome.reasons)
    assert not outcome.needs_negotiation
    assert outcome.quote.policy_reasons[0]["code"] == "below_moq"
    assert trail(outcome.quote)[-1] == ("submitted_for_approval", "draft", "pending_approval")
    assert "below the MOQ" in outcome.quote.events[-1].note
    assert await inquiry_status(database, outcome.quote.inquiry.reference) == "pending_approval"
    assert (await outbox_topics(database))[-1] == (
        "quote.pending_approval",
        outcome.reference,
    )


async def test_an_origin_port_of_ours_is_quoted_there(database: Database, book: PriceBook) -> None:
    outcome = await new_quote(database, book, rfq(incoterm="FOB", incoterm_place="Shanghai"))
    assert outcome.in_policy
    assert outcome.quote.place == "Shanghai"


async def test_an_origin_port_we_do_not_ship_from_is_said_not_swapped(
    database: Database, book: PriceBook
) -> None:
    outcome = await new_quote(database, book, rfq(incoterm="FOB", incoterm_place="Shenzhen"))
    assert outcome.status is QuoteStatus.PENDING_APPROVAL
    assert any("FOB Shenzhen" in r and "priced as FOB Ningbo" in r for r in outcome.reasons)
    async with database.session() as db:
        record = inquiries.to_record(await inquiries.get(db, outcome.quote.inquiry.reference))  # type: ignore[arg-type]
    assert record["incoterm_place"] == "Shenzhen"


async def test_target_below_floor_needs_negotiation(database: Database, book: PriceBook) -> None:
    outcome = await new_quote(database, book, rfq(**BELOW_FLOOR))
    assert outcome.needs_negotiation and outcome.quote.needs_negotiation
    assert outcome.status is QuoteStatus.PENDING_APPROVAL
    assert any("needs negotiation" in reason for reason in outcome.reasons)


async def test_quoting_twice_returns_the_open_quote(database: Database, book: PriceBook) -> None:
    first = await new_quote(database, book)
    async with database.session() as db:
        again = await quotes.quote_inquiry(
            db, reference=first.quote.inquiry.reference, book=book, today=TODAY
        )
    assert not again.created and again.reference == first.reference
    assert await count(database, Quote) == 1
    assert [t for t, _ in await outbox_topics(database)].count("quote.sent") == 1


async def test_concurrent_quoting_of_one_inquiry_makes_one_quote(
    database: Database, book: PriceBook
) -> None:
    reference = await new_inquiry(database)

    async def go() -> QuoteOutcome:
        async with database.session() as db:
            return await quotes.quote_inquiry(db, reference=reference, book=book, today=TODAY)

    outcomes = await asyncio.gather(*(go() for _ in range(4)))
    assert len({o.reference for o in outcomes}) == 1
    assert sum(o.created for o in outcomes) == 1
    assert await count(database, Quote) == 1
    assert await count(database, QuoteEvent) == 2


async def test_a_rejected_quote_can_be_followed_by_a_new_one(
    database: Database, book: PriceBook
) -> None:
    first = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    async with database.session() as db:
        await quotes.reject(db, reference=first.reference, by="U1", note="call the buyer")
    inquiry_ref = first.quote.inquiry.reference
    assert await inquiry_status(database, inquiry_ref) == "handed_off"
    async with database.session() as db:
        second = await quotes.quote_inquiry(db, reference=inquiry_ref, book=book, today=TODAY)
        inquiry = await inquiries.get(db, inquiry_ref)
    assert second.created and second.reference == "Q-2026-000002"
    assert inquiries.to_record(inquiry)["quotes"] == [first.reference, second.reference]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "wording", "in_policy"),
    [
        ("LC", "L/C at sight", True),
        ("TT", "30% T/T deposit, 70% T/T against copy of B/L", True),
        (None, "30% T/T deposit, 70% T/T against copy of B/L", True),
        ("OA", "Open account", False),
    ],
)
async def test_payment_method_maps_to_the_books_terms(
    sqlite_url: str, book: PriceBook, code: str | None, wording: str, in_policy: bool
) -> None:
    from sales.migrate import upgrade

    upgrade(sqlite_url)
    database = Database(sqlite_url)
    try:
        outcome = await new_quote(database, book, rfq(payment_terms=code))
    finally:
        await database.dispose()
    assert outcome.quote.pricing["payment_terms"] == wording
    assert outcome.quote.payment_terms == (code or "TT")
    assert outcome.in_policy is in_policy
    if not in_policy:
        assert outcome.quote.policy_reasons[0]["code"] == "non_standard_payment_terms"


async def test_target_currency_becomes_the_quote_currency(
    database: Database, book: PriceBook
) -> None:
    outcome = await new_quote(database, book, rfq(target="1900", currency="JPY"))
    record = quotes.to_record(outcome.quote)
    assert record["currency"] == "JPY"
    assert "." not in record["total"] and "." not in record["lines"][0]["unit_price"]


async def test_what_cannot_be_quoted(database: Database, book: PriceBook) -> None:
    async with database.session() as db:
        with pytest.raises(QuoteNotFound, match="no inquiry RFQ-2026-999999"):
            await quotes.quote_inquiry(db, reference="RFQ-2026-999999", book=book, today=TODAY)
    nowhere = await new_inquiry(database, rfq(destination_country=None))
    async with database.session() as db:
        with pytest.raises(quotes.NotQuotable, match="no destination country"):
            await quotes.quote_inquiry(db, reference=nowhere, book=book, today=TODAY)
    spam = await new_inquiry(database)
    async with database.session() as db:
        inquiry = (await db.execute(select(Inquiry).where(Inquiry.reference == spam))).scalar_one()
        inquiry.status = "spam"
        await db.commit()
    async with database.session() as db:
        with pytest.raises(QuoteConflict, match="is spam"):
            await quotes.quote_inquiry(db, reference=spam, book=book, today=TODAY)
    assert await count(database, Quote) == 0


# -- the outbox shares the transaction ------------------------------------------------------


async def test_a_failed_write_rolls_back_quote_outbox_and_inquiry_together(
    database: Database, book: PriceBook
) -> None:
    reference = await new_inquiry(database)
    async with database.session() as db:  # a row that makes the quote's outbox insert fail
        db.add(OutboxMessage(topic="x", payload={}, dedupe_key="quote.sent:Q-2026-000001"))
        await db.commit()
    async with database.session() as db:
        with pytest.raises(IntegrityError):
            await quotes.quote_inquiry(db, reference=reference, book=book, today=TODAY)
    assert await count(database, Quote) == 0
    assert await count(database, QuoteEvent) == 0
    assert await inquiry_status(database, reference) == "new"
    assert [t for t, _ in await outbox_topics(database)] == ["inquiry.created", "x"]
    async with database.session() as db:
        await db.execute(OutboxMessage.__table__.delete().where(OutboxMessage.topic == "x"))
        await db.commit()
    async with database.session() as db:
        outcome = await quotes.quote_inquiry(db, reference=reference, book=book, today=TODAY)
    assert outcome.reference == "Q-2026-000001"  # the failed attempt used up no number


async def test_a_failed_approval_changes_nothing(database: Database, book: PriceBook) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    async with database.session() as db:
        db.add(OutboxMessage(topic="x", payload={}, dedupe_key=f"quote.sent:{pending.reference}"))
        await db.commit()
    async with database.session() as db:
        with pytest.raises(IntegrityError):
            await quotes.approve(db, reference=pending.reference, by="U1", note="")
    async with database.session() as db:
        quote = await quotes.get(db, pending.reference)
    assert quote is not None and quote.status == "pending_approval"
    assert quote.approvals == [] and len(quote.events) == 2
    assert quote.inquiry.status == "pending_approval"


# -- approvals, rejection, acceptance -------------------------------------------------------


async def test_approve_records_approval_and_sends(database: Database, book: PriceBook) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    async with database.session() as db:
        quote = await quotes.approve(db, reference=pending.reference, by="U123", note="key account")
    assert quote.status == "sent"
    assert trail(quote)[-2:] == [
        ("approved", "pending_approval", "approved"),
        ("sent", "approved", "sent"),
    ]
    assert {e.actor for e in quote.events[-2:]} == {"U123"}
    assert quote.events[-2].note == "key account"
    assert [(a.by, a.decision, a.note) for a in quote.approvals] == [
        ("U123", "approved", "key account")
    ]
    assert quote.inquiry.status == "quoted"
    assert (await outbox_topics(database))[-1] == ("quote.sent", pending.reference)


async def test_reject_records_the_decision(database: Database, book: PriceBook) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    async with database.session() as db:
        quote = await quotes.reject(db, reference=pending.reference, by="U9", note="too small")
    assert quote.status == "rejected"
    assert trail(quote)[-1] == ("rejected", "pending_approval", "rejected")
    assert [(a.by, a.decision) for a in quote.approvals] == [("U9", "rejected")]
    assert quote.inquiry.status == "handed_off"


async def test_buyer_accepts_a_sent_quote(database: Database, book: PriceBook) -> None:
    sent = await new_quote(database, book)
    async with database.session() as db:
        quote = await quotes.accept(db, reference=sent.reference, by="session:abc")
    assert quote.status == "accepted" and quote.inquiry.status == "won"
    assert quote.events[-1].actor == "session:abc"
    assert trail(quote)[-1] == ("accepted", "sent", "accepted")
    assert (await outbox_topics(database))[-1] == ("quote.accepted", sent.reference)


async def test_unknown_quote_is_not_found(database: Database) -> None:
    async with database.session() as db:
        with pytest.raises(QuoteNotFound):
            await quotes.approve(db, reference="Q-2026-424242", by="U1", note="")
        with pytest.raises(QuoteNotFound):
            await quotes.accept(db, reference="Q-2026-424242", by="buyer")


async def test_racing_approvals_exactly_one_wins(database: Database, book: PriceBook) -> None:
    for _ in range(3):
        pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))

        async def decide(rep: str, ref: str = pending.reference) -> Quote | QuoteConflict:
            async with database.session() as db:
                try:
                    return await quotes.approve(db, reference=ref, by=rep, note=rep)
                except QuoteConflict as conflict:
                    return conflict

        results = await asyncio.gather(decide("U1"), decide("U2"))
        won = [r for r in results if isinstance(r, Quote)]
        lost = [r for r in results if isinstance(r, QuoteConflict)]
        assert len(won) == 1 and len(lost) == 1, results
        winner = won[0].approvals[0].by
        assert f"approved by {winner}" in str(lost[0]) and "cannot become approved" in str(lost[0])
        async with database.session() as db:
            quote = await quotes.get(db, pending.reference)
        assert quote is not None and quote.status == "sent"
        assert [a.by for a in quote.approvals] == [winner]
        assert [e.action for e in quote.events].count("approved") == 1
    topics = [t for t, _ in await outbox_topics(database)]
    assert topics.count("quote.sent") == 3


async def test_approve_racing_reject_exactly_one_wins(database: Database, book: PriceBook) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))

    async def run(action: str) -> str:
        async with database.session() as db:
            try:
                fn = quotes.approve if action == "approve" else quotes.reject
                quote = await fn(db, reference=pending.reference, by=action, note="")
                return quote.status
            except QuoteConflict:
                return "conflict"

    results = sorted(await asyncio.gather(run("approve"), run("reject")))
    assert results in (["conflict", "sent"], ["conflict", "rejected"])
    async with database.session() as db:
        quote = await quotes.get(db, pending.reference)
    assert quote is not None and len(quote.approvals) == 1


# -- expiry -----------------------------------------------------------------------------------


async def test_expire_due_ends_open_quotes_past_their_validity(
    database: Database, book: PriceBook
) -> None:
    sent = await new_quote(database, book)
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    accepted = await new_quote(database, book)
    async with database.session() as db:
        await quotes.accept(db, reference=accepted.reference, by="buyer")
    valid_until = sent.quote.valid_until
    async with database.session() as db:
        assert await quotes.expire_due(db, today=valid_until) == []  # still valid that day
    async with database.session() as db:
        expired = await quotes.expire_due(db, today=valid_until + timedelta(days=1))
    assert expired == sorted([sent.reference, pending.reference])
    async with database.session() as db:
        for ref, before in ((sent.reference, "sent"), (pending.reference, "pending_approval")):
            quote = await quotes.get(db, ref)
            assert quote is not None and quote.status == "expired"
            assert trail(quote)[-1] == ("expired", before, "expired")
            assert quote.events[-1].actor == "system"
        still = await quotes.get(db, accepted.reference)
    assert still is not None and still.status == "accepted"


async def test_approving_an_expired_quote_is_a_conflict(
    database: Database, book: PriceBook
) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    later = pending.quote.valid_until + timedelta(days=1)
    async with database.session() as db:
        await quotes.expire_due(db, today=later)
    async with database.session() as db:
        with pytest.raises(QuoteConflict, match=r"is expired .*cannot become approved"):
            await quotes.approve(db, reference=pending.reference, by="U1", note="")


async def test_approving_past_validity_expires_the_quote(
    database: Database, book: PriceBook
) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    valid_until = pending.quote.valid_until
    after = datetime.combine(valid_until + timedelta(days=1), datetime.min.time(), UTC)
    async with database.session() as db:
        with pytest.raises(QuoteConflict, match=f"expired on {valid_until.isoformat()}") as info:
            await quotes.approve(db, reference=pending.reference, by="U1", note="", now=after)
    assert info.value.status == "expired"
    async with database.session() as db:
        quote = await quotes.get(db, pending.reference)
    assert quote is not None and quote.status == "expired" and quote.approvals == []
    assert trail(quote)[-1] == ("expired", "pending_approval", "expired")
    assert "found when U1 tried to approve it" in quote.events[-1].note
    assert await count(database, QuoteApproval) == 0


async def test_a_quote_can_be_approved_on_its_last_valid_day(
    database: Database, book: PriceBook
) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    last = datetime.combine(pending.quote.valid_until, datetime.max.time(), UTC)
    async with database.session() as db:
        quote = await quotes.approve(db, reference=pending.reference, by="U1", note="", now=last)
    assert quote.status == "sent"


async def test_accepting_past_validity_is_a_conflict(database: Database, book: PriceBook) -> None:
    sent = await new_quote(database, book)
    after = datetime.combine(sent.quote.valid_until + timedelta(days=1), datetime.min.time(), UTC)
    async with database.session() as db:
        with pytest.raises(QuoteConflict, match="expired on"):
            await quotes.accept(db, reference=sent.reference, by="buyer", now=after)
    assert await inquiry_status(database, sent.quote.inquiry.reference) == "quoted"
