"""A part the app depends on is down (issue 14, fault tests): the order database unreachable is
a 503 with a clear message and Retry-After, never a bare 500; Redis unreachable does not fail a
buyer's turn (the transcript holds every message; the socket push is what is missed)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.broker import RedisBroker
from api.main import create_app
from api.settings import Settings
from tools.stack import free_port


def test_the_order_database_down_is_a_503_saying_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        _env_file=None,
        # nothing listens there: every connection is refused
        database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/orders",
        rasa_port=free_port(),
        staff_api_tokens=SecretStr("staff-token-for-tests-0123456789"),
        kb_index_dir=tmp_path / "no-index",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.post("/api/chat/sessions", json={"locale": "en"})
        assert response.status_code == 503, response.text
        assert "database" in response.json()["detail"]
        assert int(response.headers["Retry-After"]) >= 1
        staff = client.get(
            "/api/inquiries", headers={"Authorization": "Bearer staff-token-for-tests-0123456789"}
        )
        assert staff.status_code == 503 and "database" in staff.json()["detail"]


async def test_a_redis_publish_that_fails_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = RedisBroker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    try:
        with caplog.at_level(logging.WARNING, logger="api.broker"):
            await broker.publish("s1", {"type": "message", "seq": 1})
        assert any("not pushed" in r.getMessage() for r in caplog.records)
    finally:
        await broker.close()
