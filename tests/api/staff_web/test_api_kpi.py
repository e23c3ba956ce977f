"""GET /api/kpi: the staff token, the figures of the seeded week, clear 422s, OpenAPI."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from sales.db import Database
from tests.api.conftest import STAFF_TOKEN
from tests.sales.kpi.test_figures import seed

ADMIN_ONLY = "ops-admin-token-0123456789abcdef"
WEEK = {"from": "2026-11-02", "to": "2026-11-09"}


@pytest.fixture
def api(web_settings: Settings) -> Iterator[TestClient]:
    asyncio.run(_seed(web_settings.database_url))
    settings = web_settings.model_copy(
        update={"staff_api_tokens": SecretStr(f"{STAFF_TOKEN},ops:admin:{ADMIN_ONLY}")}
    )
    with TestClient(create_app(settings)) as client:
        yield client


async def _seed(url: str) -> None:
    db = Database(url)
    try:
        await seed(db)
    finally:
        await db.dispose()


def _get(client: TestClient, token: str | None = STAFF_TOKEN, **params: str):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/kpi", params={**WEEK, **params}, headers=headers)


def test_needs_a_staff_token_with_read(api: TestClient) -> None:
    assert _get(api, None).status_code == 401
    assert _get(api, "wrong-token").status_code == 401
    refused = _get(api, ADMIN_ONLY)
    assert refused.status_code == 403 and "read" in refused.json()["detail"]


def test_the_seeded_weeks_figures(api: TestClient) -> None:
    response = _get(api)
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == WEEK and body["previous"]["period"] == {
        "from": "2026-10-26",
        "to": "2026-11-02",
    }
    assert body["funnel"] == {
        "chats": 6, "rfqs_started": None, "rfqs_submitted": 6, "quoted": 3,
        "quoted_at_once": 2, "quoted_after_approval": 1, "won": 1, "rejected": 1,
        "expired": 1, "open": 1,
    }  # fmt: skip
    assert body["quote_hit_rate"] == pytest.approx(1 / 3)
    assert body["median_days_to_won"] == 3.0
    assert body["response_times"]["rfq_to_quote_sent"] == {
        "n": 3,
        "median": 14400.0,
        "p90": 18000.0,
    }
    assert body["funnel_steps"][1]["from"] == "rfqs_submitted"
    assert "funnel.rfqs_started" in body["unavailable"]
    # categories come from the price book: the demo book's panel and high-bay SKUs
    assert [(c["category"], c["inquiries"]) for c in body["categories"]] == [
        ("panel", 4),
        ("high_bay", 2),
        ("unknown", 1),
    ]
    assert body["previous"]["funnel"]["won"] == 1


def test_filters_narrow_the_figures(api: TestClient) -> None:
    body = _get(api, market="DE", band="hot").json()
    assert body["filters"]["market"] == "DE" and body["filters"]["band"] == "hot"
    assert body["funnel"]["rfqs_submitted"] == 1 and body["funnel"]["chats"] is None
    assert body["knowledge_gaps"] is None and "knowledge_gaps" in body["unavailable"]
    assert _get(api, category="high_bay").json()["funnel"]["rfqs_submitted"] == 2


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"from": "2026-11-32"}, "'from' must be a date written YYYY-MM-DD"),
        ({"to": "09/11/2026"}, "'to' must be a date written YYYY-MM-DD"),
        ({"from": "2026-11-09", "to": "2026-11-02"}, "must be after 'from'"),
        ({"band": "tepid"}, "'band' must be one of"),
        ({"market": "Germany"}, "'market' must be a two-letter country code"),
    ],
)
def test_bad_dates_and_filters_are_422_with_a_clear_message(
    api: TestClient, params: dict[str, str], words: str
) -> None:
    response = _get(api, **params)
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_from_and_to_are_required(api: TestClient) -> None:
    response = api.get("/api/kpi", headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert response.status_code == 422


def test_documented_in_openapi(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    operation = document["paths"]["/api/kpi"]["get"]
    assert {"401", "403", "422", "200"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "market", "band"}
    assert operation["security"] == [{"staffToken": []}]
    schema = document["components"]["schemas"]["KpiOut"]
    assert {"funnel", "quote_hit_rate", "median_days_to_won", "response_times", "previous"} <= set(
        schema["properties"]
    )
    assert "/staff/login" not in document["paths"] and "/staff/" not in document["paths"]
