"""The engine's HTTP API as the Slack side needs it: trigger an intent in a conversation
(``resume`` after a rep hands back), with the bot's answers collected."""

from __future__ import annotations

import httpx

from api.chat.engine import BotMessage, EngineUnavailable, _to_bot_message

RESUME_INTENT = "resume"


class EngineIntents:
    def __init__(self, base_url: str, auth_token: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = auth_token
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0))

    async def trigger(self, session_id: str, intent: str = RESUME_INTENT) -> list[BotMessage]:
        """``POST /conversations/{id}/trigger_intent``; the replies the bot gave."""
        try:
            response = await self._client.post(
                f"{self.base_url}/conversations/{session_id}/trigger_intent",
                params={"token": self._token},
                json={"name": intent, "entities": []},
            )
        except httpx.HTTPError as exc:
            raise EngineUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise EngineUnavailable(f"engine answered {response.status_code}")
        raw = response.json().get("messages") or []
        return [m for item in raw if (m := _to_bot_message(item))]

    async def close(self) -> None:
        await self._client.aclose()
