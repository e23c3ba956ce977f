from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from api.settings import Settings
from sales import inquiries
from sales.db import Database
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from tests.api.conftest import STAFF_TOKEN

AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def _create(settings: Settings, n: int) -> list[str]:
    async def go() -> list[str]:
        db = Database(settings.database_url)
        refs = []
        for i in range(n):
            async with db.session() as session:
                inquiry, _ = await inquiries.create(
                    session,
                    draft=InquiryDraft(
                        items=(ItemDraft(description=f"panel {i}", quantity=Decimal(100 + i)),),
                        buyer=BuyerDraft(email=f"b{i}@firm.example"),
                    ),
                )
                refs.append(inquiry.reference)
        await db.dispose()
        return refs

    return asyncio.run(go())


def test_staff_api_refuses_without_a_valid_token(client: TestClient) -> None:
    assert client.get("/api/inquiries").status_code == 401
    assert (
        client.get("/api/inquiries", headers={"Authorization": "Bearer wrong"}).status_code == 401
    )
    assert client.get("/api/inquiries/RFQ-2026-000001").status_code == 401


def test_staff_api_refuses_all_when_no_tokens_are_configured(settings: Settings) -> None:
    from pydantic import SecretStr

    from api.main import create_app

    settings.staff_api_tokens = SecretStr("")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/inquiries", headers={"Authorization": "Bearer "}).status_code == 401


def test_list_and_get(client: TestClient, settings: Settings) -> None:
    refs = _create(settings, 3)
    listed = client.get("/api/inquiries", headers=AUTH).json()["items"]
    assert [i["reference"] for i in listed] == refs[::-1]
    limited = client.get("/api/inquiries?limit=1&status=new", headers=AUTH).json()["items"]
    assert [i["reference"] for i in limited] == [refs[-1]]
    one = client.get(f"/api/inquiries/{refs[0]}", headers=AUTH).json()
    assert one["items"][0]["quantity"] == 100
    assert client.get("/api/inquiries/RFQ-1999-000001", headers=AUTH).status_code == 404
    assert client.get("/api/inquiries?status=bogus", headers=AUTH).status_code == 422


def test_a_non_ascii_token_is_401_not_a_server_error(client: TestClient) -> None:
    for value in ("Bearer tökén".encode(), "Bearer 令牌".encode(), b"Bearer \xff\xfe"):
        response = client.get("/api/inquiries", headers={"Authorization": value})
        assert response.status_code == 401
        assert response.json() == {"detail": "missing or wrong staff API token"}


def test_since_takes_a_date_or_a_date_time_naive_meaning_utc(
    client: TestClient, settings: Settings
) -> None:
    refs = _create(settings, 2)
    now = datetime.now(UTC).replace(tzinfo=None)

    def listed(since: str) -> list[str]:
        response = client.get("/api/inquiries", params={"since": since}, headers=AUTH)
        assert response.status_code == 200, response.text
        return [i["reference"] for i in response.json()["items"]]

    assert listed(now.date().isoformat()) == refs[::-1]
    assert listed((now.date() + timedelta(days=1)).isoformat()) == []
    assert listed((now - timedelta(minutes=5)).isoformat()) == refs[::-1]  # naive: UTC
    assert listed((now + timedelta(minutes=5)).isoformat()) == []
    assert listed((now - timedelta(minutes=5)).isoformat() + "Z") == refs[::-1]
    ahead = (now + timedelta(hours=4, minutes=5)).isoformat() + "+04:00"  # now + 5 min, UTC
    assert listed(ahead) == []
    behind = (now + timedelta(hours=3, minutes=-10)).isoformat() + "+03:00"  # now - 10 min
    assert listed(behind) == refs[::-1]
    bad = client.get("/api/inquiries", params={"since": "last week"}, headers=AUTH)
    assert bad.status_code == 422 and "since" in bad.json()["detail"]
