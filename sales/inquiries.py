"""Inquiries (RFQs): creation from a validated draft, look-up, listing, the contract record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from sales import events, outbox
from sales.models import Inquiry, InquiryItem, InquiryStatus, RfqDraft
from sales.references import INQUIRY_PREFIX, next_reference


@dataclass(frozen=True)
class ItemDraft:
    description: str
    quantity: Decimal | None  # None: the buyer could not say yet ("to be confirmed")
    unit: str = "pcs"
    sku: str | None = None
    target_price_amount: Decimal | None = None
    target_price_currency: str | None = None
    certifications: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuyerDraft:
    email: str | None = None
    company: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    country: str | None = None
    business_type: str | None = None


@dataclass(frozen=True)
class InquiryDraft:
    """A validated, normalised RFQ as the chat form hands it over."""

    items: tuple[ItemDraft, ...]
    buyer: BuyerDraft
    session_id: str | None = None
    language: str | None = None
    destination_country: str | None = None
    destination_place: str | None = None
    incoterm: str | None = None
    incoterm_place: str | None = None
    required_by: date | None = None
    payment_terms: str | None = None
    sample_requested: bool | None = None
    notes: str = ""
    lead_score: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _with_children() -> tuple[Any, ...]:
    return (selectinload(Inquiry.items), selectinload(Inquiry.quotes))


async def get_by_key(db: AsyncSession, idempotency_key: str) -> Inquiry | None:
    result = await db.execute(
        select(Inquiry).options(*_with_children()).where(Inquiry.idempotency_key == idempotency_key)
    )
    return result.scalar_one_or_none()


async def create(
    db: AsyncSession, *, draft: InquiryDraft, idempotency_key: str | None = None
) -> tuple[Inquiry, bool]:
    """Write the inquiry and its outbox row in one transaction.

    Returns ``(inquiry, created)``. The same ``idempotency_key`` always gives back the first
    inquiry (a double click or a retried action call never creates a second one), also when two
    calls race: the loser's insert hits the unique key and it returns the winner's row.
    """
    if not draft.items:
        raise ValueError("an inquiry needs at least one item")
    if idempotency_key:
        existing = await get_by_key(db, idempotency_key)
        if existing is not None:
            return existing, False
    try:
        inquiry = Inquiry(
            reference=await next_reference(db, prefix=INQUIRY_PREFIX),
            idempotency_key=idempotency_key,
            status=InquiryStatus.NEW.value,
            session_id=draft.session_id,
            language=draft.language,
            company=draft.buyer.company,
            contact_name=draft.buyer.contact_name,
            email=draft.buyer.email,
            phone=draft.buyer.phone,
            buyer_country=draft.buyer.country,
            business_type=draft.buyer.business_type,
            destination_country=draft.destination_country,
            destination_place=draft.destination_place,
            incoterm_place=draft.incoterm_place,
            incoterm=draft.incoterm,
            required_by=draft.required_by,
            payment_terms=draft.payment_terms,
            sample_requested=draft.sample_requested,
            notes=draft.notes,
            lead_score=draft.lead_score,
            items=[
                InquiryItem(
                    position=i,
                    sku=item.sku,
                    description=item.description,
                    quantity=item.quantity,
                    unit=item.unit,
                    target_price_amount=item.target_price_amount,
                    target_price_currency=item.target_price_currency,
                    certifications=list(item.certifications),
                )
                for i, item in enumerate(draft.items, start=1)
            ],
            quotes=[],
        )
        db.add(inquiry)
        if draft.session_id:  # the RFQ in progress is sent: no abandoned-RFQ mail for it
            await db.execute(delete(RfqDraft).where(RfqDraft.session_id == draft.session_id))
        await db.flush()
        outbox.enqueue(
            db,
            topic=events.INQUIRY_CREATED,
            payload={"reference": inquiry.reference},
            ordering_key=inquiry.reference,
            dedupe_key=f"{events.INQUIRY_CREATED}:{inquiry.reference}",
        )
        await db.commit()
    except IntegrityError:
        await db.rollback()
        if idempotency_key:
            existing = await get_by_key(db, idempotency_key)
            if existing is not None:
                return existing, False
        raise
    return inquiry, True


async def get(db: AsyncSession, reference: str) -> Inquiry | None:
    result = await db.execute(
        select(Inquiry).options(*_with_children()).where(Inquiry.reference == reference)
    )
    return result.scalar_one_or_none()


async def list_recent(
    db: AsyncSession,
    *,
    status: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[Inquiry]:
    stmt = select(Inquiry).options(*_with_children())
    if status:
        stmt = stmt.where(Inquiry.status == status)
    if since:
        stmt = stmt.where(Inquiry.created_at >= since)
    stmt = stmt.order_by(Inquiry.created_at.desc(), Inquiry.id.desc()).limit(limit)
    return list((await db.execute(stmt)).scalars())


def _quantity(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def money_str(amount: Decimal) -> str:
    """A decimal string with at least two places: 12.5 -> "12.50", 0.125 -> "0.125"."""
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == amount else f"{amount.normalize():f}"


def _money(amount: Decimal | None, currency: str | None) -> dict[str, str] | None:
    if amount is None or currency is None:
        return None
    return {"amount": money_str(amount), "currency": currency}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def to_record(inquiry: Inquiry) -> dict[str, Any]:
    """The Inquiry record of CONTRACTS.md."""
    return {
        "reference": inquiry.reference,
        "status": inquiry.status,
        "created_at": _iso(inquiry.created_at),
        "session_id": inquiry.session_id,
        "language": inquiry.language,
        "buyer": {
            "company": inquiry.company,
            "contact_name": inquiry.contact_name,
            "email": inquiry.email,
            "phone": inquiry.phone,
            "country": inquiry.buyer_country,
            "business_type": inquiry.business_type,
        },
        "items": [
            {
                "sku": item.sku,
                "description": item.description,
                "quantity": _quantity(item.quantity),
                "unit": item.unit,
                "target_price": _money(item.target_price_amount, item.target_price_currency),
                "certifications": list(item.certifications or []),
            }
            for item in inquiry.items
        ],
        "destination": {"country": inquiry.destination_country, "place": inquiry.destination_place},
        "incoterm": inquiry.incoterm,
        "incoterm_place": inquiry.incoterm_place,
        "required_by": inquiry.required_by.isoformat() if inquiry.required_by else None,
        "payment_terms": inquiry.payment_terms,
        "sample_requested": inquiry.sample_requested,
        "notes": inquiry.notes,
        "lead_score": inquiry.lead_score,
        "quotes": [quote.reference for quote in inquiry.quotes],
    }
