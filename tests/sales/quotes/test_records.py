"""The Quote record (contract shape, money as strings, total = sum), the buyer's chat text,
and the PDF rebuilt from the stored quote."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from sales import inquiries, quotes
from sales.db import Database
from sales.pricing import PriceBook, price
from sales.quotes.documents import priced_from_stored, render_pdf

from .test_service import BELOW_FLOOR, OUT_OF_POLICY, TODAY, book, new_quote, rfq

__all__ = ["book"]

CONTRACT_KEYS = {
    "reference", "inquiry", "status", "currency", "incoterm", "place", "lines", "charges",
    "total", "payment_terms", "valid_until", "margin_pct", "approvals",
}  # fmt: skip
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _floats(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_record_has_the_contract_shape(database: Database, book: PriceBook) -> None:
    outcome = await new_quote(database, book)
    record = quotes.to_record(outcome.quote)
    assert set(record) >= CONTRACT_KEYS
    assert record["reference"] == "Q-2026-000001" and record["inquiry"] == "RFQ-2026-000001"
    assert (record["status"], record["currency"], record["incoterm"], record["place"]) == (
        "sent", "USD", "CIF", "Hamburg",
    )  # fmt: skip
    assert record["payment_terms"] == "LC"
    assert record["valid_until"] == "2026-12-21"
    assert record["approvals"] == []
    assert _floats(record) == []
    [line] = record["lines"]
    assert line == {
        "sku": "PNL-6060-40W",
        "quantity": 5000,
        "unit": "pcs",
        "unit_price": line["unit_price"],
        "amount": line["amount"],
        "lead_time_days": 25,
    }
    assert MONEY.match(line["unit_price"]) and MONEY.match(line["amount"])
    assert Decimal(line["amount"]) == Decimal(line["unit_price"]) * 5000
    assert {c["kind"] for c in record["charges"]} >= {"sea_freight", "insurance"}
    for charge in record["charges"]:
        assert MONEY.match(charge["amount"]) and isinstance(charge["estimate"], bool)
    assert MONEY.match(record["total"])
    assert Decimal(record["total"]) == sum(
        (Decimal(x["amount"]) for x in record["lines"] + record["charges"]), Decimal(0)
    )
    assert re.fullmatch(r"\d+(\.\d{1,2})?", record["margin_pct"])
    # the same figures as pricing the request directly
    async with database.session() as db:
        inquiry = await inquiries.get(db, record["inquiry"])
    assert inquiry is not None
    direct = price(quotes.pricing_request(inquiry, book), book, today=TODAY)
    assert record["total"] == f"{direct.total:f}"
    assert record["margin_pct"] == f"{direct.margin_pct.normalize():f}"


async def test_record_of_a_decided_quote(database: Database, book: PriceBook) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    record = quotes.to_record(pending.quote)
    assert record["status"] == "pending_approval"
    assert any("below the MOQ" in reason for reason in record["policy_reasons"])
    async with database.session() as db:
        approved = await quotes.approve(db, reference=pending.reference, by="U123", note="ok")
    record = quotes.to_record(approved)
    [approval] = record["approvals"]
    assert approval["by"] == "U123" and approval["decision"] == "approved"
    assert approval["note"] == "ok" and approval["at"].endswith("Z")
    assert [e["action"] for e in record["events"]] == [
        "created", "submitted_for_approval", "approved", "sent",
    ]  # fmt: skip


async def test_describe_for_buyer(database: Database, book: PriceBook) -> None:
    sent = (await new_quote(database, book)).quote
    total = f"USD {Decimal(quotes.to_record(sent)['total']):,.2f}"
    text = quotes.describe_for_buyer(sent)
    for part in (sent.reference, total, "CIF Hamburg", "valid until 2026-12-21", "25 days"):
        assert part in text, part
    assert quotes.describe_for_buyer(sent, language="ja") == text  # unsupported: English
    amount = f"{Decimal(quotes.to_record(sent)['total']):,.2f}"
    german = quotes.describe_for_buyer(sent, language="de-DE")
    german_total = "USD " + amount.replace(",", " ").replace(".", ",").replace(" ", ".")
    assert "gültig bis 21. Dezember 2026" in german and german_total in german
    assert "Produktionszeit beträgt ca. 25 Tage" in german
    assert "有效期至 2026年12月21日" in quotes.describe_for_buyer(sent, language="zh")
    assert "válida hasta el 21 de diciembre de 2026" in quotes.describe_for_buyer(
        sent, language="es"
    )
    assert "válida até 21 de dezembro de 2026" in quotes.describe_for_buyer(sent, language="pt-BR")
    french = quotes.describe_for_buyer(sent, language="fr")
    assert french.startswith(f"Voici votre devis {sent.reference}")
    assert "valable jusqu'au 21 décembre 2026" in french and "CIF Hamburg" in french

    pending = (await new_quote(database, book, rfq(**BELOW_FLOOR))).quote
    waiting = quotes.describe_for_buyer(pending)
    assert "being reviewed by our sales team" in waiting
    assert "within one business day" in waiting
    assert "USD" not in waiting  # no price before a person has looked at it


async def test_pdf_from_the_stored_quote(database: Database, book: PriceBook) -> None:
    outcome = await new_quote(database, book)
    async with database.session() as db:
        stored = await quotes.get(db, outcome.reference)
        inquiry = await inquiries.get(db, outcome.quote.inquiry.reference)
    assert stored is not None and inquiry is not None
    direct = price(quotes.pricing_request(inquiry, book), book, today=TODAY)
    rebuilt = priced_from_stored(stored)
    assert rebuilt.total == direct.total and rebuilt.in_policy
    assert [(x.sku, x.unit_price, x.amount, x.description) for x in rebuilt.lines] == [
        (x.sku, x.unit_price, x.amount, x.description) for x in direct.lines
    ]
    assert [(c.label, c.amount) for c in rebuilt.charges] == [
        (c.label, c.amount) for c in direct.charges
    ]
    assert (rebuilt.shipment, rebuilt.ready_date, rebuilt.arrival_date) == (
        direct.shipment, direct.ready_date, direct.arrival_date,
    )  # fmt: skip
    text = _pdf_text(render_pdf(stored, book=book))
    for part in (outcome.reference, f"{direct.total:,.2f}", "RFQ-2026-000001", "CIF Hamburg"):
        assert part in text, part
    assert "DRAFT" not in text


@pytest.mark.parametrize("decide", ["approve", "reject"])
async def test_pdf_is_a_draft_until_approved(
    database: Database, book: PriceBook, decide: str
) -> None:
    pending = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    assert "DRAFT QUOTATION" in _pdf_text(render_pdf(pending.quote, book=book))
    async with database.session() as db:
        action = quotes.approve if decide == "approve" else quotes.reject
        decided = await action(db, reference=pending.reference, by="U1", note="")
    text = _pdf_text(render_pdf(decided, book=book))
    assert ("DRAFT QUOTATION" in text) is (decide == "reject")


async def test_describe_decided_and_expired_quotes(database: Database, book: PriceBook) -> None:
    rejected = await new_quote(database, book, rfq(**OUT_OF_POLICY))
    accepted = await new_quote(database, book)
    expired = await new_quote(database, book)
    async with database.session() as db:
        no = await quotes.reject(db, reference=rejected.reference, by="U1", note="")
        yes = await quotes.accept(db, reference=accepted.reference, by="buyer")
    later = expired.quote.valid_until + timedelta(days=1)
    async with database.session() as db:
        await quotes.expire_due(db, today=later)
        old = await quotes.get(db, expired.reference)
    assert old is not None
    text = quotes.describe_for_buyer(no)
    assert no.inquiry.reference in text and "personally" in text and "USD" not in text
    text = quotes.describe_for_buyer(yes)
    assert "Thank you for accepting" in text and yes.reference in text
    text = quotes.describe_for_buyer(old, language="de")
    assert f"am {old.valid_until.day}. " in text and "abgelaufen" in text
    waiting = quotes.describe_for_buyer(rejected.quote, language="pt")
    assert "um dia útil" in waiting and rejected.reference in waiting
    text = quotes.describe_for_buyer(yes, language="fr")
    assert "Merci d'avoir accepté le devis" in text and "facture pro forma" in text


async def test_pdf_is_in_the_inquirys_language(database: Database, book: PriceBook) -> None:
    outcome = await new_quote(database, book, rfq(language="de"))
    async with database.session() as db:
        stored = await quotes.get(db, outcome.reference)
    assert stored is not None
    text = _pdf_text(render_pdf(stored, book=book))
    assert "ANGEBOT" in text and "Gültig bis" in text and "CIF Hamburg" in text
    assert "QUOTATION" not in text
    english = _pdf_text(render_pdf(stored, book=book, language="en"))
    assert "QUOTATION" in english and "Valid until" in english
