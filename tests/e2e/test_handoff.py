"""End to end with the real engine and the app as processes, Slack faked on loopback: a buyer
asks for a person, a rep takes over in Slack, they talk both ways, the rep hands back and the
bot completes the RFQ; the new inquiry reaches the sales channel once."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from api.settings import Settings
from api.slack.ids import ActionId
from sales.migrate import upgrade
from tests.api.slack.conftest import (
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    block_actions_body,
    event_body,
    sign,
    thread_reply,
)
from tests.fakes.slack import FakeSlack
from tools.stack import Stack, train

from .chat import Buyer
from .conftest import STAFF_TOKEN, free_port

pytestmark = pytest.mark.e2e
REFERENCE = re.compile(r"RFQ-\d{4}-\d{6}")


@dataclass
class SlackStack:
    stack: Stack
    settings: Settings
    base_url: str
    fake: FakeSlack

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60)

    def slack(self, client: httpx.Client, body: str, content_type: str) -> httpx.Response:
        return client.post(
            "/slack/events", content=body, headers={"Content-Type": content_type, **sign(body)}
        )


@pytest.fixture(scope="module")
def slack_stack(tmp_path_factory: pytest.TempPathFactory, kb_index: Path) -> Iterator[SlackStack]:
    model = train()
    work = tmp_path_factory.mktemp("slack-stack")
    with FakeSlack(token=BOT_TOKEN) as fake:
        settings = Settings(
            _env_file=None,
            app_port=free_port(),
            rasa_port=free_port(),
            database_url=f"sqlite:///{work / 'orders.db'}",
            tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
            staff_api_tokens=SecretStr(STAFF_TOKEN),
            kb_index_dir=kb_index,
            chat_rate_burst=50,
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=fake.api_url,
            slack_sales_channel=CHANNEL,
            slack_approvers="U0BOSS0001",
            outbox_poll_s=0.2,
            office_hours="Mon-Sun 00:00-24:00",
            office_tz="UTC",
        )
        upgrade(settings.database_url)
        stack = Stack(settings, model, work / "log")
        stack.start()
        try:
            stack.wait_healthy(timeout=300)
            yield SlackStack(stack, settings, f"http://127.0.0.1:{settings.app_port}", fake)
        finally:
            stack.stop()


ANSWERS = (  # first match wins: the summary before the questions it lists
    (("shall i send", "shall i submit", "is this correct"), None),  # click the affirm button
    (("certification",), "CE and RoHS"),
    (("payment",), "T/T"),
    (("sample",), "no"),
    (("kind of business",), "distributor"),
    (("incoterm",), "CIF"),
    (("by when", "when do you need"), "by 15 March 2027"),
    (("where should the goods go", "destination"), "Hamburg, Germany"),
    (
        ("who should we address",),
        "Jana Weber, Nordlicht Handels GmbH, jana.weber@nordlicht.example",
    ),
    (("your name",), "Jana Weber"),
    (("which company",), "Nordlicht Handels GmbH"),
    (("email",), "jana.weber@nordlicht.example"),
    (("how many", "quantity"), "5,000 pcs"),
    (("product", "model"), "PNL-6060-40W"),
)


def _finish_rfq(buyer: Buyer, last: str, max_turns: int = 20) -> str:
    """Answer whatever the form asks until the inquiry's reference appears."""
    for _ in range(max_turns):
        if match := REFERENCE.search(last):
            return match.group(0)
        lowered = last.lower().rsplit("\n\n", 1)[-1] if "?" in last else last.lower()
        buttons = buyer.last_buttons()
        affirm = next(
            (
                b
                for b in buttons
                if b["payload"] in ("/affirm", "/confirm") or b["title"].startswith("Yes")
            ),
            None,
        )
        for keys, answer in ANSWERS:
            if any(k in lowered for k in keys):
                if answer is None and affirm is not None:
                    last = buyer.reply(payload=affirm["payload"])
                    break
                if answer is not None:
                    last = buyer.reply(answer)
                    break
        else:
            last = buyer.reply(payload=affirm["payload"]) if affirm else buyer.reply("no")
    turns = "\n".join(f"{m['role']}: {m['text']}" for m in buyer.transcript[-16:])
    raise AssertionError(f"no reference after {max_turns} turns:\n{turns}")


def _messages(client: httpx.Client, buyer: Buyer) -> list[dict[str, Any]]:
    response = client.get(f"/api/chat/sessions/{buyer.session_id}/messages", headers=buyer.headers)
    return response.json()["messages"]


def _wait(predicate: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_handoff_to_a_rep_and_back_then_the_bot_completes_the_rfq(slack_stack: SlackStack) -> None:
    fake = slack_stack.fake
    with slack_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply("Hello")
        first = buyer.reply("I need a quotation for 600x600 LED panels")
        assert first
        asked = buyer.say("I'd like to talk to a person please")
        assert asked.status_code == 200, asked.text
        assert asked.json()["mode"] == "waiting_for_agent"
        assert any("colleague" in m["text"] for m in asked.json()["messages"])

        # the summary reaches the sales channel with a Take over button
        root = fake.wait_for(
            lambda: next(
                (c for c in fake.posted(CHANNEL) if ActionId.TAKE_OVER.value in json.dumps(c.args)),
                None,
            ),
            timeout=20,
        )
        root_ts = next(
            ts for (_, ts), m in fake.messages.items() if m["blocks"] == root.args["blocks"]
        )
        take = next(
            e
            for b in root.args["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.TAKE_OVER.value
        )
        response = slack_stack.slack(
            client,
            block_actions_body(
                user="U0REP00001",
                action_id=ActionId.TAKE_OVER.value,
                value=take["value"],
                message_ts=root_ts,
                message_blocks=root.args["blocks"],
            ),
            "application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        _wait(
            lambda: any(
                "Mei from Lumora sales has joined" in m["text"] for m in _messages(client, buyer)
            )
        )

        # the rep writes in the thread; the buyer reads it
        event = thread_reply(
            user="U0REP00001", text="Hi Jana, Mei here. How can I help?", thread_ts=root_ts
        )
        assert (
            slack_stack.slack(
                client, event_body(event, event_id="EvE2E1"), "application/json"
            ).status_code
            == 200
        )
        _wait(
            lambda: any(
                m["role"] == "agent" and m["author"] == "Mei" for m in _messages(client, buyer)
            )
        )

        # the buyer writes; it lands in the thread
        turn = buyer.say("Can you do USD 11.50 per panel for 5,000 pcs?")
        assert turn.status_code == 200 and turn.json()["mode"] == "agent"
        fake.wait_for(
            lambda: [
                c
                for c in fake.posted(CHANNEL)
                if c.args.get("thread_ts") == root_ts and "USD 11.50" in c.args.get("text", "")
            ]
        )

        # the rep hands back; the bot picks the form up again
        notice = fake.wait_for(
            lambda: next(
                (c for c in fake.posted(CHANNEL) if ActionId.HAND_BACK.value in json.dumps(c.args)),
                None,
            )
        )
        notice_ts = next(
            ts for (_, ts), m in fake.messages.items() if m["blocks"] == notice.args["blocks"]
        )
        hand_back = next(
            e
            for b in notice.args["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == ActionId.HAND_BACK.value
        )
        slack_stack.slack(
            client,
            block_actions_body(
                user="U0REP00001",
                action_id=ActionId.HAND_BACK.value,
                value=hand_back["value"],
                message_ts=notice_ts,
                message_blocks=notice.args["blocks"],
            ),
            "application/x-www-form-urlencoded",
        )
        messages = _wait(
            lambda: (
                (found := _messages(client, buyer))
                and any("assistant is back" in m["text"] for m in found)
                and found[-1]["role"] == "bot"
                and found
            )
        )
        back = next(i for i, m in enumerate(messages) if "assistant is back" in m["text"])
        resumed = "\n".join(m["text"] for m in messages[back + 1 :] if m["role"] == "bot")
        assert resumed, messages
        buyer.transcript.extend(messages[back + 1 :])

        reference = _finish_rfq(buyer, resumed)

        # the new inquiry reaches the sales channel exactly once
        fake.wait_for(
            lambda: [c for c in fake.posted(CHANNEL) if reference in c.args.get("text", "")]
        )
        time.sleep(1.0)
        assert len([c for c in fake.posted(CHANNEL) if reference in c.args.get("text", "")]) == 1
        transcript = _messages(client, buyer)
        assert [m["seq"] for m in transcript] == list(range(1, len(transcript) + 1))
