"""POST /slack/events: Slack's signature is checked (401 otherwise, nothing changes), events
act once despite Slack's retries, slash commands answer only the asker."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal

from fastapi.testclient import TestClient

from api.slack.ids import ActionId, SessionRef
from tests.fakes.slack import FakeSlack

from .conftest import (
    STAFF_TOKEN,
    SlackPoster,
    block_actions_body,
    command_body,
    event_body,
    sign,
    thread_reply,
)


def _new_chat(client: TestClient) -> tuple[str, dict[str, str]]:
    body = client.post("/api/chat/sessions", json={"locale": "en"}).json()
    return body["session_id"], {"Authorization": f"Bearer {body['token']}"}


def _mode(client: TestClient, session_id: str, headers: dict[str, str]) -> str:
    return client.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()["mode"]


def test_wrong_or_stale_signature_is_refused_and_changes_nothing(
    slack_app: TestClient, fake_slack: FakeSlack
) -> None:
    session_id, headers = _new_chat(slack_app)
    body = block_actions_body(
        user="U0REP00001",
        action_id=ActionId.TAKE_OVER.value,
        value=SessionRef(session_id=session_id).encode(),
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    wrong = slack_app.post(
        "/slack/events", content=body, headers={**form, **sign(body, secret="nope")}
    )
    stale = slack_app.post(
        "/slack/events",
        content=body,
        headers={**form, **sign(body, timestamp=int(time.time()) - 600)},
    )
    unsigned = slack_app.post("/slack/events", content=body, headers=form)
    assert [wrong.status_code, stale.status_code, unsigned.status_code] == [401, 401, 401]
    time.sleep(0.3)
    assert _mode(slack_app, session_id, headers) == "bot"
    assert fake_slack.calls_of("chat.postMessage") == []


def test_url_verification_is_answered(slack: SlackPoster) -> None:
    body = json.dumps(
        {
            "token": "t",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    response = slack.post(body, content_type="application/json")
    assert response.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.text


def test_slack_disabled_the_app_still_runs(slack_settings) -> None:  # type: ignore[no-untyped-def]
    from api.main import create_app

    disabled = slack_settings.model_copy(
        update={"slack_bot_token": None, "slack_signing_secret": None}
    )
    with TestClient(create_app(disabled)) as client:
        assert client.post("/slack/events", content="{}").status_code == 404
        assert client.post("/api/chat/sessions", json={}).status_code == 201


def _inquiry(client: TestClient) -> str:

    from sales import inquiries
    from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft

    db = client.app.state.services.db  # type: ignore[attr-defined]

    async def create() -> str:
        async with db.session() as session:
            inquiry, _ = await inquiries.create(
                session,
                draft=InquiryDraft(
                    items=(ItemDraft(description="LED high bay 150W", quantity=Decimal(800)),),
                    buyer=BuyerDraft(
                        company="Andes Iluminación SA", email="compras@andes.example", country="CL"
                    ),
                    lead_score=55,
                ),
            )
            return inquiry.reference

    return client.portal.call(create)  # type: ignore[union-attr]


def test_rfq_command_shows_one_inquiry_or_the_latest_only_to_the_asker(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    reference = _inquiry(slack_app)
    assert slack.form(command_body(command="/rfq", text=reference.lower())).status_code == 200
    assert slack.form(command_body(command="/rfq", text="")).status_code == 200
    assert slack.form(command_body(command="/rfq", text="RFQ-1999-000001")).status_code == 200
    calls = fake_slack.wait_for(
        lambda: (
            len(fake_slack.calls_of("chat.postEphemeral")) >= 3
            and fake_slack.calls_of("chat.postEphemeral")
        )
    )
    assert all(c.args["user"] == "U0REP00001" for c in calls)
    texts = " ".join(json.dumps(c.args) for c in calls)
    assert (
        f"Inquiry {reference}" in texts
        and "Andes Iluminaci" in texts
        and "Latest 1 inquiries" in texts
    )
    assert "No inquiry RFQ-1999-000001" in texts
    assert not [
        c for c in fake_slack.calls_of("chat.postMessage") if "Inquiry " in c.args.get("text", "")
    ]


@dataclass
class _Hit:
    text: str
    source: str
    score: float


class _KB:
    def search(self, q: str, k: int = 5) -> list[_Hit]:
        return [
            _Hit(
                f"PNL-6060-40W carries CE and RoHS ({q})", "catalog/panels.yaml#PNL-6060-40W", 0.91
            )
        ][:k]


def test_kb_command_answers_ephemerally(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    slack_app.app.state.services.kb = _KB()  # type: ignore[attr-defined]
    response = slack.form(
        command_body(command="/kb", text="is the panel CE certified?", user="U0REP00002")
    )
    assert response.status_code == 200
    (call,) = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.postEphemeral"))
    assert call.args["user"] == "U0REP00002"
    assert "catalog/panels.yaml#PNL-6060-40W" in json.dumps(call.args["blocks"])
    empty = slack.form(command_body(command="/kb", text=""))
    assert "Usage" in empty.text


def test_commands_ack_within_three_seconds(slack: SlackPoster) -> None:
    started = time.monotonic()
    assert slack.form(command_body(command="/rfq", text="")).status_code == 200
    assert time.monotonic() - started < 3


def test_an_event_retried_by_slack_acts_once(slack_app: TestClient, slack: SlackPoster) -> None:
    import asyncio  # noqa: F401

    from api.slack import threads as slack_threads
    from sales import handoff

    session_id, headers = _new_chat(slack_app)
    db = slack_app.app.state.services.db  # type: ignore[attr-defined]

    async def rep_has_it() -> None:
        async with db.session() as session:
            await handoff.take_over(
                session, session_id=session_id, rep_id="U0REP00001", rep_name="Mei"
            )
            await slack_threads.remember_thread(
                session, session_id=session_id, channel="C0SALES001", thread_ts="1700000000.000100"
            )

    slack_app.portal.call(rep_has_it)  # type: ignore[union-attr]
    event = thread_reply(
        user="U0REP00001", text="Hello &lt;Jana&gt;, I can help", thread_ts="1700000000.000100"
    )
    assert slack.event(event, event_id="Ev0RETRY01").status_code == 200
    assert slack.event(event, event_id="Ev0RETRY01", retry=1).status_code == 200
    assert slack.event(event, event_id="Ev0RETRY01", retry=2).status_code == 200

    def agent_messages() -> list[dict]:
        messages = slack_app.get(
            f"/api/chat/sessions/{session_id}/messages", headers=headers
        ).json()["messages"]
        return [m for m in messages if m["role"] == "agent"]

    deadline = time.monotonic() + 5
    while not agent_messages() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    (message,) = agent_messages()
    assert message["text"] == "Hello <Jana>, I can help" and message["author"] == "Mei"
    assert event_body  # the helpers build Slack's real envelope
    assert STAFF_TOKEN
