"""Quotes from the price book: price a confirmed inquiry, approve, reject, accept, expire.

Every function takes the caller's ``AsyncSession`` and commits (or rolls back) its own
change: the quote, its lines and charges, its audit events (``quote_events``), the
inquiry's status and the outbox rows go to the database in one transaction or not at all.
Start each call on a session with no transaction open.

Concurrency: a change starts with a conditional ``UPDATE`` (``... WHERE status =
'pending_approval'``) as its first statement. On PostgreSQL the row lock makes a second
writer wait and then match nothing; SQLite serialises writers. So when two reps approve the
same quote at once, exactly one wins and the other gets ``QuoteConflict``. Quoting an inquiry
starts the same way on the inquiry's row, so two calls for one inquiry never make two quotes.

Lifecycle and errors: ``sales.quotes.states``. Records and chat texts: ``sales.quotes.records``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from sales import events, outbox
from sales.models import (
    Inquiry,
    InquiryStatus,
    Quote,
    QuoteApproval,
    QuoteCharge,
    QuoteEvent,
    QuoteLine,
    QuoteStatus,
    utcnow,
)
from sales.normalizers.payment_terms import parse_payment_terms
from sales.pricing import IssueCode, PriceBook, PricedQuote, PricingRequest, RequestLine, price
from sales.pricing.incoterms import Incoterm
from sales.quotes.records import (
    amount_str,
    describe_for_buyer,
    policy_reasons,
    pricing_snapshot,
    to_record,
)
from sales.quotes.states import (
    ALLOWED,
    OPEN,
    QUOTABLE_INQUIRY,
    NotQuotable,
    QuoteConflict,
    QuoteError,
    QuoteNotFound,
    check_transition,
)
from sales.references import QUOTE_PREFIX, next_reference

__all__ = [
    "NotQuotable",
    "QuoteConflict",
    "QuoteError",
    "QuoteNotFound",
    "QuoteOutcome",
    "accept",
    "approve",
    "describe_for_buyer",
    "expire_due",
    "get",
    "pricing_request",
    "quote_inquiry",
    "reject",
    "to_record",
]

SYSTEM = "system"
_VERBS = {
    QuoteStatus.APPROVED: "approve it",
    QuoteStatus.REJECTED: "reject it",
    QuoteStatus.ACCEPTED: "accept it",
}

# The buyer's payment method (RFQ code) -> our wording when the price book has no standard
# term for it (the engine then flags it for finance approval).
_PAYMENT_WORDING = {
    "LC": "L/C at sight",
    "DP": "D/P at sight",
    "DA": "D/A",
    "OA": "Open account",
    "ESCROW": "Escrow (Trade Assurance)",
}
# Which inquiry statuses a quote event moves the inquiry from (anything else stays as is).
_INQUIRY_FROM: dict[InquiryStatus, frozenset[InquiryStatus]] = {
    InquiryStatus.QUOTED: QUOTABLE_INQUIRY,
    InquiryStatus.PENDING_APPROVAL: QUOTABLE_INQUIRY,
    InquiryStatus.HANDED_OFF: frozenset({InquiryStatus.PENDING_APPROVAL}),
    InquiryStatus.WON: QUOTABLE_INQUIRY,
}


@dataclass(frozen=True)
class QuoteOutcome:
    """What ``quote_inquiry`` did: the quote (fully loaded), and whether it is new."""

    quote: Quote
    created: bool
    needs_negotiation: bool  # a target price is below our floor: a person should negotiate
    reasons: tuple[str, ...]  # why the quote is not in policy (empty: in policy)

    @property
    def reference(self) -> str:
        return self.quote.reference

    @property
    def status(self) -> QuoteStatus:
        return QuoteStatus(self.quote.status)

    @property
    def in_policy(self) -> bool:
        return not self.reasons


# -- reading ------------------------------------------------------------------------------


def _with_children() -> tuple[Any, ...]:
    return (
        selectinload(Quote.inquiry),
        selectinload(Quote.lines),
        selectinload(Quote.charges),
        selectinload(Quote.approvals),
        selectinload(Quote.events),
    )


async def get(db: AsyncSession, reference: str) -> Quote | None:
    """The quote with its inquiry, lines, charges, approvals and events, freshly read."""
    result = await db.execute(
        select(Quote)
        .options(*_with_children())
        .where(Quote.reference == reference)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def _open_quote(db: AsyncSession, inquiry_id: int) -> str | None:
    result = await db.execute(
        select(Quote.reference)
        .where(Quote.inquiry_id == inquiry_id, Quote.status.in_([s.value for s in OPEN]))
        .order_by(Quote.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


def _outcome(quote: Quote, *, created: bool) -> QuoteOutcome:
    return QuoteOutcome(
        quote=quote,
        created=created,
        needs_negotiation=quote.needs_negotiation,
        reasons=tuple(reason["message"] for reason in quote.policy_reasons or []),
    )


# -- pricing an inquiry -------------------------------------------------------------------


def _payment_terms(code: str | None, book: PriceBook) -> str | None:
    """The buyer's payment method as one of the book's standard terms where there is one."""
    if not code or code.upper() == "TT":
        return None  # the book's default (T/T deposit and balance)
    code = code.upper()
    for term in book.payment_terms.standard:
        parsed = parse_payment_terms(term)
        if parsed.value is not None and parsed.value.code == code:
            return term
    return _PAYMENT_WORDING.get(code, code)


def _payment_code(requested: str | None, priced: PricedQuote) -> str | None:
    if requested:
        return requested.upper()[:8]
    parsed = parse_payment_terms(priced.payment_terms)
    return parsed.value.code if parsed.value is not None else None


def _whole(quantity: Decimal) -> Decimal:
    """5000.000 (as stored) -> 5000, so that texts say "5,000 pcs"."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    return quantity.normalize()


def pricing_request(inquiry: Inquiry, book: PriceBook) -> PricingRequest:
    """Map a stored inquiry (with its items) to the pricing engine's request.

    The quote is in the buyer's target-price currency when all target prices share one,
    else in USD. ``NotQuotable`` when the inquiry lacks what pricing needs.
    """
    ref = inquiry.reference
    if not inquiry.items:
        raise NotQuotable(f"inquiry {ref} has no items to price")
    if not inquiry.destination_country:
        raise NotQuotable(f"inquiry {ref} has no destination country; it is needed to quote")
    unknown = [item.position for item in inquiry.items if item.quantity is None]
    if unknown:
        raise NotQuotable(f"inquiry {ref}: the quantity of item {unknown[0]} is to be confirmed")
    currencies = {
        item.target_price_currency.upper()
        for item in inquiry.items
        if item.target_price_amount is not None and item.target_price_currency
    }
    try:
        incoterm = Incoterm.parse(inquiry.incoterm) if inquiry.incoterm else None
    except ValueError:
        incoterm = None  # the book's default; the breakdown says so
    try:
        lines = tuple(
            RequestLine(
                sku=item.sku,
                description=item.description,
                quantity=_whole(quantity),
                unit=item.unit or "pcs",
                target_price=(
                    item.target_price_amount
                    if item.target_price_amount is not None and item.target_price_amount > 0
                    else None
                ),
                target_currency=item.target_price_currency,
            )
            for item in inquiry.items
            if (quantity := item.quantity) is not None  # none is: checked above
        )
        return PricingRequest(
            lines=lines,
            destination_country=inquiry.destination_country,
            destination_place=inquiry.destination_place,
            incoterm=incoterm,
            incoterm_place=inquiry.incoterm_place,
            required_by=inquiry.required_by,
            payment_terms=_payment_terms(inquiry.payment_terms, book),
            currency=currencies.pop() if len(currencies) == 1 else None,
        )
    except ValueError as exc:
        raise NotQuotable(f"inquiry {ref} cannot be priced: {exc}") from exc


def _new_quote(
    reference: str,
    inquiry: Inquiry,
    priced: PricedQuote,
    *,
    status: QuoteStatus,
    now: datetime,
    today: date,
) -> Quote:
    return Quote(
        reference=reference,
        created_at=now,
        updated_at=now,
        inquiry_id=inquiry.id,
        status=status.value,
        currency=priced.currency,
        incoterm=priced.incoterm.value,
        place=priced.incoterm_place[:120],
        payment_terms=_payment_code(inquiry.payment_terms, priced),
        valid_until=priced.valid_until,
        margin_pct=priced.margin_pct,
        total=priced.total,
        policy_reasons=policy_reasons(priced),
        needs_negotiation=priced.policy.has(IssueCode.TARGET_BELOW_FLOOR),
        pricing=pricing_snapshot(priced, today=today),
        lines=[
            QuoteLine(
                position=line.line_no,
                sku=line.sku,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                amount=line.amount,
                lead_time_days=line.lead_time_days,
            )
            for line in priced.lines
        ],
        charges=[
            QuoteCharge(kind=charge.kind, amount=charge.amount, estimate=charge.is_estimate)
            for charge in priced.charges
        ],
        approvals=[],
        events=[],
    )


async def _lock_inquiry(db: AsyncSession, reference: str) -> int:
    """First statement of the transaction: a no-op UPDATE that takes the inquiry's row lock
    (PostgreSQL) or the write lock (SQLite), so quoting one inquiry is serialised."""
    result = await db.execute(
        update(Inquiry)
        .where(Inquiry.reference == reference)
        .values(status=Inquiry.status, updated_at=Inquiry.updated_at)
        .returning(Inquiry.id)
        .execution_options(synchronize_session=False)
    )
    inquiry_id = result.scalar_one_or_none()
    if inquiry_id is None:
        await db.rollback()
        raise QuoteNotFound(f"no inquiry {reference}")
    return inquiry_id


async def quote_inquiry(
    db: AsyncSession, *, reference: str, book: PriceBook, today: date, actor: str = "assistant"
) -> QuoteOutcome:
    """Price inquiry ``reference`` from ``book`` and write the quote.

    In policy: the quote is ``sent`` at once (inquiry ``quoted``, outbox ``quote.sent``).
    Out of policy: ``pending_approval`` with the reasons stored (inquiry ``pending_approval``,
    outbox ``quote.pending_approval``); a target price below the floor also sets
    ``needs_negotiation``. Idempotent: while the inquiry has an open quote (not rejected or
    expired), that quote is returned with ``created=False``.
    """
    try:
        inquiry_id = await _lock_inquiry(db, reference)
        existing = await _open_quote(db, inquiry_id)
        if existing is not None:
            await db.commit()
            quote = await get(db, existing)
            assert quote is not None
            return _outcome(quote, created=False)
        inquiry = (
            await db.execute(
                select(Inquiry)
                .options(selectinload(Inquiry.items))
                .where(Inquiry.id == inquiry_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        if InquiryStatus(inquiry.status) not in QUOTABLE_INQUIRY:
            raise QuoteConflict(
                f"inquiry {reference} is {inquiry.status}: it cannot be quoted",
                status=inquiry.status,
            )
        priced = price(pricing_request(inquiry, book), book, today=today)
        target = QuoteStatus.SENT if priced.in_policy else QuoteStatus.PENDING_APPROVAL
        check_transition(reference, QuoteStatus.DRAFT, target)
        quote_ref = await next_reference(db, prefix=QUOTE_PREFIX, year=today.year)
        now = utcnow()
        quote = _new_quote(quote_ref, inquiry, priced, status=target, now=now, today=today)
        reasons = "; ".join(reason["message"] for reason in quote.policy_reasons)
        quote.events.extend(
            [
                QuoteEvent(at=now, actor=actor, action="created", to_status=QuoteStatus.DRAFT,
                           note=f"priced from {book.name} for {reference}"),
                QuoteEvent(at=now, actor=actor, action="sent" if priced.in_policy else
                           "submitted_for_approval", from_status=QuoteStatus.DRAFT,
                           to_status=target, note="in policy" if priced.in_policy else reasons),
            ]
        )  # fmt: skip
        db.add(quote)
        _move_inquiry(
            inquiry,
            InquiryStatus.QUOTED if priced.in_policy else InquiryStatus.PENDING_APPROVAL,
        )
        topic = events.QUOTE_SENT if priced.in_policy else events.QUOTE_PENDING_APPROVAL
        _announce(db, quote, inquiry.reference, topic=topic, status=target)
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    stored = await get(db, quote_ref)
    assert stored is not None
    return _outcome(stored, created=True)


# -- changes of state ---------------------------------------------------------------------


def _move_inquiry(inquiry: Inquiry, target: InquiryStatus) -> None:
    if InquiryStatus(inquiry.status) in _INQUIRY_FROM[target]:
        inquiry.status = target.value


def _payload(quote: Quote, inquiry_reference: str, *, status: QuoteStatus) -> dict[str, Any]:
    return {
        "reference": quote.reference,
        "inquiry": inquiry_reference,
        "status": status.value,
        "currency": quote.currency,
        "total": amount_str(quote.total, quote.currency),
        "reasons": [reason["message"] for reason in quote.policy_reasons or []],
        "needs_negotiation": quote.needs_negotiation,
    }


def _announce(
    db: AsyncSession,
    quote: Quote,
    inquiry_reference: str,
    *,
    topic: str,
    status: QuoteStatus,
    **extra: str,
) -> None:
    """Outbox ``topic`` for ``quote`` now at ``status`` (with ``extra`` fields: who approved,
    rejected or accepted it), in the change's transaction: once per quote and topic, in the
    order of its inquiry's events."""
    outbox.enqueue(
        db,
        topic=topic,
        payload={**_payload(quote, inquiry_reference, status=status), **extra},
        ordering_key=inquiry_reference,
        dedupe_key=f"{topic}:{quote.reference}",
    )


def _sources(target: QuoteStatus) -> list[QuoteStatus]:
    return [source for source, targets in ALLOWED.items() if target in targets]


async def _claim(
    db: AsyncSession, reference: str, target: QuoteStatus, *, now: datetime, unexpired: bool
) -> QuoteStatus | None:
    """Move the quote to ``target`` with a conditional UPDATE from each status ``ALLOWED``
    to reach it; the status it came from, or None when none matched (someone else won)."""
    for source in _sources(target):
        stmt = update(Quote).where(Quote.reference == reference, Quote.status == source.value)
        if unexpired:
            stmt = stmt.where(Quote.valid_until >= now.date())
        result = await db.execute(
            stmt.values(status=target.value, updated_at=now)
            .returning(Quote.id)
            .execution_options(synchronize_session=False)
        )
        if result.scalar_one_or_none() is not None:
            return source
    return None


def _describe_conflict(quote: Quote, target: QuoteStatus) -> str:
    text = f"quote {quote.reference} is {quote.status}"
    if quote.approvals:
        last = quote.approvals[-1]
        text += f" ({last.decision} by {last.by} at {last.at:%Y-%m-%d %H:%M} UTC)"
    elif quote.status == QuoteStatus.EXPIRED:
        text += f" (valid until {quote.valid_until.isoformat()})"
    return f"{text}: it cannot become {target}"


async def _refuse(
    db: AsyncSession, reference: str, target: QuoteStatus, *, now: datetime, actor: str
) -> QuoteConflict:
    """Why ``_claim`` matched nothing: unknown quote (raises ``QuoteNotFound``), a quote past
    its validity (expired now, in its own transaction), or a state that does not allow it."""
    await db.rollback()
    quote = await get(db, reference)
    if quote is None:
        raise QuoteNotFound(f"no quote {reference}")
    status = QuoteStatus(quote.status)
    if target in ALLOWED[status] and quote.valid_until < now.date():
        verb = _VERBS.get(target, f"make it {target}")
        note = f"valid until {quote.valid_until.isoformat()}; found when {actor} tried to {verb}"
        if await _claim(db, reference, QuoteStatus.EXPIRED, now=now, unexpired=False):
            db.add(
                QuoteEvent(quote_id=quote.id, at=now, actor=SYSTEM, action="expired",
                           from_status=status, to_status=QuoteStatus.EXPIRED, note=note)
            )  # fmt: skip
            _expired(db, reference, quote.inquiry.reference, quote.valid_until)
            await db.commit()
        else:
            await db.rollback()
        return QuoteConflict(
            f"quote {reference} expired on {quote.valid_until.isoformat()}: "
            f"it cannot become {target}",
            status=QuoteStatus.EXPIRED,
        )
    return QuoteConflict(_describe_conflict(quote, target), status=status)


def _expired(db: AsyncSession, reference: str, inquiry: str, valid_until: date) -> None:
    """Outbox ``quote.expired``, in the transaction that marks the quote expired."""
    outbox.enqueue(
        db,
        topic=events.QUOTE_EXPIRED,
        payload={
            "reference": reference,
            "inquiry": inquiry,
            "valid_until": valid_until.isoformat(),
        },
        ordering_key=inquiry,
        dedupe_key=f"{events.QUOTE_EXPIRED}:{reference}",
    )


async def _claimed(db: AsyncSession, reference: str) -> Quote:
    quote = await get(db, reference)
    assert quote is not None  # we hold its row
    return quote


def _event(quote: Quote, *, at: datetime, actor: str, action: str, source: QuoteStatus,
           target: QuoteStatus, note: str = "") -> None:  # fmt: skip
    quote.events.append(
        QuoteEvent(at=at, actor=actor, action=action, from_status=source, to_status=target,
                   note=note)
    )  # fmt: skip


async def _finish(db: AsyncSession, reference: str) -> Quote:
    try:
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    return await _claimed(db, reference)


async def approve(
    db: AsyncSession, *, reference: str, by: str, note: str = "", now: datetime | None = None
) -> Quote:
    """A rep approves a pending quote: ``approved``, then ``sent`` to the buyer at once (both
    in the audit trail); the inquiry becomes ``quoted``; outbox ``quote.sent``.
    ``QuoteConflict`` if the quote is not pending (already decided) or past its validity."""
    now = now or utcnow()
    source = await _claim(db, reference, QuoteStatus.APPROVED, now=now, unexpired=True)
    if source is None:
        raise await _refuse(db, reference, QuoteStatus.APPROVED, now=now, actor=by)
    try:
        quote = await _claimed(db, reference)
        _event(quote, at=now, actor=by, action="approved", source=source,
               target=QuoteStatus.APPROVED, note=note)  # fmt: skip
        quote.approvals.append(QuoteApproval(by=by, decision="approved", note=note, at=now))
        check_transition(reference, quote.status, QuoteStatus.SENT)
        quote.status = QuoteStatus.SENT.value
        _event(quote, at=now, actor=by, action="sent", source=QuoteStatus.APPROVED,
               target=QuoteStatus.SENT, note="sent to the buyer on approval")  # fmt: skip
        _move_inquiry(quote.inquiry, InquiryStatus.QUOTED)
        _announce(db, quote, quote.inquiry.reference, topic=events.QUOTE_SENT,
                  status=QuoteStatus.SENT, approved_by=by)  # fmt: skip
    except BaseException:
        await db.rollback()
        raise
    return await _finish(db, reference)


async def reject(
    db: AsyncSession, *, reference: str, by: str, note: str = "", now: datetime | None = None
) -> Quote:
    """A rep rejects a pending quote: ``rejected``; the inquiry goes to a person
    (``handed_off``). ``QuoteConflict`` unless the quote is pending approval."""
    now = now or utcnow()
    source = await _claim(db, reference, QuoteStatus.REJECTED, now=now, unexpired=False)
    if source is None:
        raise await _refuse(db, reference, QuoteStatus.REJECTED, now=now, actor=by)
    try:
        quote = await _claimed(db, reference)
        _event(quote, at=now, actor=by, action="rejected", source=source,
               target=QuoteStatus.REJECTED, note=note)  # fmt: skip
        quote.approvals.append(QuoteApproval(by=by, decision="rejected", note=note, at=now))
        _move_inquiry(quote.inquiry, InquiryStatus.HANDED_OFF)
        _announce(db, quote, quote.inquiry.reference, topic=events.QUOTE_REJECTED,
                  status=QuoteStatus.REJECTED, rejected_by=by)  # fmt: skip
    except BaseException:
        await db.rollback()
        raise
    return await _finish(db, reference)


async def accept(
    db: AsyncSession, *, reference: str, by: str, now: datetime | None = None
) -> Quote:
    """The buyer accepts a sent quote (in chat): ``accepted``, the inquiry is ``won``, outbox
    ``quote.accepted``. ``QuoteConflict`` if it is not sent or past its validity."""
    now = now or utcnow()
    source = await _claim(db, reference, QuoteStatus.ACCEPTED, now=now, unexpired=True)
    if source is None:
        raise await _refuse(db, reference, QuoteStatus.ACCEPTED, now=now, actor=by)
    try:
        quote = await _claimed(db, reference)
        _event(quote, at=now, actor=by, action="accepted", source=source,
               target=QuoteStatus.ACCEPTED, note="accepted by the buyer")  # fmt: skip
        _move_inquiry(quote.inquiry, InquiryStatus.WON)
        _announce(db, quote, quote.inquiry.reference, topic=events.QUOTE_ACCEPTED,
                  status=QuoteStatus.ACCEPTED, accepted_by=by)  # fmt: skip
    except BaseException:
        await db.rollback()
        raise
    return await _finish(db, reference)


async def expire_due(db: AsyncSession, *, today: date) -> list[str]:
    """Mark every pending, approved or sent quote whose ``valid_until`` is before ``today``
    as ``expired`` (with an audit event each); returns their references."""
    now = utcnow()
    expired: list[str] = []
    try:
        for source in _sources(QuoteStatus.EXPIRED):
            rows = (
                await db.execute(
                    update(Quote)
                    .where(Quote.status == source.value, Quote.valid_until < today)
                    .values(status=QuoteStatus.EXPIRED.value, updated_at=now)
                    .returning(Quote.id, Quote.reference, Quote.valid_until, Quote.inquiry_id)
                    .execution_options(synchronize_session=False)
                )
            ).all()
            inquiry_refs = dict(
                (
                    await db.execute(
                        select(Inquiry.id, Inquiry.reference).where(
                            Inquiry.id.in_({row[3] for row in rows})
                        )
                    )
                ).all()
            )
            for quote_id, quote_ref, valid_until, inquiry_id in rows:
                db.add(
                    QuoteEvent(quote_id=quote_id, at=now, actor=SYSTEM, action="expired",
                               from_status=source, to_status=QuoteStatus.EXPIRED,
                               note=f"valid until {valid_until.isoformat()}")
                )  # fmt: skip
                _expired(db, quote_ref, inquiry_refs[inquiry_id], valid_until)
                expired.append(quote_ref)
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    return sorted(expired)
