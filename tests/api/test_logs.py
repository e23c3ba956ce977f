from __future__ import annotations

import io
import json
import logging

from api.logs import JsonFormatter, session_id_var


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
