"""Limits per client address (issue 14, finding 2): sessions created and messages sent, behind a
trusted proxy too; and the bound on turns in flight (503 with Retry-After)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import Headers

from api.chat.clients import ClientResolver, parse_networks
from api.main import create_app
from api.settings import Settings


def _client(settings: Settings, peer: str = "203.0.113.7", **overrides: object) -> TestClient:
    values = {**settings.model_dump(), **overrides}
    return TestClient(create_app(Settings(_env_file=None, **values)), client=(peer, 40000))


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    with _client(
        settings,
        chat_client_sessions_burst=3,
        chat_client_sessions_per_minute=6,
        chat_client_messages_burst=4,
        chat_client_messages_per_minute=6,
    ) as client:
        yield client


def _start(client: TestClient, **headers: str) -> tuple[str, dict[str, str]]:
    response = client.post("/api/chat/sessions", json={}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    return body["session_id"], {"Authorization": f"Bearer {body['token']}", **headers}


def test_sessions_per_client_get_429_with_retry_after(limited: TestClient) -> None:
    for _ in range(3):
        _start(limited)
    refused = limited.post("/api/chat/sessions", json={})
    assert refused.status_code == 429
    assert set(refused.json()) == {"detail"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 10  # one token every 10 s


def test_messages_per_client_count_across_sessions(limited: TestClient) -> None:
    chats = [_start(limited) for _ in range(3)]
    statuses = []
    for session_id, headers in chats * 2:  # 6 messages, 2 per session: under the per-session limit
        response = limited.post(
            f"/api/chat/sessions/{session_id}/messages", json={"text": "hello"}, headers=headers
        )
        statuses.append(response.status_code)
    assert statuses[:4] == [503] * 4  # the engine is down in these tests: the message is kept
    assert statuses[4:] == [429, 429]
    refused = limited.post(
        f"/api/chat/sessions/{chats[0][0]}/messages", json={"text": "hi"}, headers=chats[0][1]
    )
    assert int(refused.headers["Retry-After"]) >= 1


def test_websocket_messages_count_against_the_client(limited: TestClient) -> None:
    session_id, headers = _start(limited)
    for _ in range(4):
        limited.post(
            f"/api/chat/sessions/{session_id}/messages", json={"text": "x"}, headers=headers
        )
    token = headers["Authorization"].removeprefix("Bearer ")
    with limited.websocket_connect(f"/api/chat/sessions/{session_id}/ws?token={token}") as ws:
        ws.send_json({"type": "message", "text": "hello"})
        frame = ws.receive_json()
    assert frame["type"] == "error"
    assert "too many" in frame["detail"]
    assert frame["retry_after"] >= 1


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(
    settings: Settings,
) -> None:
    with _client(
        settings,
        peer="10.0.0.5",
        chat_client_sessions_burst=1,
        chat_client_sessions_per_minute=1,
        trusted_proxy_header="X-Forwarded-For",
        trusted_proxies="10.0.0.0/8",
    ) as client:
        _start(client, **{"X-Forwarded-For": "198.51.100.1"})
        _start(client, **{"X-Forwarded-For": "198.51.100.2"})
        # what the client wrote left of the proxy's hop does not make it someone else
        refused = client.post(
            "/api/chat/sessions", json={}, headers={"X-Forwarded-For": "1.2.3.4, 198.51.100.1"}
        )
        assert refused.status_code == 429


def test_an_untrusted_peer_cannot_pick_its_address(settings: Settings) -> None:
    with _client(
        settings,
        chat_client_sessions_burst=1,
        chat_client_sessions_per_minute=1,
        trusted_proxy_header="X-Forwarded-For",
        trusted_proxies="10.0.0.0/8",
    ) as client:
        _start(client, **{"X-Forwarded-For": "198.51.100.1"})
        refused = client.post(
            "/api/chat/sessions", json={}, headers={"X-Forwarded-For": "198.51.100.2"}
        )
        assert refused.status_code == 429


def test_resolver_rightmost_untrusted_hop() -> None:
    resolver = ClientResolver("X-Forwarded-For", parse_networks("10.0.0.0/8, ::1"))
    headers = Headers({"x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.1.1.1"})
    assert resolver.client("10.0.0.2", headers) == "198.51.100.9"
    assert resolver.client("203.0.113.1", headers) == "203.0.113.1"  # peer not trusted
    assert resolver.client("::1", Headers({"x-forwarded-for": "10.2.2.2"})) == "10.2.2.2"
    assert resolver.client("::1", Headers({})) == "::1"
    unconfigured = ClientResolver(None, parse_networks("10.0.0.0/8"))
    assert unconfigured.client("10.0.0.2", headers) == "10.0.0.2"
    with pytest.raises(ValueError, match="not an address"):
        parse_networks("10.0.0.0/8, proxy.example")


def test_defaults_are_what_a_deployment_would_use() -> None:
    # the defaults as declared (tests/e2e/conftest.py raises them in this process's environment)
    fields = Settings.model_fields
    assert fields["chat_client_sessions_per_minute"].default == 20
    assert fields["chat_client_messages_per_minute"].default == 120
    assert fields["trusted_proxy_header"].default is None


def test_turns_in_flight_past_the_bound_get_503_with_retry_after(
    client: TestClient, chat: tuple[str, dict[str, str]]
) -> None:
    session_id, headers = chat
    turns = client.app.state.services.gateway.turns  # type: ignore[attr-defined]
    turns.in_flight = turns.limit  # as if that many turns were waiting for the engine
    try:
        refused = client.post(
            f"/api/chat/sessions/{session_id}/messages", json={"text": "hi"}, headers=headers
        )
    finally:
        turns.in_flight = 0
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) >= 1
    transcript = client.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()
    assert transcript["messages"] == []  # not stored: the buyer sends it again
    again = client.post(
        f"/api/chat/sessions/{session_id}/messages", json={"text": "hi"}, headers=headers
    )
    assert "Retry-After" not in again.headers  # the engine-down 503 keeps the message instead
    assert turns.in_flight == 0


def test_openapi_documents_retry_after(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert "Retry-After" in paths["/api/chat/sessions"]["post"]["responses"]["429"]["headers"]
    posting = paths["/api/chat/sessions/{session_id}/messages"]["post"]["responses"]
    assert "Retry-After" in posting["429"]["headers"]
    assert "Retry-After" in posting["503"]["headers"]
