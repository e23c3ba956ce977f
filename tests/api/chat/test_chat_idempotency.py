"""Idempotent buyer turns (issue 14, finding 5): ``client_message_id`` on the chat API, with the
engine down here (nothing listens on its port); the engine's side is in tests/e2e/test_replay.py
and tests/bot/test_channels.py."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.settings import Settings


def _count(settings: Settings, sql: str, **params: object) -> int:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def test_a_repeat_while_the_engine_is_down_keeps_one_message_and_tells_sales_once(
    client: TestClient, chat, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    body = {"text": "We need 500 panels", "client_message_id": "widget-1"}
    for _ in range(3):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 503
        assert "follow up" in response.json()["detail"]
    client.post(url, json={"text": "and 20 drivers", "client_message_id": "w-2"}, headers=headers)
    buyer = client.get(url, headers=headers).json()["messages"]
    assert [m["text"] for m in buyer] == ["We need 500 panels", "and 20 drivers"]
    kept = "SELECT count(*) FROM outbox WHERE topic = 'chat.kept'"
    assert _count(settings, kept) == 1  # one outage, one notice


def test_client_message_ids_are_checked(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    for bad in ("x" * 65, "", "has space", "caf\u00e9", 12):
        response = client.post(url, json={"text": "hi", "client_message_id": bad}, headers=headers)
        assert response.status_code == 422, bad
        assert isinstance(response.json()["detail"], str)
    ok = client.post(url, json={"text": "hi", "client_message_id": "x" * 64}, headers=headers)
    assert ok.status_code == 503  # accepted, kept: the engine is down


def test_the_openapi_document_lists_client_message_id(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["MessageIn"]
    assert schema["properties"]["client_message_id"]["anyOf"][0]["maxLength"] == 64
