"""Messages kept while the engine is down, turns whose answer timed out, repeated messages
(issue 14, finding 5), on a stack of its own: the engine is stopped, frozen and restarted here,
which the shared stack's other tests must not see."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, text

from api.settings import Settings
from sales.migrate import upgrade
from tools.stack import Stack, free_port, train

from .conftest import STAFF_TOKEN, RunningStack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory, kb_index: Path) -> Iterator[RunningStack]:
    work = tmp_path_factory.mktemp("replay-stack")
    settings = Settings(
        _env_file=None,
        app_port=free_port(),
        rasa_port=free_port(),
        database_url=f"sqlite:///{work / 'orders.db'}",
        tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        kb_index_dir=kb_index,
        chat_rate_burst=50,
        engine_timeout_s=4.0,
        chat_replay_interval_s=1.0,
    )
    upgrade(settings.database_url)
    stack = Stack(settings, train(), work / "log")
    stack.start()
    try:
        stack.wait_healthy(timeout=300)
        yield RunningStack(stack, settings, f"http://127.0.0.1:{settings.app_port}")
    finally:
        stack.stop()


def _rows(url: str, sql: str, **params: object) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _user_turns(stack: RunningStack, session_id: str) -> list[str]:
    """The message ids of the buyer turns the engine recorded for the session."""
    rows = _rows(
        stack.settings.tracker_store_url,
        "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'",
        s=session_id,
    )
    return [json.loads(str(data)).get("message_id") for (data,) in rows]


def _session(client: httpx.Client) -> tuple[str, dict[str, str]]:
    body = client.post("/api/chat/sessions", json={"locale": "en"}).json()
    return body["session_id"], {"Authorization": f"Bearer {body['token']}"}


def _transcript(client: httpx.Client, session_id: str, headers: dict[str, str]) -> list[dict]:
    response = client.get(f"/api/chat/sessions/{session_id}/messages", headers=headers)
    response.raise_for_status()
    return list(response.json()["messages"])


def _wait(condition, timeout: float = 120.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("condition not met in time")


def _outbox(stack: RunningStack, topic: str, session_id: str) -> int:
    rows = _rows(
        stack.settings.database_url,
        "SELECT payload FROM outbox WHERE topic = :t",
        t=topic,
    )
    return sum(session_id in str(payload) for (payload,) in rows)


@contextlib.contextmanager
def _frozen_engine(stack: Stack) -> Iterator[None]:
    """The engine stops answering (SIGSTOP, the whole process group) and comes back after."""
    pid = stack.procs["engine"].pid
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


def test_messages_kept_while_the_engine_is_down_are_replayed_and_sales_is_told(
    own_stack: RunningStack,
) -> None:
    with own_stack.client() as client:
        session_id, headers = _session(client)
        own_stack.stack.stop_engine()
        try:
            for text_ in ("Hello", "Do you make LED panels?"):
                response = client.post(
                    f"/api/chat/sessions/{session_id}/messages",
                    json={"text": text_},
                    headers=headers,
                )
                assert response.status_code == 503
            assert _outbox(own_stack, "chat.kept", session_id) == 1  # once per outage
        finally:
            own_stack.stack.start_engine()
        own_stack.stack.wait_healthy(timeout=300)
        # nobody writes again: the replay job answers both, in order

        def all_answered() -> bool:
            waiting = _rows(
                own_stack.settings.database_url,
                "SELECT count(*) FROM chat_messages WHERE session_id = :s AND role = 'buyer'"
                " AND handled = :f",
                s=session_id,
                f=False,
            )
            return waiting[0][0] == 0

        _wait(all_answered)
        messages = _transcript(client, session_id, headers)
    roles = [m["role"] for m in messages]
    assert roles[:2] == ["buyer", "buyer"] and roles.count("buyer") == 2
    assert _user_turns(own_stack, session_id) == [f"{session_id}-1", f"{session_id}-2"]
    _wait(lambda: _outbox(own_stack, "chat.replayed", session_id) == 1)


def test_a_turn_whose_answer_timed_out_runs_once_and_its_repeat_gets_the_answer(
    own_stack: RunningStack,
) -> None:
    client_id = uuid.uuid4().hex
    with own_stack.client() as client:
        session_id, headers = _session(client)
        url = f"/api/chat/sessions/{session_id}/messages"
        body = {"text": "Do you make LED panels?", "client_message_id": client_id}
        with _frozen_engine(own_stack.stack):
            assert client.post(url, json=body, headers=headers).status_code == 503
        # the engine resumes and runs the turn it had been sent; the client sends it again
        again = client.post(url, json=body, headers=headers)
        assert again.status_code == 200, again.text
        answer = again.json()["messages"]
        assert answer and all(m["role"] == "bot" for m in answer)
        third = client.post(url, json=body, headers=headers)
        assert third.status_code == 200
        assert third.json()["messages"] == answer
        messages = _transcript(client, session_id, headers)
    assert [m["role"] for m in messages].count("buyer") == 1
    assert [m["seq"] for m in messages if m["role"] == "bot"] == [m["seq"] for m in answer]
    assert _user_turns(own_stack, session_id) == [f"{session_id}-1"]


def test_a_repeated_client_message_id_returns_the_first_answer(own_stack: RunningStack) -> None:
    with own_stack.client() as client:
        session_id, headers = _session(client)
        url = f"/api/chat/sessions/{session_id}/messages"
        body = {"text": "Hello", "client_message_id": "m-1"}
        first = client.post(url, json=body, headers=headers)
        assert first.status_code == 200, first.text
        repeat = client.post(url, json=body, headers=headers)
        assert repeat.status_code == 200
        assert repeat.json()["messages"] == [
            m for m in first.json()["messages"] if m["role"] == "bot"
        ]
        other = client.post(
            url,
            json={"text": "Do you make LED panels?", "client_message_id": "m-2"},
            headers=headers,
        )
        assert other.status_code == 200
        messages = _transcript(client, session_id, headers)
    assert [m["text"] for m in messages if m["role"] == "buyer"] == [
        "Hello",
        "Do you make LED panels?",
    ]
    turns = _user_turns(own_stack, session_id)
    assert len(turns) == 2 and turns[0] == f"{session_id}-1"
