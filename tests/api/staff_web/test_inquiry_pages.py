"""The inquiries list and page, the quote PDF, approve and reject from the web with the same
service and rules as Slack and the staff API (role, approver list, CSRF, conflicts)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from sales import conversations, inquiries, quotes
from sales.db import Database
from sales.models import Role
from sales.pricing import load_price_book
from sales.staff import users
from tests.api.staff_web.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, LOCAL, csrf_of, sign_in
from tests.sales.quotes.test_service import DEMO_BOOK, OUT_OF_POLICY, rfq

VIEWER = "viewer@lumora.example"
VIEWER_PASSWORD = "viewer password 123"


async def _seed(url: str) -> dict[str, str]:
    db = Database(url)
    book = load_price_book(DEMO_BOOK)
    today = datetime.now(UTC).date()
    refs: dict[str, str] = {}
    try:
        async with db.session() as session:
            chat, _ = await conversations.create_session(session, locale="en")
            await conversations.append(
                session, session_id=chat.id, role=Role.BUYER,
                texts=[("<b>I need</b> 10 panels", [])],
            )  # fmt: skip
            await session.commit()
            drafts = {"sent": rfq(), "pending": rfq(**OUT_OF_POLICY, session_id=chat.id),
                      "pending2": rfq(**OUT_OF_POLICY)}  # fmt: skip
            for name, draft in drafts.items():
                inquiry, _ = await inquiries.create(session, draft=draft)
                outcome = await quotes.quote_inquiry(
                    session, reference=inquiry.reference, book=book, today=today
                )
                refs[name] = inquiry.reference
                refs[name + "_quote"] = outcome.reference
            # both users exist before the app starts (so the settings' first admin is not made)
            await users.create_user(
                session, email=ADMIN_EMAIL, password=ADMIN_PASSWORD, role="admin"
            )
            await users.create_user(session, email=VIEWER, password=VIEWER_PASSWORD,
                                    role="viewer")  # fmt: skip
    finally:
        await db.dispose()
    return refs


@pytest.fixture
def seeded(web_settings: Settings) -> dict[str, str]:
    return asyncio.run(_seed(web_settings.database_url))


def _client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), base_url=LOCAL, follow_redirects=False)


@pytest.fixture
def admin(web_settings: Settings, seeded: dict[str, str]) -> Iterator[TestClient]:
    with _client(web_settings) as client:
        assert sign_in(client).status_code == 303
        yield client


async def _quote_status(url: str, reference: str) -> tuple[str, list[str]]:
    db = Database(url)
    try:
        async with db.session() as session:
            quote = await quotes.get(session, reference)
            assert quote is not None
            return quote.status, [a.by for a in quote.approvals]
    finally:
        await db.dispose()


def test_the_list_search_and_status_filter(admin: TestClient, seeded: dict[str, str]) -> None:
    page = admin.get("/staff/inquiries")
    assert page.status_code == 200
    for name in ("sent", "pending", "pending2"):
        assert seeded[name] in page.text
    pending = admin.get("/staff/inquiries?status=pending_approval").text
    assert seeded["pending"] in pending and seeded["sent"] not in pending
    assert seeded["sent"] in admin.get("/staff/inquiries?q=nordlicht").text
    nothing = admin.get("/staff/inquiries?q=%25_no-such-buyer").text
    assert "No inquiry matches." in nothing


def test_the_inquiry_page(admin: TestClient, seeded: dict[str, str]) -> None:
    page = admin.get(f"/staff/inquiries/{seeded['pending']}")
    assert page.status_code == 200
    html = page.text
    assert "PNL-6060-40W" in html and "Jana Weber" in html
    assert f"Quote {seeded['pending_quote']}: pending_approval" in html
    assert "Approve and send" in html and "submitted_for_approval" in html
    assert "&lt;b&gt;I need&lt;/b&gt; 10 panels" in html and "<b>I need" not in html
    pdf = admin.get(f"/staff/quotes/{seeded['pending_quote']}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert admin.get("/staff/inquiries/RFQ-NOPE").status_code == 404
    assert admin.get("/staff/quotes/Q-NOPE.pdf").status_code == 404


def test_approve_and_reject_with_the_sessions_csrf_token(
    admin: TestClient, seeded: dict[str, str], web_settings: Settings
) -> None:
    url = web_settings.database_url
    page = admin.get(f"/staff/inquiries/{seeded['pending']}")
    csrf = csrf_of(page.text)
    quote = seeded["pending_quote"]
    forged = admin.post(f"/staff/quotes/{quote}/approve", data={"csrf_token": "x", "note": "ok"})
    assert forged.status_code == 403
    assert asyncio.run(_quote_status(url, quote))[0] == "pending_approval"
    done = admin.post(f"/staff/quotes/{quote}/approve", data={"csrf_token": csrf, "note": "fine"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/staff/inquiries/{seeded['pending']}?done=approved"
    assert asyncio.run(_quote_status(url, quote)) == ("sent", [f"web:{ADMIN_EMAIL.lower()}"])
    again = admin.post(f"/staff/quotes/{quote}/reject", data={"csrf_token": csrf})
    assert again.status_code == 409 and "is sent" in again.text
    other = seeded["pending2_quote"]
    rejected = admin.post(f"/staff/quotes/{other}/reject", data={"csrf_token": csrf, "note": "no"})
    assert rejected.status_code == 303
    assert asyncio.run(_quote_status(url, other))[0] == "rejected"
    assert admin.post("/staff/quotes/Q-NOPE/approve", data={"csrf_token": csrf}).status_code == 404


def test_a_viewer_sees_but_cannot_decide(web_settings: Settings, seeded: dict[str, str]) -> None:
    with _client(web_settings) as client:
        assert sign_in(client, VIEWER, VIEWER_PASSWORD).status_code == 303
        page = client.get(f"/staff/inquiries/{seeded['pending']}")
        assert page.status_code == 200 and "Approve and send" not in page.text
        assert "may not approve" in page.text
        csrf = csrf_of(page.text)
        quote = seeded["pending_quote"]
        refused = client.post(f"/staff/quotes/{quote}/approve", data={"csrf_token": csrf})
        assert refused.status_code == 403
        status, _ = asyncio.run(_quote_status(web_settings.database_url, quote))
        assert status == "pending_approval"


@pytest.mark.parametrize(
    ("approvers", "allowed"), [("U0123ABC", False), (f"U0123ABC,{ADMIN_EMAIL.lower()}", True)]
)
def test_the_approver_list_applies_on_the_web_too(
    web_settings: Settings, seeded: dict[str, str], approvers: str, allowed: bool
) -> None:
    settings = web_settings.model_copy(update={"slack_approvers": approvers})
    with _client(settings) as client:
        assert sign_in(client).status_code == 303
        page = client.get(f"/staff/inquiries/{seeded['pending']}")
        assert ("Approve and send" in page.text) is allowed
        csrf = csrf_of(page.text)
        response = client.post(
            f"/staff/quotes/{seeded['pending_quote']}/approve", data={"csrf_token": csrf}
        )
        assert response.status_code == (303 if allowed else 403)
        if not allowed:
            assert re.search(r"not on the approver list", response.text)
