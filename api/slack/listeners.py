"""Bolt listeners: thin. Each acknowledges first (Slack wants an answer within 3 s), then
hands over to a service; Bolt runs the rest after the HTTP response has gone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from api.slack import blocks
from api.slack import threads as slack_threads
from api.slack.approvals import AlreadyDecided, NotAllowed, QuoteApprovals, UnknownQuote
from api.slack.delivery import quote_summary
from api.slack.desk import Desk
from api.slack.ids import REJECT_NOTE_ACTION, ActionId, BlockId, QuoteRef, SessionRef, ViewId
from sales import inquiries
from sales.db import Database

log = logging.getLogger(__name__)
RFQ_LIST_LIMIT = 10
KB_HITS = 3


@dataclass
class Context:
    db: Database
    desk: Desk
    approvals: QuoteApprovals
    kb: Callable[[], Any | None]  # the knowledge.index.KnowledgeBase loaded now


def _action(body: dict[str, Any]) -> tuple[str, str, str, list[dict[str, Any]], str | None]:
    """(user id, channel, message ts, message blocks, button value) of a block_actions body."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    ts = container.get("message_ts") or message.get("ts") or ""
    value = (body.get("actions") or [{}])[0].get("value")
    return body["user"]["id"], channel, ts, list(message.get("blocks") or []), value


def register(app: AsyncApp, ctx: Context) -> None:
    @app.middleware
    async def once_per_event(
        body: dict[str, Any], next: Any, context: AsyncBoltContext
    ) -> BoltResponse | None:
        """Slack retries an event it thinks we missed (X-Slack-Retry-Num); act on it once."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            async with ctx.db.session() as db:
                if not await slack_threads.first_sighting(db, str(event_id)):
                    log.info("slack event retry ignored")
                    return BoltResponse(status=200, body="")
        return await next()

    # -- events ----------------------------------------------------------------------------

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, joins, our own posts
        thread_ts = event.get("thread_ts")
        if not thread_ts or thread_ts == event.get("ts"):
            return  # not a thread reply
        text = blocks.from_mrkdwn(event.get("text") or "")
        if not text:
            return
        await ctx.desk.thread_reply(
            channel=event.get("channel", ""), thread_ts=thread_ts, rep_id=event["user"], text=text
        )

    # -- handoff buttons -------------------------------------------------------------------

    @app.action(ActionId.TAKE_OVER.value)
    async def on_take_over(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user, channel, ts, message_blocks, value = _action(body)
        ref = SessionRef.decode(value)
        if not isinstance(ref, SessionRef):
            return
        await ctx.desk.take_over(
            session_id=ref.session_id,
            rep_id=user,
            rep_fallback=body["user"].get("name"),
            channel=channel,
            message_ts=ts,
            message_blocks=message_blocks,
        )

    @app.action(ActionId.HAND_BACK.value)
    async def on_hand_back(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user, channel, ts, message_blocks, value = _action(body)
        ref = SessionRef.decode(value)
        if not isinstance(ref, SessionRef):
            return
        await ctx.desk.hand_back(
            session_id=ref.session_id,
            rep_id=user,
            channel=channel,
            message_ts=ts,
            message_blocks=message_blocks,
        )

    # -- quotes ----------------------------------------------------------------------------

    @app.action(ActionId.VIEW_QUOTE.value)
    async def on_view_quote(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user, channel, _, _, value = _action(body)
        ref = QuoteRef.decode(value)
        if not isinstance(ref, QuoteRef):
            return
        async with ctx.db.session() as db:
            quote = await quote_summary(db, ref.quote)
        if quote is None:
            await ctx.desk.tell(
                channel=channel, user=user, text=f"No quote {blocks.escape(ref.quote)}."
            )
            return
        await client.views_open(trigger_id=body["trigger_id"], view=blocks.quote_modal(quote))

    async def _decide(
        *, reference: str, decision: str, user: str, name: str | None, channel: str, ts: str,
        note: str = "",
    ) -> None:  # fmt: skip
        try:
            outcome = await ctx.approvals.decide(
                reference=reference,
                decision=decision,
                user_id=user,
                user_name=await ctx.desk.rep_name(user, name),
                note=note,
            )
        except NotAllowed:
            await ctx.desk.tell(
                channel=channel, user=user, text="Only approvers can decide on quotes."
            )
            return
        except (AlreadyDecided, UnknownQuote) as exc:
            await ctx.desk.tell(
                channel=channel, user=user, text=f"Nothing changed: {blocks.escape(str(exc))}."
            )
            return
        await ctx.approvals.redraw(outcome, channel=channel, ts=ts)

    @app.action(ActionId.APPROVE_QUOTE.value)
    async def on_approve(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user, channel, ts, _, value = _action(body)
        ref = QuoteRef.decode(value)
        if isinstance(ref, QuoteRef):
            await _decide(
                reference=ref.quote, decision="approved", user=user,
                name=body["user"].get("name"), channel=channel, ts=ts,
            )  # fmt: skip

    @app.action(ActionId.REJECT_QUOTE.value)
    async def on_reject(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user, channel, ts, _, value = _action(body)
        ref = QuoteRef.decode(value)
        if not isinstance(ref, QuoteRef):
            return
        try:
            await ctx.approvals.check(user)
        except NotAllowed:
            await ctx.desk.tell(
                channel=channel, user=user, text="Only approvers can decide on quotes."
            )
            return
        modal_ref = QuoteRef(quote=ref.quote, channel=channel, ts=ts)
        await client.views_open(trigger_id=body["trigger_id"], view=blocks.reject_modal(modal_ref))

    @app.view(ViewId.REJECT_QUOTE.value)
    async def on_reject_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        values = (view.get("state") or {}).get("values") or {}
        note = (
            ((values.get(BlockId.REJECT_NOTE.value) or {}).get(REJECT_NOTE_ACTION) or {}).get(
                "value"
            )
            or ""
        ).strip()
        if not note:
            await ack(
                response_action="errors", errors={BlockId.REJECT_NOTE.value: "Say why, please."}
            )
            return
        await ack()
        ref = QuoteRef.decode(view.get("private_metadata"))
        if not isinstance(ref, QuoteRef) or not ref.channel or not ref.ts:
            return
        await _decide(
            reference=ref.quote, decision="rejected", user=body["user"]["id"],
            name=body["user"].get("name"), channel=ref.channel, ts=ref.ts, note=note,
        )  # fmt: skip

    # -- slash commands --------------------------------------------------------------------

    @app.command("/rfq")
    async def on_rfq(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        reference = (command.get("text") or "").strip().upper()
        async with ctx.db.session() as db:
            if reference:
                inquiry = await inquiries.get(db, reference)
                message = (
                    blocks.inquiry_detail(inquiries.to_record(inquiry))
                    if inquiry
                    else blocks.Message(text=f"No inquiry {blocks.escape(reference)}.", blocks=[])
                )
            else:
                rows = await inquiries.list_recent(db, limit=RFQ_LIST_LIMIT)
                message = blocks.inquiry_list([inquiries.to_record(r) for r in rows])
        await _ephemeral(client, command, message)

    @app.command("/kb")
    async def on_kb(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        question = (command.get("text") or "").strip()
        if not question:
            await ack(text="Usage: `/kb <question>`, e.g. `/kb is PNL-6060-40W UL listed?`")
            return
        await ack()
        kb = ctx.kb()
        if kb is None:
            message = blocks.Message(text="The knowledge base is not loaded.", blocks=[])
        else:
            hits = await asyncio.to_thread(kb.search, question, KB_HITS)
            message = blocks.kb_answer(question, hits)
        await _ephemeral(client, command, message)


async def _ephemeral(
    client: AsyncWebClient, command: dict[str, Any], message: blocks.Message
) -> None:
    """Only the asker sees the answer."""
    kwargs: dict[str, Any] = {
        "channel": command["channel_id"],
        "user": command["user_id"],
        "text": message.text,
    }
    if message.blocks:
        kwargs["blocks"] = message.blocks
    try:
        await client.chat_postEphemeral(**kwargs)
    except SlackApiError:
        log.warning("ephemeral answer not delivered")
