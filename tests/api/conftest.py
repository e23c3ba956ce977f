from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from tools.stack import free_port

STAFF_TOKEN = "staff-token-for-tests-0123456789"
ACTION_TOKEN = "action-token-for-tests-0123456789"


@pytest.fixture
def settings(migrated_sqlite_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        _env_file=None,
        database_url=migrated_sqlite_url,
        rasa_port=free_port(),  # nothing listens: the engine is "down"
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        action_server_token=SecretStr(ACTION_TOKEN),
        kb_index_dir=tmp_path / "no-index",
        chat_rate_burst=5,
        chat_rate_per_minute=60,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def chat(client: TestClient) -> tuple[str, dict[str, str]]:
    body = client.post("/api/chat/sessions", json={"locale": "en"}).json()
    return body["session_id"], {"Authorization": f"Bearer {body['token']}"}
