"""A fake Slack Web API and Slack-signed requests (v0 HMAC of the raw body, as Slack signs)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.fakes.slack import FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-0000-secret"
CHANNEL = "C0SALES001"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        yield fake


def sign(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def event_body(event: dict[str, Any], *, event_id: str = "Ev0001") -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": "T0000LUMORA",
            "api_app_id": "A0EXPORTDSK",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0000LUMORA", "user_id": "UBOT000001", "is_bot": True}],
        }
    )


def thread_reply(*, user: str, text: str, thread_ts: str, channel: str = CHANNEL) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
        "thread_ts": thread_ts,
        "channel_type": "channel",
        "event_ts": f"{time.time():.6f}",
    }


def block_actions_body(
    *,
    user: str,
    action_id: str,
    value: str,
    channel: str = CHANNEL,
    message_ts: str = "1.000001",
    message_blocks: list[dict[str, Any]] | None = None,
) -> str:
    payload = {
        "type": "block_actions",
        "user": {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": "T0000LUMORA",
        },
        "api_app_id": "A0EXPORTDSK",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": "1337.42.abcdef",
        "team": {"id": "T0000LUMORA", "domain": "lumora"},
        "channel": {"id": channel, "name": "sales"},
        "message": {
            "type": "message",
            "ts": message_ts,
            "text": "",
            "blocks": message_blocks or [],
        },
        "response_url": "https://hooks.slack.invalid/actions/T0/1/xyz",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "x"},
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(
    *, user: str, callback_id: str, private_metadata: str, values: dict[str, Any]
) -> str:
    payload = {
        "type": "view_submission",
        "team": {"id": "T0000LUMORA", "domain": "lumora"},
        "user": {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": "T0000LUMORA",
        },
        "api_app_id": "A0EXPORTDSK",
        "token": "legacy-verification-token",
        "trigger_id": "1337.43.abcdef",
        "view": {
            "id": "V0000001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
            "hash": "156772938.1827394",
        },
    }
    return urlencode({"payload": json.dumps(payload)})


def command_body(
    *, command: str, text: str, user: str = "U0REP00001", channel: str = CHANNEL
) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0000LUMORA",
            "team_domain": "lumora",
            "channel_id": channel,
            "channel_name": "sales",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0EXPORTDSK",
            "response_url": "https://hooks.slack.invalid/commands/T0/1/xyz",
            "trigger_id": "1337.44.abcdef",
        }
    )
