"""Chat sessions and their transcript (every buyer, bot, agent and system message)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from i18n import language_of
from i18n.session_language import Choice, Source
from sales.models import ChatMessage, ChatMode, ChatSession, Role


class SessionNotFound(LookupError):
    pass


class BadToken(PermissionError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_session(
    db: AsyncSession, *, locale: str | None = None, page_url: str | None = None
) -> tuple[ChatSession, str]:
    """A new session and its bearer token (only the token's hash is stored)."""
    token = secrets.token_urlsafe(32)
    session = ChatSession(
        id=uuid.uuid4().hex,
        token_hash=_hash(token),
        locale=locale,
        language=language_of(locale) if locale else None,
        language_source=Source.LOCALE.value if locale else None,
        page_url=page_url,
        mode=ChatMode.BOT.value,
        last_seq=0,
    )
    db.add(session)
    await db.commit()
    return session, token


def set_language(session: ChatSession, choice: Choice) -> None:
    """The session speaks ``choice.language`` from now on (the caller commits)."""
    session.language = choice.language
    session.language_source = choice.source.value


async def authenticate(db: AsyncSession, session_id: str, token: str | None) -> ChatSession:
    session = await db.get(ChatSession, session_id) if len(session_id) <= 32 else None
    if session is None:
        raise SessionNotFound(session_id)
    if not token or not hmac.compare_digest(session.token_hash, _hash(token)):
        raise BadToken(session_id)
    return session


_SESSIONS = cast(Table, ChatSession.__table__)


async def _allocate_seq(db: AsyncSession, session_id: str, count: int) -> int:
    """Reserve ``count`` sequence numbers atomically; returns the last one. A statement on the
    table, not the entity: the ORM's synchronisation of loaded sessions' ``last_seq`` (read
    nowhere but here) cost more than the UPDATE itself."""
    result = await db.execute(
        update(_SESSIONS)
        .where(_SESSIONS.c.id == session_id)
        .values(last_seq=_SESSIONS.c.last_seq + count)
        .returning(_SESSIONS.c.last_seq)
    )
    return int(result.scalar_one())


async def append(
    db: AsyncSession,
    *,
    session_id: str,
    role: Role,
    texts: Sequence[tuple[str, list[dict[str, str]]]],
    payload: str | None = None,
    author: str | None = None,
    handled: bool = True,
    client_message_id: str | None = None,
) -> list[ChatMessage]:
    """Append messages of one role to the transcript and commit; returns them with their seq.
    A ``client_message_id`` already used in the session raises IntegrityError (rolled back)."""
    if not texts:
        return []
    last = await _allocate_seq(db, session_id, len(texts))
    first = last - len(texts) + 1
    rows = [
        ChatMessage(
            session_id=session_id,
            seq=first + i,
            role=role.value,
            text=text,
            buttons=buttons,
            payload=payload,
            author=author,
            handled=handled,
            client_message_id=client_message_id,
        )
        for i, (text, buttons) in enumerate(texts)
    ]
    db.add_all(rows)
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise
    return rows


async def answer(
    db: AsyncSession,
    *,
    buyer: ChatMessage,
    texts: Sequence[tuple[str, list[dict[str, str]]]],
) -> list[ChatMessage] | None:
    """Store the bot's answer to ``buyer`` and mark it handled, in one transaction; None (and
    nothing stored) when it was answered already (another attempt, another instance)."""
    claimed = await db.execute(
        update(ChatMessage)
        .where(ChatMessage.id == buyer.id, ChatMessage.handled.is_(False))
        .values(handled=True)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await db.rollback()
        return None
    rows: list[ChatMessage] = []
    if texts:
        last = await _allocate_seq(db, buyer.session_id, len(texts))
        first = last - len(texts) + 1
        rows = [
            ChatMessage(
                session_id=buyer.session_id,
                seq=first + i,
                role=Role.BOT.value,
                text=text,
                buttons=buttons,
                reply_to=buyer.seq,
            )
            for i, (text, buttons) in enumerate(texts)
        ]
        db.add_all(rows)
    await db.commit()
    return rows


async def by_client_id(
    db: AsyncSession, session_id: str, client_message_id: str
) -> ChatMessage | None:
    """The buyer message the client sent with this id, if any."""
    result = await db.execute(
        select(ChatMessage).where(
            ChatMessage.session_id == session_id,
            ChatMessage.client_message_id == client_message_id,
        )
    )
    return result.scalar_one_or_none()


async def replies_to(db: AsyncSession, session_id: str, seq: int) -> list[ChatMessage]:
    """The bot's answer to the buyer message ``seq``."""
    result = await db.execute(
        select(ChatMessage)
        .where(ChatMessage.session_id == session_id, ChatMessage.reply_to == seq)
        .order_by(ChatMessage.seq)
    )
    return list(result.scalars())


async def sessions_with_unhandled(
    db: AsyncSession, *, before: datetime, limit: int = 100
) -> list[str]:
    """Chat sessions the bot has, with buyer messages the engine never answered that were
    stored before ``before`` (oldest first)."""
    result = await db.execute(
        select(ChatMessage.session_id)
        .join(ChatSession, ChatSession.id == ChatMessage.session_id)
        .where(
            ChatMessage.role == Role.BUYER.value,
            ChatMessage.handled.is_(False),
            ChatMessage.created_at < before,
            ChatSession.mode == ChatMode.BOT.value,
        )
        .group_by(ChatMessage.session_id)
        .order_by(func.min(ChatMessage.created_at))
        .limit(limit)
    )
    return list(result.scalars())


async def messages_after(db: AsyncSession, session_id: str, after: int = 0) -> list[ChatMessage]:
    result = await db.execute(
        select(ChatMessage)
        .where(ChatMessage.session_id == session_id, ChatMessage.seq > after)
        .order_by(ChatMessage.seq)
    )
    return list(result.scalars())


async def last_buttons(db: AsyncSession, session_id: str) -> list[dict[str, str]]:
    """The buttons of the newest bot or agent message: the payloads a buyer may click now."""
    result = await db.execute(
        select(ChatMessage.buttons)
        .where(
            ChatMessage.session_id == session_id,
            ChatMessage.role.in_([Role.BOT.value, Role.AGENT.value]),
        )
        .order_by(ChatMessage.seq.desc())
        .limit(1)
    )
    return list(result.scalar_one_or_none() or [])


async def mark_handled(db: AsyncSession, message_ids: Sequence[int]) -> None:
    if message_ids:
        await db.execute(
            update(ChatMessage).where(ChatMessage.id.in_(message_ids)).values(handled=True)
        )
        await db.commit()


async def unhandled(db: AsyncSession, session_id: str) -> list[ChatMessage]:
    """Buyer messages the engine never answered (it was down), oldest first."""
    result = await db.execute(
        select(ChatMessage)
        .where(
            ChatMessage.session_id == session_id,
            ChatMessage.role == Role.BUYER.value,
            ChatMessage.handled.is_(False),
        )
        .order_by(ChatMessage.seq)
    )
    return list(result.scalars())
