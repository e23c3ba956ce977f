"""The chat WebSocket's limits: bad frames get a reason, sockets per session are capped, big
frames are refused."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.main import create_app
from api.settings import Settings


def _url(chat: tuple[str, dict[str, str]]) -> str:
    session_id, headers = chat
    return f"/api/chat/sessions/{session_id}/ws?token={headers['Authorization'].split()[1]}"


def _closed_with(ws, code: int) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == code
    assert closed.value.reason
    return closed.value.reason


def test_a_frame_that_is_not_json_gets_an_error_frame_and_the_socket_stays(
    client: TestClient,
    chat,  # type: ignore[no-untyped-def]
) -> None:
    with client.websocket_connect(_url(chat)) as ws:
        for frame in ("{not json", "", "[1, 2"):
            ws.send_text(frame)
            assert ws.receive_json() == {"type": "error", "detail": "the frame is not valid JSON"}
        ws.send_text(json.dumps({"type": "ping"}))
        assert ws.receive_json()["type"] == "error"  # still open, still answering


def test_a_binary_frame_is_closed_with_1003(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    with client.websocket_connect(_url(chat)) as ws:
        ws.send_bytes(b'{"type": "message", "text": "hi"}')
        assert "text" in _closed_with(ws, 1003)


def test_a_frame_over_the_limit_is_closed_with_1009(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    limit = Settings.model_fields["chat_ws_max_frame_bytes"].default
    assert 2000 * 4 < limit <= 64 * 1024  # a 2,000-character message fits, in any script
    with client.websocket_connect(_url(chat)) as ws:
        ws.send_text(json.dumps({"type": "message", "text": "中" * 2001}, ensure_ascii=False))
        assert "2000" in ws.receive_json()["detail"]  # under the frame limit: the text's limit
    with client.websocket_connect(_url(chat)) as ws:
        ws.send_text(json.dumps({"type": "message", "text": "a" * (limit + 1)}))
        assert str(limit) in _closed_with(ws, 1009)


def test_sockets_per_session_are_capped(settings: Settings) -> None:
    settings.chat_ws_per_session = 2
    with TestClient(create_app(settings)) as client:
        body = client.post("/api/chat/sessions").json()
        other = client.post("/api/chat/sessions").json()
        url = f"/api/chat/sessions/{body['session_id']}/ws?token={body['token']}"
        with ExitStack() as stack:
            first, _ = (stack.enter_context(client.websocket_connect(url)) for _ in range(2))
            with client.websocket_connect(url) as third:
                assert "at most 2" in _closed_with(third, 4429)
            other_url = f"/api/chat/sessions/{other['session_id']}/ws?token={other['token']}"
            with client.websocket_connect(other_url) as ws:  # another session is not counted
                ws.send_text("{")
                assert ws.receive_json()["type"] == "error"
            first.close()
            sockets = client.app.state.services.sockets  # type: ignore[attr-defined]
            deadline = time.monotonic() + 5
            while sockets.open_count(body["session_id"]) > 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            with client.websocket_connect(url) as again:  # a closed socket frees its slot
                again.send_text("{")
                assert again.receive_json()["type"] == "error"
