"""Staff API: knowledge base search, with the demo knowledge base."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import STAFF_TOKEN

AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}


def test_an_unknown_market_is_422_naming_the_known_ones(client: TestClient, demo_kb) -> None:  # type: ignore[no-untyped-def]
    client.app.state.services.kb = demo_kb  # type: ignore[attr-defined]
    response = client.get("/api/kb/search", params={"q": "x", "market": "XX"}, headers=AUTH)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "unknown market 'XX'" in detail and "DE" in detail
    for market in ("DE", "Germany", "de"):
        known = client.get(
            "/api/kb/search", params={"q": "IP rating", "market": market}, headers=AUTH
        )
        assert known.status_code == 200, market
        assert known.json()["hits"]


def test_search_without_the_index_is_503(client: TestClient) -> None:
    response = client.get("/api/kb/search", params={"q": "x", "market": "XX"}, headers=AUTH)
    assert response.status_code == 503
    assert response.json() == {"detail": "knowledge index not loaded"}
