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
from tools.stack import free_port

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


# -- the app with Slack pointed at the fake --------------------------------------------------

STAFF_TOKEN = "staff-token-for-tests-0123456789"


@pytest.fixture
def slack_settings(migrated_sqlite_url: str, tmp_path, fake_slack: FakeSlack):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    from api.settings import Settings

    return Settings(
        _env_file=None,
        database_url=migrated_sqlite_url,
        rasa_port=free_port(),  # nothing listens: the engine is "down"
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        kb_index_dir=tmp_path / "no-index",
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=fake_slack.api_url,
        slack_sales_channel=CHANNEL,
        slack_approvers="U0BOSS0001,U0REP00002",
        outbox_poll_s=0.05,
        outbox_backoff_base_s=0.05,
        outbox_backoff_max_s=0.2,
        office_hours="Mon-Sun 00:00-24:00",
        office_tz="UTC",
    )


@pytest.fixture
def slack_app(slack_settings):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app(slack_settings)) as client:
        yield client


class SlackPoster:
    """Sends Slack-signed requests to the app's one Slack URL."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(self, body: str, *, content_type: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            "/slack/events",
            content=body,
            headers={"Content-Type": content_type, **sign(body), **(headers or {})},
        )

    def event(self, event: dict[str, Any], *, event_id: str, retry: int | None = None) -> Any:
        headers = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(
            event_body(event, event_id=event_id), content_type="application/json", headers=headers
        )

    def form(self, body: str) -> Any:
        return self.post(body, content_type="application/x-www-form-urlencoded")


@pytest.fixture
def slack(slack_app) -> SlackPoster:  # type: ignore[no-untyped-def]
    return SlackPoster(slack_app)
