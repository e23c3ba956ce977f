"""The sales manager's dashboard in Debian's Chromium (Playwright): sign in, the seeded week's
figures, a chart with its table, a filter, the CSV download, sign out, a forged CSRF token
refused, the lockout, axe, a phone's width, approving from the inquiry page while another
page's inquiry list updates live.

The app runs alone (uvicorn, engine down: the dashboard does not need it) on a SQLite order
database seeded with the hand-counted week of tests/sales/kpi/test_figures.py."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from sales.db import Database
from sales.migrate import upgrade
from sales.staff import users
from tests.browser.conftest import DESKTOP, PHONE
from tests.sales.kpi.test_figures import seed
from tools.browser import AXE_JS
from tools.stack import free_port

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "manager@lumora.example"
PASSWORD = "browser-test password 1"
VIEWER = "viewer@lumora.example"
WEEK = {"from": "2026-11-02", "to": "2026-11-09"}
WAIT_MS = 15_000


def _in_a_thread(coro_factory) -> None:  # type: ignore[no-untyped-def]
    """Run a coroutine in a thread of its own (Playwright's sync API keeps a loop running in
    the main thread once it has started)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coro_factory())
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{work / 'orders.db'}"
    upgrade(url)

    async def seeded() -> None:
        db = Database(url)
        try:
            await seed(db)
        finally:
            await db.dispose()

    _in_a_thread(seeded)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("STAFF_", "SLACK_"))},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "RASA_PORT": str(free_port()),  # nothing listens: the engine is down
        "KB_INDEX_DIR": str(work / "no-index"),
        "STAFF_ADMIN_EMAIL": ADMIN,
        "STAFF_ADMIN_PASSWORD": PASSWORD,
        "LOG_LEVEL": "WARNING",
    }
    log = (work / "app.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/staff/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if app.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start:\n" + (work / "app.log").read_text())
            time.sleep(0.5)

        async def viewer() -> None:  # after the start: the first admin comes from the settings
            db = Database(url)
            try:
                async with db.session() as session:
                    await users.create_user(session, email=VIEWER, password=PASSWORD, role="viewer")
            finally:
                await db.dispose()

        _in_a_thread(viewer)
        yield base
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
        log.close()


class Tab:
    def __init__(
        self, browser: Browser, base: str, viewport: dict[str, int], bypass_csp: bool = False
    ) -> None:
        self.context: BrowserContext = browser.new_context(
            viewport=viewport, accept_downloads=True, bypass_csp=bypass_csp
        )
        self.page: Page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(message.text)

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def sign_in(self, email: str = ADMIN, password: str = PASSWORD) -> None:
        self.page.goto(self.base + "/staff/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    def show_week(self, **filters: str) -> None:
        self.page.get_by_label("From", exact=True).fill(WEEK["from"])
        self.page.get_by_label("To (not included)", exact=True).fill(WEEK["to"])
        for label, value in filters.items():
            self.page.get_by_label(label, exact=True).select_option(value)
        self.page.get_by_role("button", name="Show").click()

    def figure(self, name: str) -> str:
        return self.page.locator(f'[data-figure="{name}"]').inner_text()


@pytest.fixture
def tab(browser: Browser, dashboard_url: str) -> Iterator[Tab]:
    made = Tab(browser, dashboard_url, DESKTOP)
    yield made
    made.context.close()


def test_sign_in_see_the_figures_download_and_sign_out(tab: Tab, artifacts_dir: Path) -> None:
    page = tab.page
    tab.sign_in()
    expect(page.get_by_role("heading", name="Sales dashboard")).to_be_visible(timeout=WAIT_MS)
    tab.show_week()
    expect(page.locator('[data-figure="rfqs_submitted"]')).to_have_text("6", timeout=WAIT_MS)
    assert tab.figure("quoted") == "3"
    assert tab.figure("won") == "1"
    assert tab.figure("quote_hit_rate") == "33.3%"
    # the funnel chart is drawn by Chart.js, and its data is a table beside it
    drawn = page.evaluate(
        "() => { const c = Chart.getChart('chart-funnel');"
        " return c ? c.data.datasets[0].data : null; }"
    )
    assert drawn == [6, 6, 3, 1]
    funnel = page.get_by_role("table", name="Funnel")
    row = funnel.get_by_role("row", name=re.compile(r"^RFQs submitted"))
    expect(row).to_contain_text("6")
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # the previous week
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
    # CSV download
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Funnel as CSV").click()
    download = info.value
    assert download.suggested_filename == "funnel_2026-11-02_2026-11-09.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "RFQs submitted,6,1,'+5" in text
    # a filter changes the figures
    tab.show_week(**{"Lead-score band": "hot"})
    expect(page.locator('[data-figure="rfqs_submitted"]')).to_have_text("2", timeout=WAIT_MS)
    # sign out: back to the sign-in page, and the dashboard wants a sign-in again
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    page.goto(tab.base + "/staff/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    assert tab.errors == []  # no CSP violation, no script error


def test_a_forged_csrf_token_is_refused(tab: Tab) -> None:
    page = tab.page
    tab.sign_in()
    expect(page.get_by_role("heading", name="Sales dashboard")).to_be_visible(timeout=WAIT_MS)
    page.locator('form.signout input[name="csrf_token"]').evaluate("e => { e.value = 'forged'; }")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("did not come from this site")
    # still signed in: the forged sign-out did nothing
    page.goto(tab.base + "/staff/")
    expect(page.get_by_role("heading", name="Sales dashboard")).to_be_visible(timeout=WAIT_MS)


def test_a_wrong_password_and_the_lockout(tab: Tab) -> None:
    page = tab.page
    for _ in range(users.LOCKOUT_ATTEMPTS):
        tab.sign_in(VIEWER, "not the password")
        expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")
    tab.sign_in(VIEWER, PASSWORD)  # the right password, now locked out
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


AXE_RUN = """async () => {
    const r = await axe.run(document, {resultTypes: ["violations"]});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
}"""


def _serious(page: Page) -> list[dict[str, object]]:
    page.add_script_tag(path=str(AXE_JS))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]


def test_no_serious_accessibility_violations_and_a_phone(
    browser: Browser, dashboard_url: str
) -> None:
    assert AXE_JS.exists(), "run `python -m tools.browser ensure` (fetches axe-core)"
    phone = Tab(browser, dashboard_url, PHONE, bypass_csp=True)  # axe is injected inline
    page = phone.page
    try:
        phone.sign_in()
        page.goto(f"{dashboard_url}/staff/?from={WEEK['from']}&to={WEEK['to']}")
        expect(page.locator('[data-figure="won"]')).to_have_text("1", timeout=WAIT_MS)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page fits a phone's width (tables scroll inside)"
        assert _serious(page) == []
        page.goto(f"{dashboard_url}/staff/inquiries")
        expect(page.get_by_role("heading", name="Inquiries")).to_be_visible()
        assert _serious(page) == []
        page.locator("#inquiries tbody tr").filter(has_text="pending_approval").get_by_role(
            "link"
        ).click()
        expect(page.get_by_role("button", name="Approve and send")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert _serious(page) == []
    finally:
        phone.context.close()


def test_approve_from_the_inquiry_page(tab: Tab, browser: Browser) -> None:
    """Last in this module: it changes the seeded figures (one more quote sent)."""
    page = tab.page
    tab.sign_in()
    # another staff page holds the inquiry list open: it updates live (api/staff_web/live.py)
    watcher = Tab(browser, tab.base, DESKTOP)
    watcher.sign_in()
    watcher.page.goto(tab.base + "/staff/inquiries")
    watched = watcher.page.locator("#inquiries tbody tr").filter(has_text="pending_approval")
    expect(watched).to_have_count(1, timeout=WAIT_MS)
    page.get_by_role("link", name="Inquiries").click()
    # the seeded inquiries' own status is "new": the one whose quote waits for approval
    waiting = page.locator("#inquiries tbody tr").filter(has_text="pending_approval")
    expect(waiting).to_have_count(1, timeout=WAIT_MS)
    waiting.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(r"pending_approval$"))).to_be_visible()
    page.get_by_label("Note (approve)").fill("ok for this buyer")
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_role("status")).to_have_text("The quote was approved and sent.")
    expect(page.get_by_role("heading", name=re.compile(r": sent$"))).to_be_visible()
    events = page.get_by_role("table", name=re.compile(r"^Events of"))
    expect(events).to_contain_text(f"web:{ADMIN}")
    expect(events).to_contain_text("ok for this buyer")
    assert tab.errors == []
    # the watching list, never reloaded by hand, shows the quote sent
    expect(watched).to_have_count(0, timeout=WAIT_MS)
    expect(watcher.page.locator("#live-status")).to_contain_text("Updated", timeout=WAIT_MS)
    assert watcher.errors == []
    watcher.context.close()
