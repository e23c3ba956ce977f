"""The Slack channel of the outbox: the domain events it subscribes to (new inquiries, quotes,
handoffs, buyer messages) and Slack's own message edits, one handler per topic, each posting
at most once per event.

Before posting, a handler looks for the event's idempotency key in ``slack_posts``; after
posting, it records the message there (channel, ts). A delivery retried after a crash that
happened past that record is marked sent without a second post.

Between the post and its record (a crash, a timeout whose post went through, a batch that
outlived its lease) the outbox's in-flight marker tells the next attempt that an earlier one
may have posted (:attr:`Delivery.interrupted_at`). Every post carries the event's key in its
message metadata (``exportdesk_outbox``), so that attempt first reads the channel's history
(or the thread's replies) since the earlier attempt and, finding the key, records that
message instead of posting again. Reading needs the ``channels:history`` scope
(``groups:history`` in a private channel); without it the post is made (at least once).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.slack import blocks
from api.slack import threads as slack_threads
from api.slack.client import classify, slack_error
from api.slack.digest import digest_message
from api.slack.records import QuoteSummary
from sales import events, inquiries
from sales import handoff as handoffs
from sales.db import Database
from sales.models import ChatSession, Handoff, Inquiry, Quote
from sales.outbox_worker import Delivery, Handler, Permanent

log = logging.getLogger(__name__)

CHANNEL = "slack"  # this channel's name in the outbox's subscriptions and deliveries
METADATA_EVENT = "exportdesk_outbox"  # the metadata every post carries: {"key": <event key>}
# how far before the interrupted attempt's start its post is looked for (clock skew)
LOOKUP_MARGIN = timedelta(minutes=5)
LOOKUP_PAGES = 10


@dataclass(frozen=True)
class _Attempt:
    key: str
    interrupted_at: datetime | None


_attempt: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar(
    "slack_outbox_attempt", default=None
)


@dataclass(frozen=True)
class Posted:
    kind: str
    ref: str | None
    channel: str
    ts: str
    thread_ts: str | None = None


async def load_quote(db: AsyncSession, reference: str) -> tuple[Quote, Inquiry] | None:
    result = await db.execute(
        select(Quote)
        .options(
            selectinload(Quote.lines),
            selectinload(Quote.approvals),
            selectinload(Quote.charges),
            selectinload(Quote.inquiry).selectinload(Inquiry.items),
        )
        .where(Quote.reference == reference)
        .execution_options(populate_existing=True)
    )
    quote = result.scalar_one_or_none()
    return (quote, quote.inquiry) if quote else None


async def quote_summary(db: AsyncSession, reference: str) -> QuoteSummary | None:
    loaded = await load_quote(db, reference)
    if loaded is None:
        return None
    quote, inquiry = loaded
    return QuoteSummary.of(quote, inquiry_reference=inquiry.reference)


async def latest_quote_summary(db: AsyncSession, inquiry: Inquiry) -> QuoteSummary | None:
    if not inquiry.quotes:
        return None
    return await quote_summary(db, inquiry.quotes[-1].reference)


def _quote_reference(payload: dict[str, Any]) -> str:
    for key in ("quote", "quote_reference", "reference"):
        if isinstance(payload.get(key), str):
            return payload[key]
    raise Permanent("payload names no quote")


class SlackDelivery:
    def __init__(self, db: Database, client: AsyncWebClient, channel: str) -> None:
        self.db = db
        self.client = client
        self.channel = channel

    def handlers(self) -> dict[str, Handler]:
        return {
            events.INQUIRY_CREATED: self._wrap(self.new_inquiry),
            events.HANDOFF_REQUESTED: self._wrap(self.handoff),
            events.BUYER_MESSAGE: self._wrap(self.buyer_message),
            events.HANDOFF_UPDATED: self._wrap(self.handoff_update),
            events.CHAT_KEPT: self._wrap(self.chat_outage),
            events.CHAT_REPLAYED: self._wrap(self.chat_outage),
            events.CHAT_FAILED: self._wrap(self.chat_outage),
            events.QUOTE_PENDING_APPROVAL: self._wrap(self.quote_pending),
            events.QUOTE_SENT: self._wrap(self.quote_event("sent")),
            events.QUOTE_ACCEPTED: self._wrap(self.quote_event("accepted")),
            events.KPI_WEEKLY_DIGEST: self._wrap(self.weekly_digest),
            slack_threads.MESSAGE_UPDATE_TOPIC: self._wrap(self.message_update),
        }

    def _wrap(self, post: Callable[[Delivery], Awaitable[Posted | None]]) -> Handler:
        async def handle(row: Delivery) -> None:
            key = row.idempotency_key
            async with self.db.session() as db:
                if await slack_threads.find_post(db, key) is not None:
                    log.info("outbox event already posted", extra={"row": row.id})
                    return
            token = _attempt.set(_Attempt(key, row.interrupted_at))
            try:
                posted = await post(row)
            except Exception as exc:
                raise classify(exc) from exc
            finally:
                _attempt.reset(token)
            if posted is not None:
                async with self.db.session() as db:
                    await slack_threads.record_post(
                        db,
                        dedupe_key=key,
                        kind=posted.kind,
                        ref=posted.ref,
                        channel=posted.channel,
                        ts=posted.ts,
                        thread_ts=posted.thread_ts,
                    )

        return handle

    async def _post(
        self, message: blocks.Message, *, thread_ts: str | None = None, broadcast: bool = False
    ) -> tuple[str, str]:
        kwargs: dict[str, Any] = {
            "channel": self.channel,
            "text": message.text,
            "blocks": message.blocks,
            "unfurl_links": False,
        }
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
            if broadcast:
                kwargs["reply_broadcast"] = True
        attempt = _attempt.get()
        if attempt is not None:
            kwargs["metadata"] = {
                "event_type": METADATA_EVENT,
                "event_payload": {"key": attempt.key},
            }
            if attempt.interrupted_at is not None:
                found = await self._find_post(attempt, thread_ts)
                if found is not None:
                    log.warning("outbox event found already posted in Slack")
                    return found
        response = await self.client.chat_postMessage(**kwargs)
        return str(response["channel"]), str(response["ts"])

    async def _find_post(self, attempt: _Attempt, thread_ts: str | None) -> tuple[str, str] | None:
        """The message an earlier attempt of this event posted (channel, ts), if any."""
        assert attempt.interrupted_at is not None
        oldest = f"{(attempt.interrupted_at - LOOKUP_MARGIN).timestamp():.6f}"
        cursor: str | None = None
        try:
            for _ in range(LOOKUP_PAGES):
                args: dict[str, Any] = {
                    "channel": self.channel,
                    "oldest": oldest,
                    "include_all_metadata": True,
                    "limit": 200,
                }
                if cursor:
                    args["cursor"] = cursor
                if thread_ts:
                    response = await self.client.conversations_replies(ts=thread_ts, **args)
                else:
                    response = await self.client.conversations_history(**args)
                for message in response.get("messages") or []:
                    metadata = message.get("metadata") or {}
                    if (
                        metadata.get("event_type") == METADATA_EVENT
                        and (metadata.get("event_payload") or {}).get("key") == attempt.key
                    ):
                        return self.channel, str(message["ts"])
                cursor = (response.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return None
        except SlackApiError as exc:
            if slack_error(exc) in ("missing_scope", "not_allowed_token_type"):
                log.warning("cannot read the channel to look for an earlier post; posting")
                return None
            raise
        return None

    async def _in_session_thread(
        self, session_id: str, message: blocks.Message, *, kind: str, ref: str, broadcast: bool
    ) -> Posted:
        """Post into the session's thread, starting it with this message if there is none."""
        async with self.db.session() as db:
            thread = await slack_threads.thread_of(db, session_id)
        if thread is not None:
            channel, ts = await self._post(message, thread_ts=thread.thread_ts, broadcast=broadcast)
            return Posted(kind, ref, channel, ts, thread.thread_ts)
        channel, ts = await self._post(message)
        async with self.db.session() as db:
            await slack_threads.remember_thread(
                db, session_id=session_id, channel=channel, thread_ts=ts
            )
        return Posted(kind, ref, channel, ts)

    # -- events -----------------------------------------------------------------------------

    async def message_update(self, row: Delivery) -> None:
        """chat.update of a message (a decision or a take-over shown on it)."""
        payload = row.payload
        await self.client.chat_update(
            channel=payload["channel"],
            ts=payload["ts"],
            text=payload["text"],
            blocks=payload["blocks"],
        )

    async def weekly_digest(self, row: Delivery) -> Posted:
        """The week's figures and top knowledge gaps (sales/kpi/digest.py), in the channel."""
        payload = row.payload
        if not isinstance(payload.get("week"), str) or "figures" not in payload:
            raise Permanent("payload is no weekly digest")
        channel, ts = await self._post(digest_message(payload))
        return Posted("kpi_digest", payload["week"], channel, ts)

    async def new_inquiry(self, row: Delivery) -> Posted:
        reference = row.payload.get("reference")
        async with self.db.session() as db:
            inquiry = await inquiries.get(db, str(reference)) if reference else None
            if inquiry is None:
                raise Permanent(f"no inquiry {reference!r}")
            record = inquiries.to_record(inquiry)
            quote = await latest_quote_summary(db, inquiry)
        channel, ts = await self._post(blocks.inquiry_message(record, quote))
        return Posted("inquiry", inquiry.reference, channel, ts)

    async def handoff(self, row: Delivery) -> Posted:
        async with self.db.session() as db:
            handoff = await db.get(Handoff, int(row.payload.get("handoff_id") or 0))
            session = await db.get(ChatSession, handoff.session_id) if handoff else None
        if handoff is None:
            raise Permanent("no such handoff")
        summary = dict(handoff.summary or {})
        message = blocks.handoff_message(
            session_id=handoff.session_id,
            reason=handoffs.reason_text(handoff.reason),
            summary=summary,
            outside_hours=summary.get("told_buyer"),
            language=session.language if session else None,
        )
        return await self._in_session_thread(
            handoff.session_id, message, kind="handoff", ref=str(handoff.id), broadcast=True
        )

    async def _buyer_name(self, session_id: str) -> str | None:
        async with self.db.session() as db:
            result = await db.execute(
                select(Inquiry.contact_name, Inquiry.company, Inquiry.email)
                .where(Inquiry.session_id == session_id)
                .order_by(Inquiry.id.desc())
                .limit(1)
            )
            found = result.first()
        return next((v for v in found if v), None) if found else None

    async def buyer_message(self, row: Delivery) -> Posted:
        session_id = str(row.payload.get("session_id") or "")
        if not session_id:
            raise Permanent("payload names no session")
        message = blocks.buyer_message(
            str(row.payload.get("text") or ""),
            name=await self._buyer_name(session_id),
            note=row.payload.get("note"),
        )
        return await self._in_session_thread(
            session_id, message, kind="buyer_message", ref=session_id, broadcast=False
        )

    async def chat_outage(self, row: Delivery) -> Posted:
        """The engine did not answer a buyer (their messages are kept), or it answered them late
        once it was back (sales/replay.py): told in the session's thread."""
        session_id = str(row.payload.get("session_id") or "")
        if not session_id:
            raise Permanent("payload names no session")
        async with self.db.session() as db:
            if await db.get(ChatSession, session_id) is None:
                raise Permanent("no such chat session (erased?)")
        if row.topic == events.CHAT_KEPT:
            text = (
                "The assistant could not answer this buyer (its engine is down). Their "
                "messages are kept and will be answered when it is back; the buyer was told a "
                "person will follow up."
            )
            kind, icon = "chat_kept", ":warning:"
        elif row.topic == events.CHAT_FAILED:
            attempts = int(row.payload.get("attempts") or 0)
            reason = str(row.payload.get("reason") or "unknown")
            text = (
                "The assistant gave up on one message of this buyer: its engine failed it "
                f"{attempts} time{'s' if attempts != 1 else ''} ({blocks.escape(reason)}). "
                "The buyer was told a person will follow up; the conversation goes on with their "
                "next message. Please answer them."
            )
            kind, icon = "chat_failed", ":x:"
        else:
            count = int(row.payload.get("count") or 0)
            text = (
                f"The assistant is back: {count} kept message{'s' if count != 1 else ''} of "
                "this buyer answered late. Check the conversation."
            )
            kind, icon = "chat_replayed", ":arrows_counterclockwise:"
        message = blocks.Message(
            text=text,
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"{icon} {text}"}}],
        )
        ref = f"{session_id}:{row.payload.get('seq') or row.payload.get('seqs')}"
        return await self._in_session_thread(
            session_id, message, kind=kind, ref=ref[:120], broadcast=False
        )

    async def handoff_update(self, row: Delivery) -> Posted | None:
        async with self.db.session() as db:
            handoff = await db.get(Handoff, int(row.payload.get("handoff_id") or 0))
        if handoff is None:
            raise Permanent("no such handoff")
        event = row.payload.get("event")
        if event == "timed_out":
            minutes = max(1, round(handoffs.current_config().timeout_s / 60))
            message = blocks.timeout_notice(minutes=minutes)
            broadcast = False
        elif event == "callback":
            message = blocks.Message(
                text="The buyer asks for a call back",
                blocks=[
                    {
                        "type": "section",
                        "text": {
                            "type": "mrkdwn",
                            "text": ":telephone_receiver: *Call back requested:* "
                            + blocks.escape(handoff.callback_request),
                        },
                    }
                ],
            )
            broadcast = True
        else:
            raise Permanent(f"unknown handoff event {event!r}")
        return await self._in_session_thread(
            handoff.session_id,
            message,
            kind="handoff_update",
            ref=str(handoff.id),
            broadcast=broadcast,
        )

    async def quote_pending(self, row: Delivery) -> Posted:
        reference = _quote_reference(row.payload)
        async with self.db.session() as db:
            quote = await quote_summary(db, reference)
        if quote is None:
            raise Permanent(f"no quote {reference!r}")
        channel, ts = await self._post(blocks.quote_approval_message(quote))
        return Posted("quote", quote.reference, channel, ts)

    def quote_event(self, event: str) -> Callable[[Delivery], Awaitable[Posted]]:
        async def post(row: Delivery) -> Posted:
            reference = _quote_reference(row.payload)
            async with self.db.session() as db:
                quote = await quote_summary(db, reference)
                if quote is None:
                    raise Permanent(f"no quote {reference!r}")
                root = await slack_threads.latest_post(db, kind="inquiry", ref=quote.inquiry)
            message = blocks.quote_status_message(quote, event)
            thread_ts = root.ts if root else None
            channel, ts = await self._post(message, thread_ts=thread_ts, broadcast=bool(root))
            return Posted(f"quote_{event}", quote.reference, channel, ts, thread_ts)

        return post
