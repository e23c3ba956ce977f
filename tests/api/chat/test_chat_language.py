"""The chat API tells its clients the session's language (the widget shows its own texts in it):
the transcript, every message response and the WebSocket's session-state ("mode") frames carry
`language`; it changes when the buyer writes in another language or asks for one."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from api.engine import BotMessage

SPANISH = "Hola, necesitamos cinco mil paneles LED para un proyecto en Madrid"
ENGLISH = "We need five thousand LED panels for a warehouse project in Hamburg"


@dataclass
class FakeEngine:
    """Answers every turn with one line; records what the gateway sent."""

    sent: list[tuple[str, str | None]] = field(default_factory=list)

    async def send(
        self,
        sender: str,
        message: str,
        *,
        language: str | None = None,
        message_id: str | None = None,
        replay: bool = False,
    ) -> list[BotMessage]:
        self.sent.append((message, language))
        return [BotMessage(text=f"[{language}] ok")]


@pytest.fixture
def engine(client: TestClient) -> FakeEngine:
    fake = FakeEngine()
    client.app.state.services.gateway.engine = fake  # type: ignore[attr-defined]
    return fake


def _post(client: TestClient, chat: tuple[str, dict[str, str]], text: str) -> dict:  # type: ignore[type-arg]
    session_id, headers = chat
    response = client.post(
        f"/api/chat/sessions/{session_id}/messages", json={"text": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _transcript(client: TestClient, chat: tuple[str, dict[str, str]]) -> dict:  # type: ignore[type-arg]
    session_id, headers = chat
    response = client.get(f"/api/chat/sessions/{session_id}/messages", headers=headers)
    assert response.status_code == 200
    return response.json()


def test_the_locale_gives_the_first_language(client: TestClient) -> None:
    for locale, language in (("en", "en"), ("es-MX", "es"), ("zh-CN", "zh"), ("ru", "en")):
        body = client.post("/api/chat/sessions", json={"locale": locale}).json()
        chat = (body["session_id"], {"Authorization": f"Bearer {body['token']}"})
        assert _transcript(client, chat)["language"] == language, locale
    body = client.post("/api/chat/sessions").json()  # no locale: not known yet
    chat = (body["session_id"], {"Authorization": f"Bearer {body['token']}"})
    assert _transcript(client, chat)["language"] is None


def test_a_spanish_message_on_an_english_page_switches_the_session_to_spanish(
    client: TestClient,
    chat: tuple[str, dict[str, str]],
    engine: FakeEngine,
) -> None:
    assert _transcript(client, chat) == {"messages": [], "mode": "bot", "language": "en"}
    assert _post(client, chat, "Hola")["language"] == "en"  # too short to tell

    turn = _post(client, chat, SPANISH)
    assert turn["language"] == "es" and turn["mode"] == "bot"
    assert [m["text"] for m in turn["messages"]] == ["[es] ok"]
    assert engine.sent[-1] == (SPANISH, "es")
    assert _transcript(client, chat)["language"] == "es"
    # the first telling message decided: later ones (names, places) do not change it
    assert _post(client, chat, ENGLISH)["language"] == "es"
    assert _transcript(client, chat)["language"] == "es"


def test_an_explicit_request_switches_the_language_for_good(
    client: TestClient,
    chat: tuple[str, dict[str, str]],
    engine: FakeEngine,
) -> None:
    assert _post(client, chat, ENGLISH)["language"] == "en"
    turn = _post(client, chat, "can we speak German?")
    assert turn["language"] == "de"
    assert engine.sent[-1] == ("/switch_language", "de")
    assert _transcript(client, chat)["language"] == "de"
    assert _post(client, chat, ENGLISH)["language"] == "de"  # asked for: detection stays out
    assert _post(client, chat, "¿podemos hablar en español?")["language"] == "es"
    assert _transcript(client, chat)["language"] == "es"


def test_the_websocket_pushes_the_new_language_once(
    client: TestClient,
    chat: tuple[str, dict[str, str]],
    engine: FakeEngine,
) -> None:
    session_id, headers = chat
    token = headers["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/api/chat/sessions/{session_id}/ws?token={token}") as ws:
        _post(client, chat, SPANISH)
        frames = [ws.receive_json() for _ in range(3)]
        assert frames[0]["type"] == "message" and frames[0]["role"] == "buyer"
        assert frames[1] == {"type": "mode", "mode": "bot", "language": "es"}
        assert frames[2]["type"] == "message" and frames[2]["text"] == "[es] ok"

        # the language stays: no state frame, only the two messages
        _post(client, chat, "Necesitamos también muestras de los paneles")
        frames = [ws.receive_json() for _ in range(2)]
        assert [f["type"] for f in frames] == ["message", "message"]
        _post(client, chat, "auf Deutsch bitte")
        frames = [ws.receive_json() for _ in range(3)]
        assert frames[1] == {"type": "mode", "mode": "bot", "language": "de"}


def test_the_language_is_kept_when_the_engine_is_down(
    client: TestClient, chat: tuple[str, dict[str, str]]
) -> None:
    session_id, headers = chat
    response = client.post(
        f"/api/chat/sessions/{session_id}/messages", json={"text": SPANISH}, headers=headers
    )
    assert response.status_code == 503  # nothing listens on the engine's port
    transcript = _transcript(client, chat)
    assert transcript["language"] == "es"
    assert [m["text"] for m in transcript["messages"]] == [SPANISH]
