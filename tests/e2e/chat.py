"""A scripted buyer over the chat API (shared by the e2e tests and the benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Buyer:
    client: httpx.Client
    session_id: str = ""
    token: str = ""
    transcript: list[dict[str, Any]] = field(default_factory=list)

    def start(self, locale: str = "en") -> Buyer:
        response = self.client.post("/api/chat/sessions", json={"locale": locale})
        response.raise_for_status()
        body = response.json()
        self.session_id, self.token = body["session_id"], body["token"]
        return self

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def say(self, text: str | None = None, payload: str | None = None) -> httpx.Response:
        body = {"text": text} if payload is None else {"payload": payload}
        response = self.client.post(
            f"/api/chat/sessions/{self.session_id}/messages", json=body, headers=self.headers
        )
        if response.status_code == 200:
            self.transcript.extend(response.json()["messages"])
        return response

    def reply(self, text: str | None = None, payload: str | None = None) -> str:
        """Send and return the bot's reply texts joined (asserting a 200)."""
        response = self.say(text, payload)
        assert response.status_code == 200, response.text
        return "\n".join(m["text"] for m in response.json()["messages"])

    def last_buttons(self) -> list[dict[str, str]]:
        for message in reversed(self.transcript):
            if message["buttons"]:
                return message["buttons"]
        return []
