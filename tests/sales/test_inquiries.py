from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sales import inquiries
from sales.db import Database
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft, money_str
from sales.models import Inquiry, OutboxMessage


def _draft(**overrides: object) -> InquiryDraft:
    values: dict[str, object] = {
        "items": (
            ItemDraft(
                description="600x600 LED panel 40W",
                quantity=Decimal("5000"),
                unit="pcs",
                sku="PNL-6060-40W",
                target_price_amount=Decimal("12.5"),
                target_price_currency="USD",
                certifications=("CE", "ROHS"),
            ),
        ),
        "buyer": BuyerDraft(
            company="Nordlicht Handels GmbH",
            contact_name="Jana Weber",
            email="jana.weber@nordlicht.example",
            phone="+49 40 1234567",
            country="DE",
            business_type="distributor",
        ),
        "language": "en",
        "destination_country": "DE",
        "destination_place": "Hamburg",
        "incoterm": "CIF",
        "required_by": date(2027, 3, 15),
        "payment_terms": "LC",
        "sample_requested": True,
        "lead_score": 72,
    }
    values.update(overrides)
    return InquiryDraft(**values)  # type: ignore[arg-type]


async def test_create_writes_inquiry_and_outbox_row_and_record_matches_contract(
    database: Database,
) -> None:
    async with database.session() as db:
        inquiry, created = await inquiries.create(db, draft=_draft())
    assert created
    async with database.session() as db:
        stored = await inquiries.get(db, inquiry.reference)
        outbox_rows = (await db.execute(select(OutboxMessage))).scalars().all()
    assert stored is not None
    record = inquiries.to_record(stored)
    assert record["reference"].startswith("RFQ-")
    assert record["status"] == "new"
    assert record["created_at"].endswith("Z")
    assert record["buyer"]["email"] == "jana.weber@nordlicht.example"
    assert record["items"] == [
        {
            "sku": "PNL-6060-40W",
            "description": "600x600 LED panel 40W",
            "quantity": 5000,
            "unit": "pcs",
            "target_price": {"amount": "12.50", "currency": "USD"},
            "certifications": ["CE", "ROHS"],
        }
    ]
    assert record["destination"] == {"country": "DE", "place": "Hamburg"}
    assert record["required_by"] == "2027-03-15"
    assert record["quotes"] == []
    assert [(r.topic, r.payload) for r in outbox_rows] == [
        ("inquiry.created", {"reference": record["reference"]})
    ]


async def test_same_idempotency_key_never_creates_a_second_inquiry(database: Database) -> None:
    async def submit() -> str:
        async with database.session() as db:
            inquiry, _ = await inquiries.create(db, draft=_draft(), idempotency_key="rfq:s1:1.5")
            return inquiry.reference

    refs = await asyncio.gather(*(submit() for _ in range(5)))
    assert len(set(refs)) == 1
    async with database.session() as db:
        count = (await db.execute(select(func.count()).select_from(Inquiry))).scalar_one()
        outbox = (await db.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
    assert (count, outbox) == (1, 1)


async def test_unknown_values_stay_null(database: Database) -> None:
    draft = InquiryDraft(
        items=(ItemDraft(description="something bright", quantity=Decimal("10")),),
        buyer=BuyerDraft(email="a@b.example"),
    )
    async with database.session() as db:
        inquiry, _ = await inquiries.create(db, draft=draft)
    async with database.session() as db:
        record = inquiries.to_record(await inquiries.get(db, inquiry.reference))  # type: ignore[arg-type]
    assert record["items"][0]["sku"] is None
    assert record["items"][0]["target_price"] is None
    assert record["incoterm"] is None and record["required_by"] is None
    assert record["buyer"]["company"] is None


async def test_an_inquiry_needs_items(database: Database) -> None:
    async with database.session() as db:
        with pytest.raises(ValueError, match="at least one item"):
            await inquiries.create(db, draft=_draft(items=()))


async def test_list_recent_newest_first_with_filters(database: Database) -> None:
    refs = []
    for _ in range(3):
        async with database.session() as db:
            inquiry, _ = await inquiries.create(db, draft=_draft())
            refs.append(inquiry.reference)
    async with database.session() as db:
        listed = await inquiries.list_recent(db, limit=2)
        none_won = await inquiries.list_recent(db, status="won")
    assert [i.reference for i in listed] == refs[::-1][:2]
    assert none_won == []


@pytest.mark.parametrize(
    ("amount", "text"),
    [("12.5", "12.50"), ("12", "12.00"), ("0.125", "0.125"), ("11.8000", "11.80")],
)
def test_money_strings(amount: str, text: str) -> None:
    assert money_str(Decimal(amount)) == text
