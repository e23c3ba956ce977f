"""The engine's input channel (bot/channels/app.py) on the real engine: only the app, holding
ENGINE_CHANNEL_TOKEN, can speak for a session (issue 14, finding 3)."""

from __future__ import annotations

import os
import subprocess
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import RunningStack
from tools import engine_files


def _events(stack: RunningStack, sender: str) -> int:
    """The tracker store's events of ``sender`` (read from the store itself, not the engine)."""
    store = create_engine(stack.settings.tracker_store_url)
    try:
        with store.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
                ).scalar_one()
            )
    finally:
        store.dispose()


def _engine(stack: RunningStack) -> httpx.Client:
    return httpx.Client(base_url=stack.settings.engine_url, timeout=120)


def _turn(sender: str) -> dict[str, object]:
    return {"sender": sender, "message": "hello", "metadata": {"language": "en"}}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ({"Authorization": "Bearer wrong-secret-0123456789"}, 403),
    ],
    ids=["none", "empty", "basic", "wrong"],
)
def test_a_turn_without_the_secret_is_refused_and_reaches_no_tracker(
    running_stack: RunningStack, headers: dict[str, str], status: int
) -> None:
    sender = uuid.uuid4().hex
    with _engine(running_stack) as engine:
        response = engine.post("/webhooks/app/webhook", json=_turn(sender), headers=headers)
        health = engine.get("/webhooks/app/", headers=headers)
    assert response.status_code == status, response.text
    assert health.status_code == status
    assert _events(running_stack, sender) == 0


def test_a_non_ascii_token_is_refused_not_an_error(running_stack: RunningStack) -> None:
    sender = uuid.uuid4().hex
    with _engine(running_stack) as engine:
        response = engine.post(
            "/webhooks/app/webhook",
            json=_turn(sender),
            headers={"Authorization": "Bearer t\u00f6ken-\u4e2d\u6587".encode()},
        )
    assert response.status_code == 403
    assert _events(running_stack, sender) == 0


def test_the_unauthenticated_rest_channel_is_gone(running_stack: RunningStack) -> None:
    sender = uuid.uuid4().hex
    with _engine(running_stack) as engine:
        response = engine.post("/webhooks/rest/webhook", json=_turn(sender))
    assert response.status_code == 404
    assert _events(running_stack, sender) == 0


def test_the_secret_opens_the_channel(running_stack: RunningStack) -> None:
    sender = uuid.uuid4().hex
    secret = running_stack.settings.engine_channel_token.get_secret_value()
    with _engine(running_stack) as engine:
        response = engine.post(
            "/webhooks/app/webhook",
            json=_turn(sender),
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 200, response.text
    assert any(m.get("text") for m in response.json())
    assert _events(running_stack, sender) > 0


def test_the_http_api_still_wants_its_own_token(running_stack: RunningStack) -> None:
    """The channel's secret is not the HTTP API's token, and the API stays closed without it."""
    secret = running_stack.settings.engine_channel_token.get_secret_value()
    api_token = running_stack.settings.rasa_auth_token.get_secret_value()
    with _engine(running_stack) as engine:
        assert engine.post("/model/parse", json={"text": "hello"}).status_code == 401
        assert (
            engine.post(
                "/model/parse", params={"token": secret}, json={"text": "hello"}
            ).status_code
            == 401
        )
        assert engine.get("/status").status_code == 401
        assert engine.get("/status", params={"token": api_token}).status_code == 200


@pytest.mark.skipif(not engine_files.ENGINE_PYTHON.exists(), reason="no engine environment")
def test_the_engine_does_not_start_without_the_secret() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ENGINE_CHANNEL_TOKEN"}
    env["RASA_AUTH_TOKEN"] = "api-token-0123456789"
    result = subprocess.run(
        [str(engine_files.ENGINE_PYTHON), str(engine_files.BOT / "serve.py")],
        cwd=engine_files.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "ENGINE_CHANNEL_TOKEN is not set" in result.stderr
