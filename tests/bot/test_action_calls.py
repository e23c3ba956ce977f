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
print(json.dumps({"before": before, "after": after, "installed": installed, "once": once}))
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
