"""What a rep does in Slack about a conversation: take it over, talk in its thread, hand it
back. The rules live in :mod:`sales.handoff`; this adds the Slack side (names, notices, the
clicked message's update) and lets the bot resume after a hand-back."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from api.chat.gateway import ChatGateway
from api.engine import EngineClient, EngineUnavailable
from api.slack import blocks
from api.slack import threads as slack_threads
from api.slack.ids import ActionId
from sales import handoff
from sales.db import Database
from sales.models import utcnow

log = logging.getLogger(__name__)


class Desk:
    def __init__(
        self,
        *,
        db: Database,
        client: AsyncWebClient,
        gateway: ChatGateway,
        engine: EngineClient,
    ) -> None:
        self.db = db
        self.client = client
        self.gateway = gateway
        self.engine = engine
        self._names: dict[str, str] = {}

    async def rep_name(self, user_id: str, fallback: str | None = None) -> str:
        """The rep's first name as the buyer sees it ("Mei from Lumora sales")."""
        if user_id in self._names:
            return self._names[user_id]
        name = fallback or "A colleague"
        try:
            user = (await self.client.users_info(user=user_id))["user"]
            profile = user.get("profile") or {}
            real = profile.get("real_name") or user.get("real_name") or ""
            name = profile.get("display_name") or (real.split()[0] if real else "") or name
            self._names[user_id] = name
        except (SlackApiError, KeyError, TypeError):
            log.warning("users.info failed; using the fallback name")
        return name

    async def tell(self, *, channel: str, user: str, text: str) -> None:
        """A note only ``user`` sees."""
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError:
            log.warning("ephemeral note not delivered")

    async def _update(
        self,
        channel: str,
        ts: str,
        message_blocks: Sequence[dict[str, Any]],
        *,
        drop: set[str],
        note: str,
    ) -> None:
        async with self.db.session() as db:
            await slack_threads.queue_message_update(
                db,
                channel=channel,
                ts=ts,
                text=note,
                blocks=blocks.after_action(message_blocks, drop=drop, note=note),
            )

    async def take_over(
        self,
        *,
        session_id: str,
        rep_id: str,
        rep_fallback: str | None,
        channel: str,
        message_ts: str,
        message_blocks: Sequence[dict[str, Any]],
    ) -> None:
        name = await self.rep_name(rep_id, rep_fallback)
        async with self.db.session() as db:
            try:
                outcome = await handoff.take_over(
                    db, session_id=session_id, rep_id=rep_id, rep_name=name
                )
            except handoff.AlreadyTaken as taken:
                who = f"<@{taken.rep_id}>" if taken.rep_id else "another rep"
                await self.tell(channel=channel, user=rep_id, text=f"{who} already has this chat.")
                return
            except handoff.SessionGone:
                await self.tell(channel=channel, user=rep_id, text="That chat no longer exists.")
                return
            thread = await slack_threads.remember_thread(
                db, session_id=session_id, channel=channel, thread_ts=message_ts
            )
        if not outcome.changed:
            return
        notice = blocks.taken_over_notice(rep_id=rep_id, session_id=session_id)
        try:
            await self.client.chat_postMessage(
                channel=thread.channel,
                thread_ts=thread.thread_ts,
                text=notice.text,
                blocks=notice.blocks,
            )
        except SlackApiError:
            log.warning("take-over notice not posted")
        await self._update(
            channel,
            message_ts,
            message_blocks,
            drop={ActionId.TAKE_OVER.value},
            note=f":wave: taken over by <@{rep_id}> on {blocks.stamp(utcnow())}",
        )

    async def hand_back(
        self,
        *,
        session_id: str,
        rep_id: str,
        channel: str,
        message_ts: str,
        message_blocks: Sequence[dict[str, Any]],
    ) -> None:
        async with self.db.session() as db:
            try:
                await handoff.hand_back(db, session_id=session_id, rep_id=rep_id)
            except (handoff.NotHandedOff, handoff.SessionGone):
                await self.tell(
                    channel=channel, user=rep_id, text="The assistant already has this chat."
                )
                return
        await self._update(
            channel,
            message_ts,
            message_blocks,
            drop={ActionId.HAND_BACK.value},
            note=f":robot_face: handed back to the assistant by <@{rep_id}> on "
            f"{blocks.stamp(utcnow())}",
        )
        await self.resume(session_id)

    async def resume(self, session_id: str) -> None:
        """The bot picks the conversation up again (re-asks the open form question)."""
        try:
            await self.gateway.bot_turn(session_id, lambda: self.engine.trigger(session_id))
        except EngineUnavailable:
            log.warning("engine did not resume the conversation; the next message will")

    async def thread_reply(self, *, channel: str, thread_ts: str, rep_id: str, text: str) -> bool:
        """A reply in a conversation's thread: to the buyer, if it is from the rep who has it."""
        async with self.db.session() as db:
            session_id = await slack_threads.session_for_thread(db, channel, thread_ts)
            if session_id is None:
                return False
            message = await handoff.agent_reply(db, session_id=session_id, rep_id=rep_id, text=text)
        return message is not None
