"""A sales rep's reply reaches the buyer's widget by a WebSocket push, without a reload, through
the real path: the buyer asks for a person in the widget, the app posts the handoff to Slack (a
fake Web API on loopback), a rep clicks "Take over" and replies in the thread (signed requests to
the app's /slack/events), then hands back to the assistant."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Request, WebSocket, expect

from api.slack.ids import ActionId
from tests.api.slack.conftest import CHANNEL, block_actions_body, event_body, thread_reply
from tests.browser.conftest import DESKTOP, WidgetPage
from tests.e2e.test_handoff import SlackStack, slack_stack  # noqa: F401 - the module's stack
from tests.fakes.slack import Call, FakeSlack

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

WAIT_MS = 30_000
WAIT_S = 30.0
REP = "U0REP00001"  # "Mei" in the fake Slack's user directory
REPLY = "Hi Jana, Mei here. Happy to help with the panels - what quantity do you need?"


class Observed:
    """What the page did on the wire: WebSocket frames received, transcript fetches, loads."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.fetches: list[str] = []  # GET .../messages (the widget's sync and polling)
        self.loads = 0

    def attach(self, wp: WidgetPage) -> None:
        def on_ws(ws: WebSocket) -> None:
            ws.on("framereceived", lambda payload: self.frames.append(_text(payload)))

        def on_request(request: Request) -> None:
            if request.method == "GET" and re.search(r"/messages(\?|$)", request.url):
                self.fetches.append(request.url)

        def on_navigated(frame: Any) -> None:
            if frame == wp.page.main_frame:
                self.loads += 1

        wp.page.on("websocket", on_ws)
        wp.page.on("request", on_request)
        wp.page.on("framenavigated", on_navigated)

    def pushed(self, needle: str) -> list[dict[str, Any]]:
        found = []
        for frame in self.frames:
            try:
                data = json.loads(frame)
            except ValueError:
                continue
            if isinstance(data, dict) and needle in json.dumps(data):
                found.append(data)
        return found


def _text(payload: str | bytes) -> str:
    return payload.decode() if isinstance(payload, bytes) else payload


@pytest.fixture
def buyer_page(
    browser: Browser,
    slack_stack: SlackStack,  # noqa: F811 - the fixture imported above
) -> Iterator[tuple[WidgetPage, Observed]]:
    """The demo page of the Slack-connected stack in a fresh browser context."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    wp = WidgetPage(page, context, slack_stack.base_url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            wp.console_errors.append(message.text)
            if "Content Security Policy" in message.text:
                wp.csp_violations.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: wp.console_errors.append(f"pageerror: {error}"))
    observed = Observed()
    observed.attach(wp)
    try:
        yield wp, observed
    finally:
        context.close()


def test_a_reps_slack_reply_is_pushed_into_the_open_widget(
    buyer_page: tuple[WidgetPage, Observed],
    slack_stack: SlackStack,  # noqa: F811 - the fixture imported above
    artifacts_dir: Path,
) -> None:
    wp, observed = buyer_page
    fake = slack_stack.fake
    wp.goto().open()
    wp.page.evaluate("() => { window.__sameDocument = true; }")

    wp.send("Hello")
    expect(wp.bot_bubbles().last).to_contain_text(re.compile("welcome", re.I), timeout=WAIT_MS)

    # the buyer asks for a person: the widget says a colleague is asked and waits for one
    wp.send("I'd like to talk to a person")
    asked = wp.log.locator(".notice").filter(has_text="asked a colleague from Lumora sales")
    try:
        expect(asked).to_have_count(1, timeout=WAIT_MS)
    except AssertionError as exc:
        shown = wp.texts(wp.log.locator(".msg .bubble, .notice"))
        raise AssertionError(f"no handoff; the widget shows: {shown}") from exc
    # the waiting state shows in the header's subtitle, not as a line in the log
    expect(wp.panel.get_by_text("Waiting for a member of our sales team")).to_be_visible(
        timeout=WAIT_MS
    )
    # the widget's WebSocket is up: the buyer's own message came back over it
    _until(wp, lambda: bool(observed.pushed("talk to a person")))

    # the handoff reaches the sales channel with a Take over button
    root, root_ts = fake.wait_for(lambda: _posted_with(fake, ActionId.TAKE_OVER), WAIT_S)
    take = _button(root, ActionId.TAKE_OVER)

    with slack_stack.client() as client:
        # the rep clicks "Take over": the page is told without asking
        taken = slack_stack.slack(
            client,
            block_actions_body(
                user=REP,
                action_id=ActionId.TAKE_OVER.value,
                value=take["value"],
                message_ts=root_ts,
                message_blocks=root.args["blocks"],
            ),
            "application/x-www-form-urlencoded",
        )
        assert taken.status_code == 200, taken.text
        joined = wp.log.locator(".notice").filter(
            has_text="Mei from Lumora sales has joined the chat"
        )
        expect(joined).to_have_count(1, timeout=WAIT_MS)
        expect(wp.panel.get_by_text(re.compile("You are chatting with"))).to_be_visible(
            timeout=WAIT_MS
        )
        assert observed.pushed("has joined"), "the joining note came over the WebSocket"

        # the rep replies in the Slack thread; no transcript fetch happens until it shows
        wp.page.evaluate("1")  # deliver the events the page has sent so far
        fetches_before = len(observed.fetches)
        assert fetches_before, "the recorder sees the widget's transcript fetches"
        event = thread_reply(user=REP, text=REPLY, thread_ts=root_ts)
        replied = slack_stack.slack(
            client, event_body(event, event_id="EvBrowserRep1"), "application/json"
        )
        assert replied.status_code == 200, replied.text

        agent = wp.log.locator(".msg.agent").filter(has_text=REPLY)
        expect(agent).to_have_count(1, timeout=WAIT_MS)
        expect(agent.locator(".meta")).to_contain_text("Mei, sales team")
        expect(agent).to_have_attribute("data-speaker", "agent:Mei")
        expect(wp.panel.get_by_text("You are chatting with Mei")).to_be_visible(timeout=WAIT_MS)
        wp.page.evaluate("1")
        pushed = observed.pushed(REPLY)
        assert pushed, "the rep's reply arrived in a WebSocket frame"
        assert pushed[0]["type"] == "message" and pushed[0]["role"] == "agent"
        assert pushed[0]["author"] == "Mei"
        assert observed.fetches[fetches_before:] == [], "shown from the push, not fetched"
        assert observed.loads == 1, "the page was not reloaded"
        assert wp.page.evaluate("() => window.__sameDocument === true")
        wp.shot(artifacts_dir, "widget-rep-reply")

        # the rep hands back: the widget says the assistant is back
        notice, notice_ts = fake.wait_for(lambda: _posted_with(fake, ActionId.HAND_BACK), WAIT_S)
        hand_back = _button(notice, ActionId.HAND_BACK)
        handed = slack_stack.slack(
            client,
            block_actions_body(
                user=REP,
                action_id=ActionId.HAND_BACK.value,
                value=hand_back["value"],
                message_ts=notice_ts,
                message_blocks=notice.args["blocks"],
            ),
            "application/x-www-form-urlencoded",
        )
        assert handed.status_code == 200, handed.text
    expect(wp.log.locator(".notice").filter(has_text="The assistant is back")).to_have_count(
        1, timeout=WAIT_MS
    )
    expect(wp.panel.get_by_text(re.compile("You are chatting with"))).to_have_count(0)
    assert observed.loads == 1
    assert not wp.csp_violations, wp.csp_violations
    assert not wp.console_errors, wp.console_errors


# ---------------------------------------------------------------- helpers


def _posted_with(fake: FakeSlack, action: ActionId) -> tuple[Call, str] | None:
    """The sales channel's message with the button, and its ts once the fake has stored it
    (the fake records a call a moment before it stores the message)."""
    call = next((c for c in fake.posted(CHANNEL) if action.value in json.dumps(c.args)), None)
    if call is None:
        return None
    stored = list(fake.messages.items())
    ts = next((ts for (_, ts), m in stored if m["blocks"] == call.args["blocks"]), None)
    return (call, ts) if ts else None


def _button(call: Call, action: ActionId) -> dict[str, Any]:
    return next(
        e
        for b in call.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action.value
    )


def _until(wp: WidgetPage, predicate: Any, timeout_ms: int = WAIT_MS) -> None:
    """Wait while letting Playwright deliver the page's events (its sync API needs the calls)."""
    waited = 0
    while not predicate():
        assert waited < timeout_ms, "timed out"
        wp.page.wait_for_timeout(200)
        waited += 200
