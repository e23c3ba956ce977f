"""bot/action_calls.py: the action webhook's answers are checked by a validator built once, with
the verdicts and error messages of Rasa's own check, and bot/serve.py installs it before `rasa
run` starts. Runs in the engine's Python (Rasa is installed there only)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.bot.engine_script import run_engine_script

pytestmark = pytest.mark.engine

SCRIPT = r"""
import json, runpy, sys
sys.path.insert(0, ".")
from jsonschema import ValidationError
import rasa.__main__
from rasa.core.actions.action import RemoteAction

ANSWERS = json.loads(sys.stdin.read())


def verdicts(action):
    out = []
    for answer in ANSWERS:
        try:
            out.append(["ok", action._validate_action_result(answer)])
        except ValidationError as exc:
            out.append(["error", exc.message])
    return out


action = RemoteAction("action_extract_rfq_facts", None)
before = verdicts(action)

from bot import action_calls

# bot/serve.py installs the check before it hands over to `rasa run` (not started here)
rasa.__main__.main = lambda: None
sys.argv = ["serve.py"]
runpy.run_path("bot/serve.py", run_name="__main__")
installed = RemoteAction._validate_action_result is action_calls.validate_action_result
after = verdicts(RemoteAction("validate_rfq_form", None))
once = action_calls.response_validator() is action_calls.response_validator()
fast = [action_calls.events_by_type().accepts(answer) for answer in ANSWERS]
print(json.dumps(
    {"before": before, "after": after, "installed": installed, "once": once, "fast": fast}
))
"""

ANSWERS: list[Any] = [
    {},
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "quantity", "value": {"amount": "500"}, "timestamp": None},
            {"event": "bot", "text": "Noted.", "data": {}, "metadata": {}},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"text": "Which port?", "buttons": []}],
    },
    {"events": {"event": "slot"}},  # not a list
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},  # no slot name
    {"responses": ["a text, not an object"]},
    {"events": [{"event": "user", "text": 3}]},
]

# Events of many types as actions send them (rasa_sdk's events), each also corrupted in the ways
# an answer can go wrong: the checks by type must give Rasa's verdict and error for every one.
EVENTS: list[dict[str, Any]] = [
    {"event": "slot", "name": "quantity", "value": {"amount": "500"}, "timestamp": None},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "bot", "text": "Which port?", "data": {"buttons": []}, "metadata": {}},
    {"event": "action", "name": "action_listen", "policy": None, "confidence": None},
    {"event": "active_loop", "name": "rfq_form"},
    {"event": "active_loop", "name": None},
    {"event": "followup", "name": "action_rfq_summary"},
    {"event": "reset_slots"},
    {"event": "restart", "timestamp": 12.5},
    {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}, "entities": []}},
    {"event": "action_execution_rejected", "name": "rfq_form"},
    {"event": "session_started", "metadata": None},
    {"event": "reminder", "intent": "remind", "date_time": "2027-01-01T00:00:00"},
]
CORRUPTIONS: list[tuple[str, Any]] = [
    ("event", None),  # dropped
    ("event", "no_such_event"),
    ("event", 7),
    ("timestamp", "yesterday"),
    ("metadata", []),
    ("name", 3),
    ("text", {"a": 1}),
    ("value", "kept as is"),  # any value is allowed: stays valid
    ("parse_data", "not an object"),
]


def _generated() -> list[Any]:
    answers: list[Any] = [{"events": EVENTS, "responses": [{"text": "Which port?"}]}]
    for event in EVENTS:
        for key, bad in CORRUPTIONS:
            changed = {k: v for k, v in event.items() if k != key}
            if bad is not None:
                changed[key] = bad
            answers.append({"events": [EVENTS[0], changed], "responses": []})
    answers += [[], "text", {"events": [1, 2]}, {"responses": {"text": "x"}}, {"events": None}]
    return answers


def test_same_verdicts_as_rasa_and_installed_by_serve() -> None:
    answer = run_engine_script(
        SCRIPT,
        env={
            "RASA_AUTH_TOKEN": "test-api-token-0123",
            "ENGINE_CHANNEL_TOKEN": "test-channel-token-0123",
        },
        stdin=json.dumps(ANSWERS),
    )
    assert answer["installed"] and answer["once"]
    assert answer["after"] == answer["before"]
    kinds = [verdict[0] for verdict in answer["before"]]
    assert kinds == ["ok", "ok", "ok", "error", "error", "error", "error", "error"]
    assert answer["fast"] == [kind == "ok" for kind in kinds]


def test_checks_by_event_type_give_rasas_verdicts_and_errors() -> None:
    answers = _generated()
    answer = run_engine_script(
        SCRIPT,
        env={
            "RASA_AUTH_TOKEN": "test-api-token-0123",
            "ENGINE_CHANNEL_TOKEN": "test-channel-token-0123",
        },
        stdin=json.dumps(answers),
    )
    assert answer["after"] == answer["before"]
    kinds = [verdict[0] for verdict in answer["before"]]
    # both kinds are there: the valid ones took the checks by type, the others the whole schema
    assert kinds.count("ok") > 10 and kinds.count("error") > 30
    # every valid answer was known valid by the checks by type, no invalid one
    assert answer["fast"] == [kind == "ok" for kind in kinds]


KEEP_ALIVE_SCRIPT = r"""
import asyncio, json, sys
sys.path.insert(0, ".")
from aiohttp import web
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot import action_calls

seen = {"connections": set(), "auth": set()}


async def webhook(request):
    seen["connections"].add(request.transport.get_extra_info("peername")[1])
    seen["auth"].add(request.headers.get("Authorization"))
    body = await request.json()
    if body.get("reject"):
        return web.json_response({"error": "no", "action_name": "x"}, status=400)
    return web.json_response({"events": [], "responses": [{"text": body["n"]}]})


async def calls(endpoint, count):
    answers = [await endpoint.request(json={"n": str(i)}, method="post") for i in range(count)]
    return [a["responses"][0]["text"] for a in answers]


async def main():
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/webhook"
    out = {}

    plain = EndpointConfig(url, headers={"Authorization": "Bearer t-0123"})
    out["plain_answers"] = await calls(plain, 3)
    out["plain_connections"] = len(seen["connections"])

    action_calls.install()
    action_calls.install()  # once is enough: a second call changes nothing
    endpoint = EndpointConfig(url, headers={"Authorization": "Bearer t-0123"})
    RemoteAction("action_extract_rfq_facts", endpoint)
    RemoteAction("validate_rfq_form", endpoint)
    seen["connections"].clear()
    out["kept_answers"] = await calls(endpoint, 3)
    out["kept_connections"] = len(seen["connections"])
    try:
        await endpoint.request(json={"reject": True}, method="post")
        out["rejected"] = None
    except ClientResponseError as exc:
        out["rejected"] = exc.status
    await asyncio.sleep(action_calls.KEEPALIVE_S + 1.0)  # idle longer than kept
    await calls(endpoint, 1)
    out["after_idle_connections"] = len(seen["connections"])
    out["auth"] = sorted(seen["auth"])
    out["sessions_open"] = len(action_calls._sessions)

    class Ctx:
        agent = None

    class App:
        ctx = Ctx()

    await rasa_run.close_resources(App(), asyncio.get_running_loop())
    out["sessions_after_stop"] = len(action_calls._sessions)
    await runner.cleanup()
    print(json.dumps(out))


asyncio.run(main())
"""


def test_webhook_calls_share_kept_alive_connections_closed_with_the_server() -> None:
    out = run_engine_script(KEEP_ALIVE_SCRIPT)
    # Rasa's own request: a connection a call
    assert out["plain_answers"] == ["0", "1", "2"] and out["plain_connections"] == 3
    # kept alive: the same answers over one connection, the endpoint's headers on each call,
    # a 400 raised as before
    assert out["kept_answers"] == ["0", "1", "2"] and out["kept_connections"] == 1
    assert out["rejected"] == 400
    assert out["auth"] == ["Bearer t-0123"]
    # an idle connection is not kept past KEEPALIVE_S (the app closes its own after 5 s)
    assert out["after_idle_connections"] == 2
    assert out["sessions_open"] == 1 and out["sessions_after_stop"] == 0
