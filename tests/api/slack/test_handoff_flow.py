"""Handoff through the app and the fake Slack (engine down: the bot's part is the e2e test's):
the thread, take over (signed block_actions), replies both ways, hand back, WebSocket pushes."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient

from api.slack.ids import ActionId, SessionRef
from sales import handoff
from tests.fakes.slack import FakeSlack

from .conftest import CHANNEL, SlackPoster, block_actions_body, thread_reply


def _transcript(client: TestClient, session_id: str, headers: dict[str, str]) -> dict[str, Any]:
    return client.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()


def _wait(predicate, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_handoff_both_ways_through_slack(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    body = slack_app.post("/api/chat/sessions", json={"locale": "en"}).json()
    session_id, headers = body["session_id"], {"Authorization": f"Bearer {body['token']}"}
    db = slack_app.app.state.services.db  # type: ignore[attr-defined]

    with slack_app.websocket_connect(
        f"/api/chat/sessions/{session_id}/ws?token={body['token']}"
    ) as ws:

        async def ask() -> None:
            async with db.session() as session:
                await handoff.request_handoff(
                    session,
                    session_id=session_id,
                    reason="buyer_asked",
                    summary={"wants": "a better price on 5,000 panels"},
                )

        slack_app.portal.call(ask)  # type: ignore[union-attr]
        assert ws.receive_json() == {"type": "mode", "mode": "waiting_for_agent", "language": "en"}
        assert ws.receive_json()["role"] == "system"

        # the handoff summary reaches the sales channel, with a Take over button
        (root,) = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.postMessage"))
        assert root.args["channel"] == CHANNEL
        assert "a better price on 5,000 panels" in json.dumps(root.args["blocks"])
        root_ts = next(ts for (ch, ts) in fake_slack.messages if ch == CHANNEL)
        take = next(
            e
            for b in root.args["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.TAKE_OVER.value
        )

        # Mei takes over
        response = slack.form(
            block_actions_body(
                user="U0REP00001",
                action_id=ActionId.TAKE_OVER.value,
                value=take["value"],
                message_ts=root_ts,
                message_blocks=root.args["blocks"],
            )
        )
        assert response.status_code == 200
        assert ws.receive_json() == {"type": "mode", "mode": "agent", "language": "en"}
        joined = ws.receive_json()
        assert joined["text"] == "Mei from Lumora sales has joined the chat."
        notice = fake_slack.wait_for(
            lambda: [c for c in fake_slack.calls_of("chat.postMessage") if c.args.get("thread_ts")]
        )[0]
        assert notice.args["thread_ts"] == root_ts
        (update,) = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.update"))
        assert "taken over by <@U0REP00001>" in json.dumps(update.args["blocks"])
        assert ActionId.TAKE_OVER.value not in json.dumps(update.args["blocks"])

        # Tom is too late
        slack.form(
            block_actions_body(
                user="U0REP00002",
                action_id=ActionId.TAKE_OVER.value,
                value=SessionRef(session_id=session_id).encode(),
                message_ts=root_ts,
            )
        )
        (late,) = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.postEphemeral"))
        assert late.args["user"] == "U0REP00002" and "U0REP00001" in late.args["text"]

        # Mei replies in the thread: the buyer sees it (Tom's thread note does not reach the buyer)
        slack.event(
            thread_reply(user="U0REP00002", text="internal note", thread_ts=root_ts), event_id="Ev1"
        )
        slack.event(
            thread_reply(
                user="U0REP00001", text="Hi, I'm Mei. 5,000 pcs at USD 11.80?", thread_ts=root_ts
            ),
            event_id="Ev2",
        )
        agent = ws.receive_json()
        assert agent["role"] == "agent" and agent["author"] == "Mei"
        assert agent["text"] == "Hi, I'm Mei. 5,000 pcs at USD 11.80?"

        # the buyer answers: into the thread, in order
        for text in ("Sounds good", "Can you ship to Hamburg by March?"):
            turn = slack_app.post(
                f"/api/chat/sessions/{session_id}/messages", json={"text": text}, headers=headers
            )
            assert turn.status_code == 200 and turn.json()["mode"] == "agent"
        in_thread = fake_slack.wait_for(
            lambda: (
                (
                    found := [
                        c
                        for c in fake_slack.calls_of("chat.postMessage")
                        if c.args.get("thread_ts") == root_ts and "Buyer" in c.args.get("text", "")
                    ]
                )
                and len(found) == 2
                and found
            )
        )
        assert [c.args["text"] for c in in_thread] == [
            "Buyer: Sounds good",
            "Buyer: Can you ship to Hamburg by March?",
        ]

        # Mei hands back
        hand_back = next(
            e
            for b in notice.args["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.HAND_BACK.value
        )
        notice_ts = next(ts for (_ch, ts), m in fake_slack.messages.items() if m.get("thread_ts"))
        slack.form(
            block_actions_body(
                user="U0REP00001",
                action_id=ActionId.HAND_BACK.value,
                value=hand_back["value"],
                message_ts=notice_ts,
                message_blocks=notice.args["blocks"],
            )
        )
        seen = [ws.receive_json() for _ in range(4)]
        kinds = [e["type"] for e in seen]
        assert {"type": "mode", "mode": "bot", "language": "en"} in seen
        assert any("assistant is back" in e.get("text", "") for e in seen)
        assert kinds.count("message") >= 2

    transcript = _transcript(slack_app, session_id, headers)
    assert transcript["mode"] == "bot"
    roles = [m["role"] for m in transcript["messages"]]
    assert roles.count("agent") == 1 and "internal note" not in json.dumps(transcript)
    assert [m["seq"] for m in transcript["messages"]] == list(range(1, len(roles) + 1))
