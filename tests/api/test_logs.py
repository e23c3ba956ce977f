from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from api.logs import JsonFormatter, session_id_var
from tools.stack import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_json_lines_with_session_id_and_masked_secrets() -> None:
    formatter = JsonFormatter(frozenset({"s3cr3t-token-value"}))
    token = session_id_var.set("abc123")
    try:
        record = logging.LogRecord(
            "x", logging.INFO, __file__, 1, "sent %s", ("s3cr3t-token-value",), None
        )
        record.path = "/api/chat"
        line = formatter.format(record)
    finally:
        session_id_var.reset(token)
    entry = json.loads(line)
    assert entry["session_id"] == "abc123"
    assert entry["event"] == "sent ***"
    assert entry["path"] == "/api/chat"
    assert "s3cr3t" not in line


def test_query_strings_and_credentials_are_masked_whatever_logger_writes_them() -> None:
    formatter = JsonFormatter()
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/api/chat/sessions/abc/ws?token=tok-123_x"), None,
    )  # fmt: skip
    record.sent = "Authorization: Bearer abc.def token=zzz9"
    record.session_token = "zzz9"
    line = formatter.format(record)
    entry = json.loads(line)
    assert entry["event"] == '127.0.0.1:5000 - "WebSocket /api/chat/sessions/abc/ws?***" [accepted]'
    assert entry["sent"] == "Authorization: Bearer *** token=***"
    assert entry["session_token"] == "***"
    assert "tok-123" not in line and "zzz9" not in line and "abc.def" not in line
    question = logging.LogRecord("x", logging.INFO, __file__, 1, "Is it IP65? 2=2", (), None)
    assert json.loads(formatter.format(question))["event"] == "Is it IP65? 2=2"


def test_access_log_never_contains_the_query_string(client, chat) -> None:  # type: ignore[no-untyped-def]
    session_id, headers = chat
    token = headers["Authorization"].split()[1]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        client.get(
            f"/api/chat/sessions/{session_id}/messages?after=0&token={token}", headers=headers
        )
    finally:
        logging.getLogger().removeHandler(handler)
    # the app's own lines (the test client's httpx logs its request URL on its side)
    lines = [
        entry
        for entry in map(json.loads, stream.getvalue().splitlines())
        if entry["logger"].startswith(("api", "actions", "sales", "uvicorn"))
    ]
    requests = [e for e in lines if e["event"] == "request"]
    assert requests and requests[-1]["path"] == f"/api/chat/sessions/{session_id}/messages"
    assert all(token not in json.dumps(entry) for entry in lines)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited: {proc.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.2)
    raise AssertionError("the app did not start listening")


def test_uvicorn_serving_the_websocket_never_logs_the_buyers_token(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The app as `make run` starts it (uvicorn, factory, access log on): uvicorn's own lines
    about the socket ("WebSocket /api/chat/sessions/…/ws?token=… [accepted]") go through our
    JSON log and carry no token."""
    from websockets.sync.client import connect

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "RASA_PORT": str(settings.rasa_port),
        "KB_INDEX_DIR": str(tmp_path / "no-index"),
        "STAFF_API_TOKENS": "",
        "LOG_LEVEL": "INFO",
    }
    log_path = tmp_path / "app.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for_port(port, proc)
            base = f"http://127.0.0.1:{port}"
            created = httpx.post(f"{base}/api/chat/sessions", json={"locale": "en"}).json()
            session_id, token = created["session_id"], created["token"]
            url = f"ws://127.0.0.1:{port}/api/chat/sessions/{session_id}/ws?token={token}"
            with connect(url) as ws:
                ws.send(json.dumps({"type": "hello"}))
                assert json.loads(ws.recv(timeout=10))["type"] == "error"
            with connect(url + "x") as ws, contextlib.suppress(Exception):
                ws.recv(timeout=10)  # 4401: a wrong token is no more logged than a right one
            httpx.get(f"{base}/api/chat/sessions/{session_id}/messages?token={token}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    output = log_path.read_text()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    accepted = [e for e in lines if e["logger"].startswith("uvicorn") and "WebSocket" in e["event"]]
    assert accepted, output[-3000:]  # uvicorn did log the socket, through our JSON formatter
    assert all(f"/api/chat/sessions/{session_id}/ws?***" in e["event"] for e in accepted)
    assert token not in output
