from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from tools.stack import free_port

STAFF_TOKEN = "staff-token-for-tests-0123456789"
ACTION_TOKEN = "action-token-for-tests-0123456789"


def api_settings(database_url: str, work: Path) -> Settings:
    """The API tests' settings: the engine "down" (nothing listens on its port), no index."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        rasa_port=free_port(),
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        action_server_token=SecretStr(ACTION_TOKEN),
        kb_index_dir=work / "no-index",
        chat_rate_burst=5,
        chat_rate_per_minute=60,
    )


@pytest.fixture
def settings(migrated_sqlite_url: str, tmp_path: Path) -> Settings:
    return api_settings(migrated_sqlite_url, tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def chat(client: TestClient) -> tuple[str, dict[str, str]]:
    body = client.post("/api/chat/sessions", json={"locale": "en"}).json()
    return body["session_id"], {"Authorization": f"Bearer {body['token']}"}
