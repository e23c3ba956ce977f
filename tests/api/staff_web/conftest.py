from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from tests.api.conftest import ACTION_TOKEN, STAFF_TOKEN
from tools.stack import free_port

ADMIN_EMAIL = "Manager@Lumora.example"
ADMIN_PASSWORD = "correct horse battery staple"
LOCAL = "http://127.0.0.1"  # plain http on loopback: cookies without Secure


@pytest.fixture
def web_settings(migrated_sqlite_url: str, tmp_path, cheap_password_hashes: None) -> Settings:  # type: ignore[no-untyped-def]
    """Staff pages' settings; passwords hashed at argon2's lowest cost (tests/conftest.py)."""
    return Settings(
        _env_file=None,
        database_url=migrated_sqlite_url,
        rasa_port=free_port(),
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        action_server_token=SecretStr(ACTION_TOKEN),
        kb_index_dir=tmp_path / "no-index",
        staff_admin_email=ADMIN_EMAIL,
        staff_admin_password=SecretStr(ADMIN_PASSWORD),
    )


@pytest.fixture
def web(web_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings), base_url=LOCAL, follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
    )
