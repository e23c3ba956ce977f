"""POST /api/privacy/erase (issue 14, finding 6): admin scope, one key, counts per store, an
audit line without the personal data."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from sales import inquiries
from sales.db import Database
from tests.sales.quotes.test_service import rfq

ADMIN = "admin-token-0123456789abcdef"
READER = "reader-token-0123456789abcdef"
EMAIL = "jana.weber@nordlicht.example"


@pytest.fixture
def admin_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "staff_api_tokens": SecretStr(f"privacy:admin:{ADMIN}, crm:read+approve:{READER}"),
            "tracker_store_url": f"sqlite:///{tmp_path / 'tracker.db'}",
        }
    )


@pytest.fixture
def admin_client(admin_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(admin_settings)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_erasure_needs_the_admin_scope(admin_client: TestClient) -> None:
    body = {"email": EMAIL}
    assert admin_client.post("/api/privacy/erase", json=body).status_code == 401
    response = admin_client.post("/api/privacy/erase", json=body, headers=bearer(READER))
    assert response.status_code == 403
    assert "lacks the admin scope" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [{}, {"email": EMAIL, "session_id": "abc"}, {"email": "not-an-address"}, {"phone": "1"}],
)
def test_one_key_is_needed(admin_client: TestClient, body: dict[str, str]) -> None:
    response = admin_client.post("/api/privacy/erase", json=body, headers=bearer(ADMIN))
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


def test_a_buyer_is_erased_and_the_audit_line_names_no_one(
    admin_client: TestClient, admin_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    session = admin_client.post("/api/chat/sessions", json={"locale": "en"}).json()
    sid = session["session_id"]
    admin_client.post(
        f"/api/chat/sessions/{sid}/messages",
        json={"text": f"my mail is {EMAIL}"},
        headers=bearer(session["token"]),
    )  # the engine is down: the message is kept

    async def make_inquiry() -> str:
        db = Database(admin_settings.database_url)
        async with db.session() as s:
            inquiry, _ = await inquiries.create(s, draft=rfq(session_id=sid))
        await db.dispose()
        return inquiry.reference

    reference = asyncio.run(make_inquiry())
    with caplog.at_level(logging.INFO, logger="exportdesk.audit"):
        response = admin_client.post(
            "/api/privacy/erase", json={"email": EMAIL.upper()}, headers=bearer(ADMIN)
        )
    assert response.status_code == 200
    body = response.json()
    orders = body["erased"]["order_database"]
    assert orders["chat_sessions"] == 1 and orders["inquiries_anonymised"] == 1
    assert orders["chat_messages"] >= 1
    assert body["erased"]["tracker_store"] == {"events": 0}
    assert body["total"] == sum(n for store in body["erased"].values() for n in store.values())
    audit = [r for r in caplog.records if r.name == "exportdesk.audit"]
    assert len(audit) == 1
    line = str(audit[0].__dict__)
    assert "privacy" in line and body["erasure_id"] in line  # who, and which erasure
    assert EMAIL not in line.lower() and sid not in line and "Jana" not in line
    # the buyer's session is gone; the inquiry stays without the person
    gone = admin_client.get(f"/api/chat/sessions/{sid}/messages", headers=bearer(session["token"]))
    assert gone.status_code in (401, 404)
    record = admin_client.get(f"/api/inquiries/{reference}", headers=bearer(READER)).json()
    assert record["buyer"]["email"] is None and record["items"]
    again = admin_client.post("/api/privacy/erase", json={"email": EMAIL}, headers=bearer(ADMIN))
    assert again.json()["total"] == 0


def test_erasure_is_in_the_openapi_document(admin_client: TestClient) -> None:
    operation = admin_client.get("/openapi.json").json()["paths"]["/api/privacy/erase"]["post"]
    assert operation["security"] == [{"staffToken": []}]
    assert {"401", "403", "422", "503"} <= set(operation["responses"])
