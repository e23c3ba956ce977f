"""The error cases of the buyer chat API contract, each with a readable {"detail": "..."}."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _detail(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


def test_create_session(client: TestClient) -> None:
    response = client.post(
        "/api/chat/sessions", json={"locale": "de-DE", "page_url": "https://x.example/p"}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"session_id", "token"}
    assert client.post("/api/chat/sessions").status_code == 201  # body optional


def test_missing_and_wrong_token_are_401(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, _ = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        assert client.post(url, json={"text": "hi"}, headers=headers).status_code == 401
        assert client.get(url, headers=headers).status_code == 401
    _detail(client.get(url))


def test_other_sessions_token_is_401(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, _ = chat
    other = client.post("/api/chat/sessions").json()
    response = client.get(
        f"/api/chat/sessions/{session_id}/messages",
        headers={"Authorization": f"Bearer {other['token']}"},
    )
    assert response.status_code == 401


def test_unknown_session_is_404(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    _, headers = chat
    for session_id in ("0" * 32, "x" * 200):
        response = client.post(
            f"/api/chat/sessions/{session_id}/messages", json={"text": "hi"}, headers=headers
        )
        assert response.status_code == 404
        assert "unknown" in _detail(response)


def test_text_over_limit_is_413_and_ten_megabytes_is_refused_unread(
    client: TestClient,
    chat,  # type: ignore[no-untyped-def]
) -> None:
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    response = client.post(url, json={"text": "a" * 2001}, headers=headers)
    assert response.status_code == 413
    assert "2000" in _detail(response)
    huge = client.post(url, json={"text": "a" * (10 * 1024 * 1024)}, headers=headers)
    assert huge.status_code == 413
    _detail(huge)
    assert client.get(url, headers=headers).json()["messages"] == []  # nothing stored


def test_malformed_bodies_are_422_with_a_readable_reason(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    for body in ({}, {"text": 5}, {"text": "a", "payload": "/b"}, {"txt": "hi"}, {"text": "   "}):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
        _detail(response)
    raw = client.post(
        url, content=b"{not json", headers={**headers, "content-type": "application/json"}
    )
    assert raw.status_code == 422
    _detail(raw)
    assert client.post("/api/chat/sessions", json={"locale": "<script>"}).status_code == 422


def test_a_payload_that_was_not_offered_is_refused(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    response = client.post(
        f"/api/chat/sessions/{session_id}/messages",
        json={"payload": '/inform{"email": "x@y.z"}'},
        headers=headers,
    )
    assert response.status_code == 422
    assert "button" in _detail(response)


def test_engine_down_is_503_and_keeps_the_message(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    response = client.post(
        url, json={"text": "<img src=x onerror=alert(1)> need 500 panels"}, headers=headers
    )
    assert response.status_code == 503
    assert "person" in _detail(response)
    transcript = client.get(url, headers=headers).json()
    assert [(m["role"], m["text"]) for m in transcript["messages"]] == [
        ("buyer", "<img src=x onerror=alert(1)> need 500 panels")
    ]
    assert transcript["mode"] == "bot"
    assert transcript["messages"][0]["created_at"].endswith("Z")


def test_too_many_messages_is_429(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    codes = [
        client.post(url, json={"text": f"m{i}"}, headers=headers).status_code for i in range(8)
    ]
    assert codes[:5] == [503] * 5  # the burst (engine down: kept, 503)
    assert 429 in codes[5:]


def test_health_names_the_failing_parts(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["engine"] == "down" and body["knowledge"] == "not loaded"


def test_openapi_describes_the_chat_and_staff_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/chat/sessions/{session_id}/messages" in paths
    assert "/api/inquiries/{reference}" in paths


def test_websocket_refuses_other_sites_and_wrong_tokens_with_a_reason(
    client: TestClient,
    chat,  # type: ignore[no-untyped-def]
) -> None:
    from starlette.websockets import WebSocketDisconnect

    session_id, headers = chat
    token = headers["Authorization"].split()[1]
    url = f"/api/chat/sessions/{session_id}/ws"
    cases = [
        (f"{url}?token=wrong", {}, 4401),
        (f"/api/chat/sessions/{'0' * 32}/ws?token={token}", {}, 4404),
        (f"{url}?token={token}", {"origin": "https://evil.example"}, 4403),
    ]
    for path, extra, code in cases:
        with client.websocket_connect(path, headers=extra) as ws:
            try:
                ws.receive_json()
            except WebSocketDisconnect as exc:
                assert exc.code == code
            else:
                raise AssertionError(f"{path} was not closed")
    with client.websocket_connect(f"{url}?token={token}", headers={"origin": "http://testserver"}):
        pass


def test_cors_only_for_configured_widget_sites(settings) -> None:  # type: ignore[no-untyped-def]
    from api.main import create_app

    settings.widget_origins = "https://www.lumora-lighting.example"
    with TestClient(create_app(settings)) as client:
        allowed = client.options(
            "/api/chat/sessions",
            headers={
                "Origin": "https://www.lumora-lighting.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert allowed.headers["access-control-allow-origin"] == (
            "https://www.lumora-lighting.example"
        )
        other = client.post("/api/chat/sessions", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_a_chunked_body_over_the_limit_is_413_not_400(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    """No Content-Length (Transfer-Encoding: chunked): the bytes are counted as they come."""
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"text": "'
        for _ in range(16):
            yield b"a" * 65536
        yield b'"}'

    for path in (url, "/api/chat/sessions"):
        response = client.post(
            path, content=chunks(), headers={**headers, "content-type": "application/json"}
        )
        assert response.status_code == 413, path
        assert "at most 65536 bytes" in _detail(response)
    assert client.get(url, headers=headers).json()["messages"] == []


def test_the_413_survives_a_base_http_middleware_between_the_guard_and_the_route(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """Starlette's BaseHTTPMiddleware runs the route in a task group: the guard's 413 comes
    out of it inside an ExceptionGroup (which FastAPI turned into a 400)."""
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware

    from api.main import create_app

    async def passthrough(request, call_next):  # type: ignore[no-untyped-def]
        return await call_next(request)

    app = create_app(settings)
    app.user_middleware.append(Middleware(BaseHTTPMiddleware, dispatch=passthrough))  # innermost
    with TestClient(app) as client:
        response = client.post(
            "/api/chat/sessions",
            content=iter([b"{", b" " * 70000, b"}"]),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413
    assert "at most 65536 bytes" in _detail(response)


def test_invalid_utf8_in_a_json_body_is_422(client: TestClient, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    response = client.post(
        f"/api/chat/sessions/{session_id}/messages",
        content=b'{"text": "caf\xe9 \xff"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "UTF-8" in _detail(response)


def test_control_characters_in_buyer_text_are_removed_newlines_and_tabs_kept(
    client: TestClient,
    chat,  # type: ignore[no-untyped-def]
) -> None:
    session_id, headers = chat
    url = f"/api/chat/sessions/{session_id}/messages"
    sent = "need\x00 500\x1b[31m panels\r\nfor Hamburg\tplease\x7f"
    assert client.post(url, json={"text": sent}, headers=headers).status_code == 503  # kept
    (stored,) = client.get(url, headers=headers).json()["messages"]
    assert stored["text"] == "need 500[31m panels\nfor Hamburg\tplease"
    only_controls = client.post(url, json={"text": "\x00\x01\x02"}, headers=headers)
    assert only_controls.status_code == 422 and "empty" in _detail(only_controls)
    with client.websocket_connect(
        f"{url[: -len('messages')]}ws?token={headers['Authorization'][7:]}"
    ) as ws:
        ws.send_json({"type": "message", "text": "\x00\x00"})
        assert ws.receive_json() == {"type": "error", "detail": "the message is empty"}
