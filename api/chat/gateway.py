"""The chat gateway: stores every turn, asks the engine, fans replies out to WebSockets."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from api.broker import Broker
from api.chat.clients import TurnSlots
from api.chat.ratelimit import RateLimiter
from api.chat.turn_records import TurnRecords
from api.engine import BotMessage, EngineClient, EngineUnavailable
from i18n import session_language, t
from sales import conversations, handoff
from sales import replay as replay_events
from sales.db import Database
from sales.models import ChatMessage, ChatMode, ChatSession, Role

log = logging.getLogger(__name__)

# The engine's intent for "can we speak English?": the new language goes with it as metadata.
SWITCH_LANGUAGE = "/switch_language"


class InvalidMessage(ValueError):
    """The buyer's message cannot be processed as given (the reason is readable)."""


class MessageTooLong(InvalidMessage):
    pass


class RateLimited(RuntimeError):
    def __init__(self, reason: str, retry_after_s: float = 1.0) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class Busy(RuntimeError):
    """Too many turns in flight in this instance: the message was not stored; try again."""

    retry_after_s = 2.0


class EngineDown(RuntimeError):
    """The engine is down; the buyer's message was stored all the same."""


class TurnFailed(EngineDown):
    """The engine is up but failed a turn of this session (counted towards giving it up,
    sales/replay.py); the buyer's message was stored all the same."""


@dataclass(frozen=True)
class Turn:
    messages: list[ChatMessage]
    mode: str
    language: str | None = None  # the session's language after the turn


def state_event(mode: str, language: str | None) -> dict[str, Any]:
    """The session's state as pushed to its sockets: sent when the mode or the language changes
    (a client that only knows "mode" frames reads the mode and ignores the rest)."""
    return {"type": "mode", "mode": mode, "language": language}


def message_event(message: ChatMessage) -> dict[str, Any]:
    return {
        "type": "message",
        "seq": message.seq,
        "role": message.role,
        "text": message.text,
        "buttons": message.buttons or [],
        "created_at": message.created_at.isoformat().replace("+00:00", "Z"),
        "author": message.author,
    }


def engine_text(text: str) -> str:
    """What the engine gets for a typed message.

    Rasa reads a message starting with "/" as an intent with entities ("/inform{...}"); a buyer
    must not be able to set slots or restart the conversation by typing one, so leading slashes
    are dropped (buttons carry such payloads, and those are checked against what was offered).
    """
    return text.strip().lstrip("/").strip()


class ChatGateway:
    def __init__(
        self,
        *,
        db: Database,
        engine: EngineClient,
        broker: Broker,
        limiter: RateLimiter,
        max_text: int,
        turns: TurnSlots | None = None,
        records: TurnRecords | None = None,
        give_up: replay_events.GiveUp | None = None,
    ) -> None:
        self.db = db
        # when a message whose turn the engine (up) fails every time is given up
        self.give_up = give_up or replay_events.GiveUp()
        # the engine's record of its turns: an empty answer to a turn it did not record is no
        # answer (api/chat/turn_records.py)
        self.records = records
        self.turns = turns or TurnSlots(1_000_000)
        self.engine = engine
        self.broker = broker
        self.limiter = limiter
        self.max_text = max_text
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, session_id: str) -> asyncio.Lock:
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        return lock

    async def publish(self, session_id: str, messages: list[ChatMessage]) -> None:
        for message in messages:
            await self.broker.publish(session_id, message_event(message))

    async def publish_state(self, session_id: str, mode: str | None = None) -> None:
        """Push the session's mode and language (``mode`` overrides the stored one)."""
        async with self.db.session() as db:
            current = await db.get(ChatSession, session_id, populate_existing=True)
        if current is None and mode is None:
            return
        await self.broker.publish(
            session_id,
            state_event(
                mode or (current.mode if current else ChatMode.BOT.value),
                current.language if current else None,
            ),
        )

    async def _resolve_payload(self, session_id: str, payload: str) -> str:
        """The title of the offered button with this payload (buttons are the only way in)."""
        async with self.db.session() as db:
            offered = await conversations.last_buttons(db, session_id)
        for button in offered:
            if button.get("payload") == payload:
                return button.get("title") or payload
        raise InvalidMessage("that button is no longer available; please type your answer")

    async def handle(
        self,
        session: ChatSession,
        *,
        text: str | None = None,
        payload: str | None = None,
        client_message_id: str | None = None,
    ) -> Turn:
        """One buyer message: stored first, then answered by the engine (if the bot has the
        conversation). Raises EngineDown after storing when the engine does not answer.

        With a ``client_message_id`` the session already holds, nothing is stored or run again:
        the answer is the first one (or, if that message still waits for the engine, it is
        answered now, by the engine's record when its turn ran already)."""
        wait_s = self.limiter.wait_s(session.id)
        if wait_s:
            raise RateLimited("too many messages; please wait a moment", wait_s)
        if not self.turns.take():
            log.warning("too many turns in flight", extra={"limit": self.turns.limit})
            raise Busy("the assistant is busy; please try again in a moment")
        try:
            return await self._handle(
                session, text=text, payload=payload, client_message_id=client_message_id
            )
        finally:
            self.turns.give_back()

    async def _handle(
        self,
        session: ChatSession,
        *,
        text: str | None = None,
        payload: str | None = None,
        client_message_id: str | None = None,
    ) -> Turn:
        async with self._lock(session.id):
            first: ChatMessage | None = None
            if client_message_id is not None:
                async with self.db.session() as db:
                    first = await conversations.by_client_id(db, session.id, client_message_id)
                if first is not None:
                    return await self._repeat(session.id, first)
            if payload is not None:
                shown = await self._resolve_payload(session.id, payload)
                to_engine = payload
            else:
                assert text is not None
                if len(text) > self.max_text:
                    raise MessageTooLong(
                        f"a message may have at most {self.max_text} characters; "
                        f"this one has {len(text)}"
                    )
                shown = text.strip()
                to_engine = engine_text(text)
                if not to_engine:
                    raise InvalidMessage("the message is empty")
            async with self.db.session() as db:
                current = await db.get(ChatSession, session.id, populate_existing=True)
                mode = current.mode if current else session.mode
                bot_has_it = mode == ChatMode.BOT.value
                language = current.language if current else session.language
                before = language
                # only typed text says which language the buyer writes (payloads are canonical)
                choice = (
                    session_language.choose(language, current.language_source, shown)
                    if current is not None and payload is None
                    else None
                )
                if choice is not None:
                    conversations.set_language(current, choice)
                    language = choice.language
                    if choice.requested:
                        to_engine = SWITCH_LANGUAGE
                if not bot_has_it:  # a person is asked for or has it: to the Slack thread
                    handoff.forward_buyer_message(db, session_id=session.id, text=shown)
                try:
                    (buyer_message,) = await conversations.append(
                        db,
                        session_id=session.id,
                        role=Role.BUYER,
                        texts=[(shown, [])],
                        payload=payload,
                        handled=not bot_has_it,
                        client_message_id=client_message_id,
                    )
                except IntegrityError:
                    if client_message_id is not None:  # another instance stored it meanwhile
                        first = await conversations.by_client_id(db, session.id, client_message_id)
                    if first is None:
                        raise
            if first is not None:
                return await self._repeat(session.id, first)
            await self.publish(session.id, [buyer_message])
            if language != before:  # the widget switches its own texts at once
                await self.broker.publish(session.id, state_event(mode, language))
            if not bot_has_it:
                async with self.db.session() as db:
                    outcome = await handoff.buyer_wrote(db, session_id=session.id, text=shown)
                return Turn(messages=outcome.messages, mode=outcome.mode, language=language)
            await self._answer_waiting(session.id, fresh=(buyer_message.id, to_engine))
            async with self.db.session() as db:
                current = await db.get(ChatSession, session.id, populate_existing=True)
                mode = current.mode if current else mode
                language = current.language if current else language
                # with the notes actions wrote during the turn (a handoff's, say)
                answered = await conversations.messages_after(db, session.id, buyer_message.seq)
            return Turn(messages=answered, mode=mode, language=language)

    async def _repeat(self, session_id: str, first: ChatMessage) -> Turn:
        """A message the client sent before (same client_message_id): the first answer."""
        if not first.handled:  # kept while the engine was down, or its answer timed out
            await self._answer_waiting(session_id)
        async with self.db.session() as db:
            current = await db.get(ChatSession, session_id, populate_existing=True)
            answer = await conversations.replies_to(db, session_id, first.seq)
        mode = current.mode if current else ChatMode.BOT.value
        return Turn(messages=answer, mode=mode, language=current.language if current else None)

    async def _answer_waiting(
        self, session_id: str, *, fresh: tuple[int, str] | None = None
    ) -> int:
        """Send the session's buyer messages the engine has not answered to it, oldest first,
        and store each answer (the caller holds the session's lock). ``fresh``: the message just
        stored (its id and what the engine gets for it), sent for the first time; every other
        one is a replay, which the engine answers from its record when the turn ran already.
        Raises EngineDown when the engine does not answer (the messages stay kept, and the
        sales channel hears of it once), TurnFailed when it is up but failed the turn; a message
        given up after failing too often (sales/replay.py) is passed over for the next one.
        Returns how many kept messages were replayed."""
        async with self.db.session() as db:
            waiting = await conversations.unhandled(db, session_id)
            if waiting:  # the first message's look at the session, in the same session
                current = await db.get(ChatSession, session_id, populate_existing=True)
        replayed: list[int] = []
        fresh_given_up = False
        for index, message in enumerate(waiting):
            if index:
                async with self.db.session() as db:
                    current = await db.get(ChatSession, session_id, populate_existing=True)
            if current is None or current.mode != ChatMode.BOT.value:
                break  # a person has the conversation now; the messages went to them
            first_send = fresh is not None and message.id == fresh[0]
            if first_send:
                assert fresh is not None
                to_engine = fresh[1]
            else:
                to_engine = message.payload or engine_text(message.text)
            name = f"{session_id}-{message.seq}"
            try:
                replies = await self.engine.send(
                    session_id,
                    to_engine,
                    language=current.language,
                    message_id=name,
                    replay=not first_send,
                )
                if not replies and self.records and await self.records.missing(session_id, name):
                    raise EngineUnavailable("the engine answered a turn it did not record")
            except EngineUnavailable as exc:
                log.warning("engine unavailable", extra={"reason": str(exc)})
                error: type[EngineDown] = EngineDown
                if await self.engine.model_loaded():  # the engine is up: this turn failed
                    error = TurnFailed
                    if await self._failed_attempt(message, str(exc)):
                        fresh_given_up = first_send
                        continue
                async with self.db.session() as db:
                    await replay_events.kept(db, session_id=session_id, first_seq=waiting[0].seq)
                raise error(t("core.engine_down", current.language)) from exc
            async with self.db.session() as db:
                stored = await conversations.answer(
                    db, buyer=message, texts=[(r.text, r.buttons) for r in replies]
                )
            if stored is None:
                continue  # answered meanwhile by another attempt
            await self.publish(session_id, stored)
            if not first_send:
                replayed.append(message.seq)
        if replayed:
            log.info("kept messages replayed", extra={"count": len(replayed)})
            async with self.db.session() as db:
                await replay_events.replayed(db, session_id=session_id, seqs=replayed)
        if fresh_given_up:  # the buyer is told a person will follow up (the sales channel was)
            raise TurnFailed(t("core.engine_down", current.language if current else None))
        return len(replayed)

    async def _failed_attempt(self, message: ChatMessage, reason: str) -> bool:
        """Count a failed attempt at ``message``'s turn; True when it is given up now."""
        async with self.db.session() as db:
            given_up = await replay_events.failed_attempt(
                db, message=message, reason=reason, give_up=self.give_up
            )
        if given_up:
            log.error(
                "buyer message given up",
                extra={"session_id": message.session_id, "seq": message.seq, "reason": reason},
            )
        return given_up

    async def replay(self, session_id: str) -> int:
        """Answer the session's kept messages (the replay job); how many were replayed."""
        async with self._lock(session_id):
            return await self._answer_waiting(session_id)

    async def bot_turn(
        self, session_id: str, produce: Callable[[], Awaitable[list[BotMessage]]]
    ) -> list[ChatMessage]:
        """A turn the bot starts itself (it resumes after a handoff): stored and pushed."""
        async with self._lock(session_id):
            replies = await produce()
            async with self.db.session() as db:
                stored = await conversations.append(
                    db,
                    session_id=session_id,
                    role=Role.BOT,
                    texts=[(r.text, r.buttons) for r in replies],
                )
            await self.publish(session_id, stored)
            return stored
