"""Live updates of the staff pages (api/staff_web/live.py): an inquiry created, and its quote
approved, reach a signed-in page's event stream through the outbox and the pub/sub; without a
session there is no stream. The app runs in a real server (the stream never ends by itself)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn

from api.broker import LocalBroker
from api.main import create_app
from api.settings import Settings
from api.staff_web import live
from sales import events, inquiries
from sales.db import Database
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.models import Quote, QuoteEvent
from sales.outbox_worker import Delivery
from sales.quotes import service as quotes
from tests.api.staff_web.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, csrf_of
from tools.stack import free_port

DRAFT = InquiryDraft(
    items=(
        ItemDraft(description="600x600 LED panel 40W", quantity=Decimal(500), sku="PNL-6060-40W"),
    ),
    buyer=BuyerDraft(company="Nordlicht GmbH", email="jana.weber@nordlicht.example", country="DE"),
)


def delivery(topic: str, payload: dict[str, Any]) -> Delivery:
    return Delivery(id=1, topic=topic, payload=payload, ordering_key=None, dedupe_key=None,
                    attempts=0)  # fmt: skip


async def test_each_event_is_published_as_references() -> None:
    broker = LocalBroker()
    handlers = live.handlers(broker)
    assert set(handlers) == set(live.TOPICS)
    async with broker.subscribe(live.LIVE_KEY) as changes:
        await handlers[events.INQUIRY_CREATED](
            delivery(events.INQUIRY_CREATED, {"reference": "INQ-1"})
        )
        await handlers[events.QUOTE_SENT](
            delivery(events.QUOTE_SENT, {"reference": "Q-1", "inquiry": "INQ-1", "total": "9"})
        )
        got = [await anext(changes), await anext(changes)]
    assert got == [
        {"event": "inquiry.created", "inquiry": "INQ-1", "quote": None},
        {"event": "quote.sent", "inquiry": "INQ-1", "quote": "Q-1"},
    ]
    assert live.frame(got[1]) == (
        'event: change\ndata: {"event":"quote.sent","inquiry":"INQ-1","quote":"Q-1"}\n\n'
    )


@pytest.fixture
def server(web_settings: Settings) -> Iterator[str]:
    port = free_port()
    settings = web_settings.model_copy(update={"outbox_poll_s": 0.1})
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not app_server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=30)


async def _signed_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/staff/login")
    answer = await client.post(
        "/staff/login",
        data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 303


async def _next_change(lines: Any) -> dict[str, Any]:
    async for line in lines:
        if line.startswith("data: "):
            return dict(json.loads(line.removeprefix("data: ")))
    raise AssertionError("the stream ended")


async def test_a_new_inquiry_reaches_the_signed_in_page(
    server: str, web_settings: Settings
) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=30) as anonymous:
        assert (await anonymous.get("/staff/live")).status_code == 401
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        await _signed_in(client)
        async with client.stream("GET", "/staff/live") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            assert await anext(lines) == "retry: 5000"
            db = Database(web_settings.database_url)
            try:
                async with db.session() as session:
                    inquiry, _ = await inquiries.create(session, draft=DRAFT)
            finally:
                await db.dispose()
            change = await asyncio.wait_for(_next_change(lines), timeout=20)
    assert change == {"event": "inquiry.created", "inquiry": inquiry.reference, "quote": None}


async def test_the_pages_load_the_live_script(server: str) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        await _signed_in(client)
        page = await client.get("/staff/inquiries")
        assert '<script id="live" src="/staff/static/live.js"></script>' in page.text
        assert 'id="live-status" class="note" aria-live="polite"' in page.text
        script = await client.get("/staff/static/live.js")
        assert script.status_code == 200 and 'new EventSource("/staff/live")' in script.text


async def _quote(db: Database, inquiry_id: int, reference: str, status: str, valid: date) -> None:
    async with db.session() as session:
        session.add(
            Quote(reference=reference, inquiry_id=inquiry_id, status=status, currency="USD",
                  valid_until=valid, margin_pct=Decimal(20), total=Decimal(1000),
                  events=[QuoteEvent(actor="assistant", action="created", to_status="draft"),
                          QuoteEvent(actor="assistant", action=status, from_status="draft",
                                     to_status=status)])
        )  # fmt: skip
        await session.commit()


async def test_a_rejection_and_an_expiry_reach_the_signed_in_page(
    server: str, web_settings: Settings
) -> None:
    """Rejected by an approver and expired past its validity: each pushed like the others."""
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        await _signed_in(client)
        async with client.stream("GET", "/staff/live") as response:
            lines = response.aiter_lines()
            assert await anext(lines) == "retry: 5000"
            db = Database(web_settings.database_url)
            try:
                async with db.session() as session:
                    inquiry, _ = await inquiries.create(session, draft=DRAFT)
                ref = inquiry.reference
                await _quote(db, inquiry.id, f"Q-{ref}-1", "pending_approval", date(2030, 1, 1))
                await _quote(db, inquiry.id, f"Q-{ref}-2", "sent", date(2026, 1, 1))
                async with db.session() as session:
                    await quotes.reject(session, reference=f"Q-{ref}-1", by="web:boss@x.test")
                async with db.session() as session:
                    assert await quotes.expire_due(session, today=date(2026, 1, 2)) == [
                        f"Q-{ref}-2"
                    ]
            finally:
                await db.dispose()
            changes = [await asyncio.wait_for(_next_change(lines), timeout=20) for _ in range(3)]
    assert sorted(changes, key=lambda c: c["event"]) == [
        {"event": "inquiry.created", "inquiry": ref, "quote": None},
        {"event": "quote.expired", "inquiry": ref, "quote": f"Q-{ref}-2"},
        {"event": "quote.rejected", "inquiry": ref, "quote": f"Q-{ref}-1"},
    ]
