from __future__ import annotations

import json

import httpx

from api.engine import RESUME_INTENT, BotMessage, EngineClient, to_bot_message


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

    client = EngineClient("http://engine/", "token")
    await client.close()
    client._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        assert await client.trigger("s1") == [BotMessage(text="Back")]
    finally:
        await client.close()
    assert seen[0].url.path == "/conversations/s1/trigger_intent"
    assert seen[0].url.params["token"] == "token"
    assert json.loads(seen[0].content) == {"name": RESUME_INTENT, "entities": []}
