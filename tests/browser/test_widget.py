"""The website chat widget in a real browser: a whole RFQ by typing and clicking, history after
a reload, HTML shown as text, offline and back, the phone layout, keyboard use, languages,
the polling fallback, the engine down, and an axe-core accessibility check."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, WidgetPage
from tests.e2e.conftest import RunningStack
from tools.browser import AXE_JS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REFERENCE = re.compile(r"RFQ-\d{4}-\d{6}")
GREETING = re.compile(r"welcome", re.I)
Make = Callable[..., WidgetPage]


def _greeted(wp: WidgetPage) -> None:
    wp.send("Hello")
    wp.expect_bot(GREETING)
    expect(wp.quick_reply("Request a quotation")).to_be_visible()


def test_a_whole_rfq_typed_and_clicked(
    widget_page: Make, running_stack: RunningStack, artifacts_dir: Path
) -> None:
    wp = widget_page().goto()
    launcher = wp.page.get_by_role("button", name=re.compile("chat", re.I))
    expect(launcher).to_have_attribute("aria-expanded", "false")
    wp.shot(artifacts_dir, "widget-desktop-closed")
    wp.open()
    expect(wp.panel).to_have_accessible_name(re.compile("Lumora sales"))
    wp.page.evaluate(
        """() => {
            const typing = document.querySelector("#exportdesk-chat").shadowRoot
                .querySelector(".typing");
            window.__typingSeen = false;
            new MutationObserver(() => { if (!typing.hidden) window.__typingSeen = true; })
                .observe(typing, {attributes: true});
        }"""
    )

    _greeted(wp)
    assert wp.page.evaluate("window.__typingSeen"), "a typing indicator while the bot answers"
    wp.quick_reply("Request a quotation").click()
    # the server's transcript shows the button's title as the buyer's message
    expect(wp.buyer_bubbles().last).to_have_text(re.compile("Request a quotation"))
    wp.expect_bot(re.compile("which product", re.I))
    expect(wp.quick_reply("Request a quotation")).to_have_count(0)

    wp.send("PNL-6060-40W")
    summary = _answer_until_summary(wp, artifacts_dir)
    assert "PNL-6060-40W" in summary and "5,000" in summary
    chips = wp.page.get_by_role("group", name="Suggested replies").get_by_role("button")
    expect(chips.first).to_be_visible()
    assert chips.count() >= 2  # confirm, and discard or change
    wp.shot(artifacts_dir, "widget-desktop-summary")

    confirm = chips.filter(has_text=CONFIRM).first
    confirm_title = confirm.inner_text()
    confirm.click()
    # the reference, then the quote (with its PDF link and an Accept button)
    expect(wp.bot_bubbles().filter(has_text=REFERENCE)).to_have_count(1)
    _settled(wp)
    wp.shot(artifacts_dir, "widget-desktop-rfq-done")

    # every message exactly once and in order (WebSocket pushes and POST replies are merged
    # by seq): the page shows the server's transcript, buttons clicked shown by their titles
    session_id, token = _stored_session(wp)
    with running_stack.client() as client:
        transcript = client.get(
            f"/api/chat/sessions/{session_id}/messages",
            headers={"Authorization": f"Bearer {token}"},
        ).json()["messages"]
    shown = wp.texts(wp.log.locator(".msg:not(.welcome) .bubble, .notice"))
    assert shown == [m["text"] for m in transcript]
    buyer = wp.texts(wp.buyer_bubbles())
    assert buyer[:3] == ["Hello", "Request a quotation", "PNL-6060-40W"]
    assert "5000 pcs" in buyer and "jana.weber@nordlicht.example" in buyer
    assert buyer[-1] == confirm_title
    assert wp.log.locator(".pending").count() == 0

    # the token went to the app only; nothing broke the page's strict CSP
    assert wp.authorized_urls
    assert all(
        u.startswith((wp.base_url, wp.base_url.replace("http", "ws"))) for u in wp.authorized_urls
    )
    assert not wp.csp_violations, wp.csp_violations
    assert not wp.console_errors, wp.console_errors


def test_history_is_restored_after_a_reload(widget_page: Make) -> None:
    wp = widget_page().goto().open()
    _greeted(wp)
    wp.send("What can you do?")
    wp.expect_bot(re.compile("I can help you with"))
    before = wp.log.locator(".msg:not(.welcome)").count()

    wp.page.reload()
    expect(wp.launcher).to_be_visible()
    wp.open()
    expect(wp.log.locator(".msg:not(.welcome)")).to_have_count(before)
    expect(wp.buyer_bubbles().first).to_contain_text("Hello")
    wp.expect_bot(re.compile("I can help you with"))

    # and the conversation goes on in the same session
    wp.send("I need a quotation")
    wp.expect_bot(re.compile("which product", re.I))
    expect(wp.log.locator(".msg:not(.welcome)")).to_have_count(before + 2)


def test_html_typed_by_the_buyer_is_shown_as_text(widget_page: Make) -> None:
    wp = widget_page().goto().open()
    attack = "<img src=x onerror=alert(1)>"
    wp.send(attack)
    expect(wp.buyer_bubbles().last).to_contain_text(attack)
    expect(wp.bot_bubbles().last).to_be_visible()  # the bot answered something
    wp.page.wait_for_timeout(500)
    assert wp.page.locator("#exportdesk-chat img").count() == 0
    assert wp.page.locator("img").count() == 0
    assert wp.dialogs == []


def test_links_in_bot_text_are_safe_anchors(widget_page: Make, running_stack: RunningStack) -> None:
    """Rendered with the widget's own code from a message pushed into the transcript."""
    wp = widget_page().goto().open()
    _greeted(wp)
    session_id, token = _stored_session(wp)
    _append_agent_message(
        running_stack,
        session_id,
        "Your quotation: https://lumora.example/q/RFQ-2026-000001.pdf. "
        "Not a link: javascript:alert(1) <b>bold</b>",
    )
    _force_polling(wp)
    link = wp.log.get_by_role("link", name=re.compile("RFQ-2026-000001.pdf"))
    expect(link).to_have_attribute("href", "https://lumora.example/q/RFQ-2026-000001.pdf")
    expect(link).to_have_attribute("rel", re.compile("noopener"))
    expect(link).to_have_attribute("target", "_blank")
    expect(wp.log.locator("b")).to_have_count(0)
    expect(wp.log.locator('a[href^="javascript"]')).to_have_count(0)
    assert token


def test_the_widget_reconnects_after_the_network_was_cut(
    widget_page: Make, artifacts_dir: Path
) -> None:
    wp = widget_page().goto().open()
    _greeted(wp)
    sockets: list[str] = []
    wp.page.on("websocket", lambda ws: sockets.append(ws.url))

    wp.context.set_offline(True)
    expect(
        wp.panel.get_by_role("status").filter(has_text=re.compile("offline|connection", re.I))
    ).to_be_visible()
    wp.send("What can you do?")
    expect(wp.log.locator(".pending")).to_contain_text(
        re.compile("waiting for the connection", re.I)
    )
    wp.shot(artifacts_dir, "widget-desktop-offline")

    wp.context.set_offline(False)
    # the queued message goes out, the answer arrives, the WebSocket is back
    wp.expect_bot(re.compile("I can help you with"))
    expect(wp.log.locator(".pending")).to_have_count(0)
    expect(wp.buyer_bubbles().filter(has_text="What can you do?")).to_have_count(1)
    _wait_until(wp, lambda: len(sockets) >= 1)  # a new WebSocket was opened

    # and goes on over the new connection
    wp.send("I need a quotation")
    wp.expect_bot(re.compile("which product", re.I))


def test_phone_layout_is_full_screen(widget_page: Make, artifacts_dir: Path) -> None:
    wp = widget_page(viewport=PHONE, is_mobile=True, has_touch=True, reduced_motion="reduce")
    wp.goto()
    wp.shot(artifacts_dir, "widget-phone-closed")
    wp.open()
    box = wp.panel.bounding_box()
    assert box is not None
    assert box["x"] == 0 and box["y"] == 0
    assert box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    _greeted(wp)
    wp.shot(artifacts_dir, "widget-phone-open")
    # the launcher is hidden behind the full-screen panel; the close button brings it back
    wp.panel.get_by_role("button", name="Close chat").click()
    expect(wp.panel).to_be_hidden()
    expect(wp.launcher).to_be_focused()


def test_keyboard_and_screen_reader_basics(widget_page: Make) -> None:
    wp = widget_page().goto()
    wp.launcher.focus()
    wp.page.keyboard.press("Enter")
    expect(wp.panel).to_be_visible()
    expect(wp.box).to_be_focused()
    expect(wp.log).to_have_attribute("aria-live", "polite")

    # Shift+Enter is a new line, Enter sends
    wp.box.type("first line")
    wp.box.press("Shift+Enter")
    wp.box.type("second line")
    expect(wp.box).to_have_value("first line\nsecond line")
    expect(wp.buyer_bubbles()).to_have_count(0)

    # the counter and the 2,000-character limit
    counter = wp.panel.get_by_text(re.compile(r"of 2000 characters"))
    expect(counter).to_have_text("22 of 2000 characters")
    wp.box.fill("x" * 2500)  # pasted: the box keeps 2,000
    expect(counter).to_have_text("2000 of 2000 characters")
    assert len(wp.box.input_value()) == 2000
    assert wp.box.get_attribute("maxlength") == "2000"

    # Escape closes and focus returns to the launcher
    wp.page.keyboard.press("Escape")
    expect(wp.panel).to_be_hidden()
    expect(wp.launcher).to_be_focused()
    expect(wp.launcher).to_have_attribute("aria-expanded", "false")


def test_ui_language_follows_data_lang(widget_page: Make, running_stack: RunningStack) -> None:
    wp = widget_page()
    html = _demo_html(running_stack).replace('data-lang="en"', 'data-lang="de"')
    wp.page.route(
        wp.base_url + "/", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    created: list[str] = []
    wp.page.on(
        "request",
        lambda r: (
            created.append(r.post_data or "") if r.url.endswith("/api/chat/sessions") else None
        ),
    )
    wp.goto()
    launcher = wp.page.get_by_role("button", name="Chat mit Lumora sales öffnen")
    expect(launcher).to_be_visible()
    launcher.click()
    box = wp.page.get_by_role("textbox", name="Ihre Nachricht eingeben")
    expect(box).to_be_focused()
    box.fill("Hallo")
    box.press("Enter")
    expect(wp.bot_bubbles().last).to_be_visible()
    assert created and '"locale":"de"' in created[0]


def test_ui_language_follows_the_session_language(widget_page: Make) -> None:
    """On an English page a buyer writes Spanish: the server's session language (in the answer,
    the transcript and the WebSocket's pushes) turns the widget's own texts Spanish, also after a
    reload; asking for German turns them German."""
    sockets: list[Any] = []

    def through(ws: Any) -> None:
        ws.connect_to_server()  # everything passes through; the test may push a frame too
        sockets.append(ws)

    wp = widget_page()
    wp.page.route_web_socket(re.compile(r".*/ws\?token=.*"), through)
    wp.goto().open()
    root = wp.page.locator("#exportdesk-chat .root")
    box = wp.page.locator("#exportdesk-chat textarea")
    subtitle = wp.panel.locator(".subtitle")
    expect(root).to_have_attribute("lang", "en")
    expect(box).to_have_attribute("placeholder", "Type your message…")
    expect(subtitle).to_have_text("Products, prices, lead times")

    wp.send("Hola, necesitamos información sobre sus paneles LED y los plazos de entrega")
    expect(wp.bot_bubbles().last).to_be_visible()
    _settled(wp)
    expect(root).to_have_attribute("lang", "es")
    expect(box).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(wp.page.get_by_role("textbox", name="Escriba su mensaje")).to_be_focused()
    expect(subtitle).to_have_text("Productos, precios y plazos")
    expect(wp.panel.get_by_text("0 de 2000 caracteres")).to_be_visible()
    expect(wp.panel.get_by_role("button", name="Cerrar el chat")).to_be_visible()
    expect(wp.log.locator(".msg.buyer .meta").last).to_contain_text("Usted")
    stored = wp.page.evaluate(
        "base => JSON.parse(localStorage.getItem('exportdesk.chat:' + base))", wp.base_url
    )
    assert stored["language"] == "es"

    # a reload shows the widget in Spanish from the start (before the transcript arrives)
    opened = len(sockets)
    wp.page.reload()
    launcher = wp.page.get_by_role("button", name="Abrir el chat con Lumora sales")
    expect(launcher).to_be_visible()
    expect(root).to_have_attribute("lang", "es")
    launcher.click()
    expect(box).to_be_focused()
    expect(box).to_have_attribute("placeholder", "Escriba su mensaje…")
    expect(wp.buyer_bubbles().first).to_contain_text("Hola, necesitamos")

    # an explicit request switches the session, and the widget with it
    before = wp.bot_bubbles().count()
    box.fill("¿podemos hablar en alemán?")
    box.press("Enter")
    expect(wp.bot_bubbles()).not_to_have_count(before)
    expect(root).to_have_attribute("lang", "de")
    expect(box).to_have_attribute("placeholder", "Ihre Nachricht…")
    expect(subtitle).to_have_text("Produkte, Preise, Lieferzeiten")

    # the subtitle's states are in the session's language too
    _wait_until(wp, lambda: len(sockets) > opened)
    sockets[-1].send(json.dumps({"type": "mode", "mode": "waiting_for_agent", "language": "de"}))
    expect(subtitle).to_have_text("Wir warten auf ein Mitglied unseres Vertriebsteams…")
    assert not wp.console_errors, wp.console_errors


def test_a_rep_message_reaches_the_page_by_polling_when_websockets_fail(
    widget_page: Make, running_stack: RunningStack
) -> None:
    wp = widget_page()
    wp.page.route_web_socket(re.compile(r".*/ws\?token=.*"), lambda ws: ws.close())
    wp.goto().open()
    _greeted(wp)
    session_id, _ = _stored_session(wp)
    _append_agent_message(running_stack, session_id, "Hi, I'm Mei from sales", author="Mei")
    agent = wp.log.locator(".msg.agent")
    expect(agent).to_contain_text("Hi, I'm Mei from sales", timeout=20_000)
    expect(agent.locator(".meta")).to_contain_text("Mei")


def test_a_person_joining_and_leaving_is_announced(widget_page: Make) -> None:
    """Pushes as the app will send them on a handover (injected into the real WebSocket)."""
    sockets: list[Any] = []

    def through(ws: Any) -> None:
        ws.connect_to_server()  # everything else passes through unchanged
        sockets.append(ws)

    wp = widget_page()
    wp.page.route_web_socket(re.compile(r".*/ws\?token=.*"), through)
    wp.goto().open()
    _greeted(wp)
    _wait_until(wp, lambda: bool(sockets))
    wp.launcher.click()  # closed: new messages are counted on the launcher
    expect(wp.panel).to_be_hidden()

    sockets[-1].send(json.dumps({"type": "mode", "mode": "waiting_for_agent"}))
    agent_message = {
        "type": "message",
        "seq": 10_000,
        "role": "agent",
        "text": "Hi, I'm Mei from sales. Your quote: https://lumora.example/q/1.pdf",
        "buttons": [],
        "created_at": "2026-03-02T09:15:00Z",
        "author": "Mei",
    }
    sockets[-1].send(json.dumps(agent_message))
    sockets[-1].send(json.dumps({"type": "mode", "mode": "agent"}))
    launcher = wp.page.get_by_role("button", name=re.compile(r"chat.*1 new", re.I))
    expect(launcher).to_be_visible()

    launcher.click()
    expect(wp.log.locator(".msg.agent .meta")).to_contain_text("Mei")
    expect(wp.panel.get_by_text("You are chatting with Mei")).to_be_visible()
    expect(wp.log.get_by_role("link", name=re.compile("1.pdf"))).to_have_attribute(
        "href", "https://lumora.example/q/1.pdf"
    )
    sockets[-1].send(json.dumps({"type": "mode", "mode": "bot"}))
    expect(wp.panel.get_by_text("You are chatting with Mei")).to_be_hidden()


def test_a_stale_stored_session_is_replaced(widget_page: Make) -> None:
    wp = widget_page().goto()
    wp.page.evaluate(
        """base => localStorage.setItem("exportdesk.chat:" + base,
            JSON.stringify({session_id: "0123456789abcdef0123456789abcdef", token: "stale"}))""",
        wp.base_url,
    )
    wp.page.reload()
    wp.open()
    _greeted(wp)
    session_id, _ = _stored_session(wp)
    assert session_id != "0123456789abcdef0123456789abcdef"


def test_the_page_call_to_action_opens_the_chat(widget_page: Make) -> None:
    wp = widget_page().goto()
    wp.page.get_by_role("link", name="Request a quotation").click()
    expect(wp.panel).to_be_visible()
    expect(wp.box).to_be_focused()
    expect(wp.box).to_have_value("I need a quotation for PNL-6060-40W")


def test_engine_down_shows_the_notice_and_keeps_the_message(
    widget_page: Make, running_stack: RunningStack
) -> None:
    wp = widget_page().goto().open()
    _greeted(wp)
    running_stack.stack.stop_engine()
    try:
        wp.send("I need 300 panels")
        notice = wp.log.locator(".notice").filter(has_text=re.compile("person", re.I))
        expect(notice).to_be_visible()
        expect(wp.buyer_bubbles().last).to_contain_text("I need 300 panels")
        expect(wp.log.locator(".pending")).to_have_count(0)
    finally:
        running_stack.stack.start_engine()
        running_stack.stack.wait_healthy(timeout=300)


def test_no_serious_accessibility_violations(widget_page: Make, artifacts_dir: Path) -> None:
    assert AXE_JS.exists(), "run `python -m tools.browser ensure` (fetches axe-core)"
    wp = widget_page(bypass_csp=True).goto().open()  # bypass_csp: axe is injected inline
    _greeted(wp)
    wp.page.add_script_tag(path=str(AXE_JS))
    result = wp.page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
        }"""
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, serious


# ---------------------------------------------------------------- helpers

# What the buyer answers to the bot's questions (the RFQ form may ask more as it grows);
# a question with quick replies not listed here is answered by clicking its first button.
ANSWERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"which product|what product", re.I), "PNL-6060-40W"),
    (re.compile(r"how many|quantity", re.I), "5000 pcs"),
    (re.compile(r"which incoterm .*payment", re.I), "FOB, T/T, no samples needed"),
    (re.compile(r"e-?mail", re.I), "jana.weber@nordlicht.example"),
    (re.compile(r"where should the goods go|destination|which port", re.I), "Hamburg, Germany"),
    (re.compile(r"by when|when do you need|delivery date", re.I), "end of April 2027"),
    (re.compile(r"company", re.I), "Nordlicht Leuchten GmbH"),
    (re.compile(r"your name|who am i|whom", re.I), "Jana Weber"),
    (re.compile(r"phone|whatsapp", re.I), "+49 40 1234 5678"),
    (re.compile(r"colou?r temperature|cct", re.I), "4000K"),
]
SUMMARY = re.compile(r"here is your request|shall i (submit|send)", re.I)
CONFIRM = re.compile(r"yes|confirm|submit|send", re.I)


def _settled(wp: WidgetPage) -> None:
    """Wait until no buyer message is on its way and the bot is not typing."""
    expect(wp.log.locator(".pending")).to_have_count(0)
    expect(wp.page.locator(".typing")).to_be_hidden()


def _answer_until_summary(wp: WidgetPage, artifacts: Path, max_turns: int = 20) -> str:
    for _ in range(max_turns):
        _settled(wp)
        question = wp.texts(wp.bot_bubbles().last)[0]
        if SUMMARY.search(question):
            return question
        before = wp.bot_bubbles().count()
        answer = next((a for pattern, a in ANSWERS if pattern.search(question)), None)
        chips = wp.page.get_by_role("group", name="Suggested replies").get_by_role("button")
        if answer is not None:
            wp.send(answer)
        elif chips.count():
            chips.first.click()  # e.g. Incoterm, payment terms: answered by a quick reply
        else:
            wp.shot(artifacts, "widget-desktop-unexpected-question")
            raise AssertionError(f"the test has no answer to: {question!r}")
        expect(wp.bot_bubbles()).not_to_have_count(before)
    shown = wp.texts(wp.log.locator(".msg .bubble, .notice"))
    raise AssertionError(f"no summary after {max_turns} answers: {shown}")


def _stored_session(wp: WidgetPage) -> tuple[str, str]:
    stored = wp.page.evaluate(
        """() => {
            for (let i = 0; i < localStorage.length; i++) {
                const key = localStorage.key(i);
                const value = localStorage.getItem(key);
                if (key.startsWith("exportdesk.chat:")) return JSON.parse(value);
            }
            return null;
        }"""
    )
    assert stored, "the widget keeps its session in localStorage"
    return stored["session_id"], stored["token"]


def _append_agent_message(
    running_stack: RunningStack, session_id: str, text: str, author: str = "Mei"
) -> None:
    """A rep's message written with the project's own code (the app's broker is in another
    process, so it reaches the page through the transcript, not the WebSocket)."""
    import asyncio

    from sales import conversations
    from sales.db import Database
    from sales.models import Role

    async def write() -> None:
        db = Database(running_stack.settings.database_url)
        try:
            async with db.session() as session:
                await conversations.append(
                    session,
                    session_id=session_id,
                    role=Role.AGENT,
                    texts=[(text, [])],
                    author=author,
                )
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API owns this thread's loop
        pool.submit(asyncio.run, write()).result()


def _force_polling(wp: WidgetPage) -> None:
    """Make the widget fetch the transcript now (as it does after a reconnection)."""
    wp.context.set_offline(True)
    wp.page.wait_for_timeout(300)
    wp.context.set_offline(False)


def _demo_html(running_stack: RunningStack) -> str:
    with running_stack.client() as client:
        return client.get("/").text


def _wait_until(wp: WidgetPage, predicate: Callable[[], bool], timeout_ms: int = 30_000) -> None:
    waited = 0
    while not predicate():
        assert waited < timeout_ms, "timed out"
        wp.page.wait_for_timeout(200)
        waited += 200
