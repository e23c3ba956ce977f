"""Staff API for quotes: auth, look-up, PDF, approve/reject and their errors."""

from __future__ import annotations

import asyncio
import io
from decimal import Decimal

from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.settings import Settings
from api.staff.identities import legacy_name
from sales import inquiries, quotes
from sales.db import Database
from sales.pricing import load_price_book
from tests.api.conftest import STAFF_TOKEN
from tests.sales.quotes.test_service import DEMO_BOOK, OUT_OF_POLICY, TODAY, rfq

AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}
STAFF_NAME = legacy_name(STAFF_TOKEN)


def make_quote(settings: Settings, *, in_policy: bool = True) -> str:
    async def go() -> str:
        db = Database(settings.database_url)
        try:
            draft = rfq() if in_policy else rfq(**OUT_OF_POLICY)
            async with db.session() as session:
                inquiry, _ = await inquiries.create(session, draft=draft)
            async with db.session() as session:
                outcome = await quotes.quote_inquiry(
                    session, reference=inquiry.reference, book=load_price_book(DEMO_BOOK),
                    today=TODAY,
                )  # fmt: skip
            return outcome.reference
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_quote_routes_need_a_staff_token(client: TestClient, settings: Settings) -> None:
    ref = make_quote(settings, in_policy=False)
    wrong = {"Authorization": "Bearer nope"}
    for headers in ({}, wrong):
        assert client.get(f"/api/quotes/{ref}", headers=headers).status_code == 401
        assert client.get(f"/api/quotes/{ref}/pdf", headers=headers).status_code == 401
        for action in ("approve", "reject"):
            response = client.post(
                f"/api/quotes/{ref}/{action}", json={"by": "U1"}, headers=headers
            )
            assert response.status_code == 401
            assert response.json() == {"detail": "missing or wrong staff API token"}
    assert client.get(f"/api/quotes/{ref}", headers=AUTH).json()["status"] == "pending_approval"


def test_get_quote_record(client: TestClient, settings: Settings) -> None:
    ref = make_quote(settings)
    response = client.get(f"/api/quotes/{ref}", headers=AUTH)
    assert response.status_code == 200
    record = response.json()
    assert record["reference"] == ref and record["status"] == "sent"
    assert record["inquiry"].startswith("RFQ-") and record["incoterm"] == "CIF"
    assert isinstance(record["total"], str)
    assert Decimal(record["total"]) == sum(
        (Decimal(x["amount"]) for x in record["lines"] + record["charges"]), Decimal(0)
    )
    inquiry = client.get(f"/api/inquiries/{record['inquiry']}", headers=AUTH).json()
    assert inquiry["quotes"] == [ref] and inquiry["status"] == "quoted"


def test_unknown_quote_is_404(client: TestClient) -> None:
    for method, path in (
        ("GET", "/api/quotes/Q-2026-999999"),
        ("GET", "/api/quotes/Q-2026-999999/pdf"),
        ("POST", "/api/quotes/Q-2026-999999/approve"),
        ("POST", "/api/quotes/Q-2026-999999/reject"),
    ):
        response = client.request(method, path, json={"by": "U1"}, headers=AUTH)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "no quote Q-2026-999999"}


def test_pdf_is_a_pdf_with_reference_and_total(client: TestClient, settings: Settings) -> None:
    ref = make_quote(settings)
    total = Decimal(client.get(f"/api/quotes/{ref}", headers=AUTH).json()["total"])
    response = client.get(f"/api/quotes/{ref}/pdf", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{ref}.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert ref in text and f"{total:,.2f}" in text


def test_approve_then_approving_again_is_409(client: TestClient, settings: Settings) -> None:
    ref = make_quote(settings, in_policy=False)
    response = client.post(
        f"/api/quotes/{ref}/approve", json={"by": "U123", "note": "ok for this key account"},
        headers=AUTH,
    )  # fmt: skip
    assert response.status_code == 200
    record = response.json()
    assert record["status"] == "sent"
    # recorded under the token's identity (a plain token: read+approve, named by its hash)
    assert [(a["by"], a["decision"], a["note"]) for a in record["approvals"]] == [
        (STAFF_NAME, "approved", "ok for this key account")
    ]
    again = client.post(f"/api/quotes/{ref}/approve", json={"by": "U456"}, headers=AUTH)
    assert again.status_code == 409
    assert f"approved by {STAFF_NAME}" in again.json()["detail"]
    reject = client.post(f"/api/quotes/{ref}/reject", json={"by": "U456"}, headers=AUTH)
    assert reject.status_code == 409


def test_reject(client: TestClient, settings: Settings) -> None:
    ref = make_quote(settings, in_policy=False)
    response = client.post(
        f"/api/quotes/{ref}/reject", json={"by": "U9", "note": "margin too thin"}, headers=AUTH
    )
    assert response.status_code == 200
    record = response.json()
    assert record["status"] == "rejected"
    assert record["approvals"][0]["decision"] == "rejected"
    assert record["events"][-1]["note"] == "margin too thin"
    approve = client.post(f"/api/quotes/{ref}/approve", json={"by": "U1"}, headers=AUTH)
    assert approve.status_code == 409 and "is rejected" in approve.json()["detail"]


def test_approving_a_sent_or_expired_quote_is_409(client: TestClient, settings: Settings) -> None:
    sent = make_quote(settings)
    response = client.post(f"/api/quotes/{sent}/approve", json={"by": "U1"}, headers=AUTH)
    assert response.status_code == 409 and "is sent" in response.json()["detail"]

    pending = make_quote(settings, in_policy=False)

    async def expire() -> None:
        db = Database(settings.database_url)
        async with db.session() as session:
            quote = await quotes.get(session, pending)
            assert quote is not None
            await quotes.expire_due(session, today=quote.valid_until.replace(year=2030))
        await db.dispose()

    asyncio.run(expire())
    response = client.post(f"/api/quotes/{pending}/approve", json={"by": "U1"}, headers=AUTH)
    assert response.status_code == 409 and "is expired" in response.json()["detail"]


def test_malformed_decisions_are_422(client: TestClient, settings: Settings) -> None:
    ref = make_quote(settings, in_policy=False)
    for body in ({"by": ""}, {"by": "   "}, {"by": "U1", "extra": 1}, {"by": 5}, {"note": 5}):
        response = client.post(f"/api/quotes/{ref}/approve", json=body, headers=AUTH)
        assert response.status_code == 422, body
        assert isinstance(response.json()["detail"], str)
    response = client.post(
        f"/api/quotes/{ref}/approve",
        content=b"not json",
        headers={**AUTH, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert client.get(f"/api/quotes/{ref}", headers=AUTH).json()["status"] == "pending_approval"


def test_control_characters_in_a_decision_are_removed(
    client: TestClient, settings: Settings
) -> None:
    ref = make_quote(settings, in_policy=False)
    only_nul = client.post(f"/api/quotes/{ref}/reject", json={"by": "\x00"}, headers=AUTH)
    assert (
        only_nul.status_code == 422 and "by" in only_nul.json()["detail"]
    )  # (ignored, but checked)
    response = client.post(
        f"/api/quotes/{ref}/reject", json={"by": "U1\x00", "note": "too\x00 low\r\nsorry\x07"},
        headers=AUTH,
    )  # fmt: skip
    assert response.status_code == 200
    assert [(a["by"], a["note"]) for a in response.json()["approvals"]] == [
        (STAFF_NAME, "too low\nsorry")
    ]
