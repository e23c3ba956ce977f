"""The chat widget in Debian's Chromium, driven by Playwright, against the real stack
(the Rasa engine and the app, started once per session by tests/conftest.py, the same stack the
end-to-end tests use)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e.conftest import RunningStack

with contextlib.suppress(ImportError):  # kb_index moved to tests/conftest.py; older: e2e's
    from tests.e2e.conftest import kb_index  # type: ignore[attr-defined]  # noqa: F401
from tools.browser import BrowserMissing, chromium_path

REPLY_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

expect.set_options(timeout=REPLY_TIMEOUT_MS)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    try:
        executable = chromium_path()
    except BrowserMissing as exc:
        pytest.fail(str(exc))
    browser = playwright.chromium.launch(
        executable_path=executable,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        headless=True,
    )
    yield browser
    browser.close()


@dataclass
class WidgetPage:
    """A browser tab on the demo page, with what it logged and the widget's parts."""

    page: Page
    context: BrowserContext
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    authorized_urls: list[str] = field(default_factory=list)

    def goto(self, path: str = "/") -> WidgetPage:
        self.page.goto(self.base_url + path)
        expect(self.launcher).to_be_visible()
        return self

    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile("chat", re.I)).and_(
            self.page.locator(".launcher")
        )

    @property
    def panel(self) -> Locator:
        return self.page.get_by_role("dialog")

    @property
    def box(self) -> Locator:
        return self.page.get_by_role("textbox", name=re.compile("message", re.I))

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    def open(self) -> WidgetPage:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.box).to_be_focused()
        return self

    def send(self, text: str) -> None:
        self.box.fill(text)
        self.box.press("Enter")

    def buyer_bubbles(self) -> Locator:
        return self.log.locator(".msg.buyer .bubble")

    def bot_bubbles(self) -> Locator:
        return self.log.locator(".msg.bot:not(.welcome) .bubble")

    def texts(self, bubbles: Locator) -> list[str]:
        """The bubbles' visible texts (without screen-reader-only words such as "You: ")."""
        return bubbles.evaluate_all(
            """els => els.map(e => {
                const copy = e.cloneNode(true);
                copy.querySelectorAll(".sr-only").forEach(n => n.remove());
                return copy.textContent;
            })"""
        )

    def quick_reply(self, title: str) -> Locator:
        return self.page.get_by_role("group", name="Suggested replies").get_by_role(
            "button", name=title
        )

    def expect_bot(self, pattern: str | re.Pattern[str]) -> None:
        expect(self.bot_bubbles().last).to_contain_text(pattern)

    def shot(self, artifacts: Any, name: str) -> None:
        self.page.screenshot(path=str(artifacts / f"{name}.png"))


@pytest.fixture
def widget_page(
    browser: Browser,
    running_stack: RunningStack,
) -> Iterator[Callable[..., WidgetPage]]:
    """Opens a fresh browser context (its own localStorage) per call."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] | None = None, **options: Any) -> WidgetPage:
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        wp = WidgetPage(page, context, running_stack.base_url)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                wp.console_errors.append(message.text)
                if "Content Security Policy" in message.text:
                    wp.csp_violations.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: wp.console_errors.append(f"pageerror: {error}"))

        def on_dialog(dialog: Any) -> None:
            wp.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        def on_request(request: Any) -> None:
            if "authorization" in {k.lower() for k in request.headers} or "token=" in request.url:
                wp.authorized_urls.append(request.url)

        page.on("request", on_request)
        return wp

    yield make
    for context in contexts:
        context.close()
