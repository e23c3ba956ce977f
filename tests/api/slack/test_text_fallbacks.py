"""Buyer (and user) text is escaped in the notification ``text`` of every Slack message, not
only in its blocks: Slack reads ``text`` as mrkdwn, so a raw ``<!channel>`` would ping the
whole channel and ``<https://evil.example|invoice>`` would forge a link."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from api.slack import blocks
from tests.fakes.slack import FakeSlack

from .conftest import SlackPoster, command_body

PING = "<!channel> & <https://evil.example|pay here>"
ESCAPED = "&lt;!channel&gt; &amp; &lt;https://evil.example|pay here&gt;"


def _no_raw_markup(message: blocks.Message) -> None:
    assert "<!channel>" not in message.text and "<https://evil" not in message.text
    assert ESCAPED in message.text


def test_new_inquiry_text_escapes_the_company() -> None:
    record = {"reference": "RFQ-2026-000001", "buyer": {"company": PING}, "items": []}
    _no_raw_markup(blocks.inquiry_message(record))
    by_email = {"reference": "RFQ-2026-000002", "buyer": {"email": PING}, "items": []}
    _no_raw_markup(blocks.inquiry_message(by_email))


def test_handoff_text_escapes_who_the_buyer_is() -> None:
    message = blocks.handoff_message(
        session_id="s1", reason="asked for a person", summary={"who": PING}
    )
    _no_raw_markup(message)


def test_buyer_message_text_escapes_the_text_and_the_name() -> None:
    _no_raw_markup(blocks.buyer_message(PING, name="Jana"))
    named = blocks.buyer_message("hello", name=PING)
    assert "<!channel>" not in named.text and ESCAPED in named.text
    long = blocks.buyer_message("<" * 5000)
    assert len(long.text) <= 3000 and "<" not in long.text


def test_rfq_command_for_an_unknown_reference_escapes_what_was_typed(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    assert slack.form(command_body(command="/rfq", text="<!channel>")).status_code == 200
    (call,) = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.postEphemeral"))
    assert call.args["text"] == "No inquiry &lt;!CHANNEL&gt;."
    assert "<!" not in json.dumps(call.args)
