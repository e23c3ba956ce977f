from __future__ import annotations

import json

import httpx
import pytest

from api.engine import RESUME_INTENT, BotMessage, EngineClient, EngineUnavailable, to_bot_message


def test_rasa_rest_messages_are_mapped() -> None:
    message = to_bot_message(
        {"recipient_id": "x", "text": "Hi", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    )
    assert message is not None
    assert message.text == "Hi" and message.buttons == [{"title": "Yes", "payload": "/affirm"}]
    assert to_bot_message({"recipient_id": "x", "custom": {"text": "c"}}).text == "c"  # type: ignore[union-attr]
    assert to_bot_message({"recipient_id": "x"}) is None


async def test_trigger_posts_the_intent_and_maps_the_replies() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"messages": [{"recipient_id": "s1", "text": "Back"}]})

    client = EngineClient("http://engine/", "token", channel_token="channel-token")
    await client.close()
    client._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        assert await client.trigger("s1") == [BotMessage(text="Back")]
    finally:
        await client.close()
    assert seen[0].url.path == "/conversations/s1/trigger_intent"
    assert seen[0].url.params["token"] == "token"
    assert json.loads(seen[0].content) == {"name": RESUME_INTENT, "entities": []}


async def test_a_turn_goes_to_the_app_channel_with_its_secret() -> None:
    """Issue 14, finding 3: the engine's channel wants the shared secret; the API token is not
    sent with a turn (nor the secret with an API call)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "m.tar.gz"})
        if request.method == "GET":  # the channel's readiness
            return httpx.Response(200, json={"status": "ok"})
        return httpx.Response(200, json=[{"recipient_id": "s1", "text": "Hello"}])

    client = EngineClient("http://engine/", "api-token", channel_token="channel-secret")
    await client.close()
    client._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        assert await client.send("s1", "hi", language="de") == [BotMessage(text="Hello")]
        assert await client.model_loaded()
    finally:
        await client.close()
    turn, status, ready = seen
    assert turn.url.path == "/webhooks/app/webhook"
    assert turn.headers["Authorization"] == "Bearer channel-secret"
    assert "api-token" not in str(turn.url)
    assert json.loads(turn.content) == {
        "sender": "s1",
        "message": "hi",
        "metadata": {"language": "de"},
    }
    assert "Authorization" not in status.headers
    assert status.url.params["token"] == "api-token"
    assert ready.url.path == "/webhooks/app/"
    assert ready.headers["Authorization"] == "Bearer channel-secret"


@pytest.mark.parametrize(
    ("status", "channel", "loaded"),
    [
        ({"model_file": "m.tar.gz"}, 200, True),
        ({"model_file": "m.tar.gz"}, 503, False),  # its conversation store does not answer
        ({"model_file": None}, 200, False),  # no model yet
    ],
    ids=["ready", "store-down", "no-model"],
)
async def test_the_engine_is_ready_only_with_its_model_and_its_store(
    status: dict[str, object], channel: int, loaded: bool
) -> None:
    """Issue 14: the engine never keeps a conversation in memory (bot/channels/store_guard.py),
    so while its store does not answer it serves nothing: /health and the replay job see it
    not ready (an outage, no failed turn counted)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/status":
            return httpx.Response(200, json=status)
        return httpx.Response(channel, json={"detail": "the conversation store does not answer"})

    client = EngineClient("http://engine/", "api-token", channel_token="channel-secret")
    await client.close()
    client._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        assert await client.model_loaded() is loaded
    finally:
        await client.close()


async def test_a_refused_turn_is_the_engine_unavailable() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"detail": "invalid token"})

    client = EngineClient("http://engine/", "api-token", channel_token="stale-secret")
    await client.close()
    client._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        with pytest.raises(EngineUnavailable, match="403"):
            await client.send("s1", "hi")
    finally:
        await client.close()


def test_a_module_that_is_not_installed_fails_to_import_at_once() -> None:
    import importlib
    import sys

    from api.engine import mark_absent

    name = "exportdesk_no_such_module_0123"
    try:
        assert mark_absent(name) and sys.modules[name] is None
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(name)
        assert not mark_absent(name)  # once
    finally:
        sys.modules.pop(name, None)
    assert not mark_absent("json")  # installed and imported: left alone
    assert not mark_absent("xml.dom.pulldom")  # installed, not imported yet: left alone
    assert sys.modules.get("xml.dom.pulldom", importlib) is not None
