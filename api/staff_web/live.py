"""Live updates of the staff pages: the inquiry list and an inquiry's page refresh themselves when
an inquiry or a quote changes.

The staff pages are one more channel of the outbox (``staff_live``): its worker subscribes to
the inquiry and quote events and publishes each, as references only (the inquiry's and the
quote's), on the pub/sub the widget's sockets use (Redis with ``REDIS_URL``, so a change made
through any instance reaches the pages held by every instance). ``GET /staff/live`` streams them
to a signed-in staff user's page as server-sent events (the staff session cookie; the stream
ends when the session does), with a comment every ``HEARTBEAT_S`` seconds that keeps proxies
from closing it. The page (``live.js``) then reloads its content.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from api.broker import Broker
from api.staff_web.views import current_session
from sales import events
from sales.outbox_worker import Delivery, Handler

CHANNEL = "staff_live"  # this channel's name in the outbox's subscriptions and deliveries
LIVE_KEY = "staff:inquiries"  # the pub/sub key (chat sessions' keys are hex ids)
TOPICS = (
    events.INQUIRY_CREATED,
    events.QUOTE_PENDING_APPROVAL,
    events.QUOTE_SENT,
    events.QUOTE_ACCEPTED,
    events.QUOTE_REJECTED,
    events.QUOTE_EXPIRED,
)
HEARTBEAT_S = 15.0

router = APIRouter(prefix="/staff", include_in_schema=False)


def change_of(row: Delivery) -> dict[str, Any]:
    """The references an event names: ``inquiry.created`` carries the inquiry's as
    ``reference``; the quote events the quote's as ``reference`` and the inquiry's as
    ``inquiry``."""
    payload = row.payload
    if row.topic == events.INQUIRY_CREATED:
        return {"event": row.topic, "inquiry": payload.get("reference"), "quote": None}
    return {
        "event": row.topic,
        "inquiry": payload.get("inquiry"),
        "quote": payload.get("reference"),
    }


def handlers(broker: Broker) -> dict[str, Handler]:
    async def push(row: Delivery) -> None:
        await broker.publish(LIVE_KEY, change_of(row))

    return dict.fromkeys(TOPICS, push)


def frame(change: dict[str, Any]) -> str:
    return f"event: change\ndata: {json.dumps(change, separators=(',', ':'))}\n\n"


async def stream(
    request: Request, broker: Broker, heartbeat_s: float = HEARTBEAT_S
) -> AsyncIterator[str]:
    """The changes as server-sent events, until the client leaves or its session ends."""
    async with broker.subscribe(LIVE_KEY) as changes:
        yield "retry: 5000\n: connected\n\n"
        waiting: asyncio.Future[dict[str, Any]] | None = None
        try:
            while True:
                if waiting is None:
                    waiting = asyncio.ensure_future(anext(changes))
                done, _ = await asyncio.wait({waiting}, timeout=heartbeat_s)
                if done:
                    yield frame(waiting.result())
                    waiting = None
                    continue
                if await request.is_disconnected() or await current_session(request) is None:
                    return
                yield ": keep-alive\n\n"
        finally:
            if waiting is not None:
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await waiting


@router.get("/live")
async def live(request: Request) -> Response:
    if await current_session(request) is None:
        return Response("sign in first", status_code=401, media_type="text/plain")
    broker: Broker = request.app.state.services.broker
    return StreamingResponse(
        stream(request, broker),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
