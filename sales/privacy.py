"""A buyer's personal data: erasure on request and retention.

One buyer is found by e-mail (the inquiries with that address, and every chat session where it
was typed, given for a call-back, kept with an RFQ in progress or asked about in a knowledge
gap) or by chat session id. Erasing them

- deletes their chat sessions with everything hanging off them: the transcript, handoffs (their
  summaries hold the buyer's details and call-back numbers), RFQs in progress (their address),
  knowledge gaps asked there, the Slack thread link, outbox rows still to post buyer text;
- anonymises their inquiries, which stay for the sales figures and accounting: items, totals,
  status, quotes, countries and places stay; company, contact name, e-mail, phone and notes
  become empty and the link to the chat session goes;
- deletes the Rasa tracker store's events of those sessions (the sender id is the session id).

The tracker store goes first: if it cannot be reached nothing is changed, and the request can
be repeated. The report counts rows per store and never repeats the personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from sales.db import create_engine
from sales.models import (
    ChatMessage,
    ChatSession,
    Handoff,
    Inquiry,
    KnowledgeGap,
    OutboxMessage,
    RfqDraft,
    Role,
    SlackThread,
    utcnow,
)

log = logging.getLogger(__name__)

# Rasa's SQL tracker store: one table of events, keyed by the conversation's sender id.
TRACKER_TABLE = "events"
ORDER_DATABASE = "order_database"
TRACKER_STORE = "tracker_store"
# the buyer fields an anonymised inquiry loses
_BLANK_BUYER: dict[str, Any] = {
    "company": None,
    "contact_name": None,
    "email": None,
    "phone": None,
    "notes": "",
    "session_id": None,
}


@dataclass
class ErasureReport:
    """Rows erased (deleted or anonymised) per store and table."""

    stores: dict[str, dict[str, int]] = field(
        default_factory=lambda: {ORDER_DATABASE: {}, TRACKER_STORE: {}}
    )

    def add(self, store: str, table: str, count: int) -> None:
        counts = self.stores.setdefault(store, {})
        counts[table] = counts.get(table, 0) + max(count, 0)

    @property
    def total(self) -> int:
        return sum(n for counts in self.stores.values() for n in counts.values())


def _mentions(column: Any, needle: str) -> ColumnElement[bool]:
    return func.lower(column).contains(needle.lower(), autoescape=True)


async def sessions_of_email(db: AsyncSession, email: str) -> set[str]:
    """Every chat session that belongs to the buyer with this e-mail address."""
    email = email.strip()
    found: set[str] = set()
    queries = [
        select(Inquiry.session_id).where(func.lower(Inquiry.email) == email.lower()),
        select(ChatMessage.session_id).where(
            ChatMessage.role == Role.BUYER.value, _mentions(ChatMessage.text, email)
        ),
        select(Handoff.session_id).where(_mentions(Handoff.callback_request, email)),
        select(RfqDraft.session_id).where(func.lower(RfqDraft.email) == email.lower()),
        select(KnowledgeGap.session_id).where(_mentions(KnowledgeGap.question, email)),
    ]
    for query in queries:
        found.update(sid for sid in (await db.scalars(query)).all() if sid)
    return found


async def _count_and_delete(db: AsyncSession, model: Any, condition: ColumnElement[bool]) -> int:
    count = await db.scalar(select(func.count()).select_from(model).where(condition))
    await db.execute(delete(model).where(condition).execution_options(synchronize_session=False))
    return int(count or 0)


async def erase_in_orders(
    db: AsyncSession,
    report: ErasureReport,
    *,
    session_ids: Iterable[str],
    email: str | None = None,
    inquiry_ids: Iterable[int] = (),
) -> None:
    """Delete the sessions' data and anonymise their (and the e-mail's) inquiries; the caller
    commits."""
    sids = sorted(set(session_ids))
    inquiry_match: list[ColumnElement[bool]] = []
    if sids:
        inquiry_match.append(Inquiry.session_id.in_(sids))
    if email:
        inquiry_match.append(func.lower(Inquiry.email) == email.strip().lower())
    ids = list(inquiry_ids)
    if ids:
        inquiry_match.append(Inquiry.id.in_(ids))
    anonymised = 0
    if inquiry_match:
        result = await db.execute(
            update(Inquiry)
            .where(or_(*inquiry_match))
            .values(**_BLANK_BUYER, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        anonymised = int(getattr(result, "rowcount", 0) or 0)
    report.add(ORDER_DATABASE, "inquiries_anonymised", anonymised)
    gaps: list[ColumnElement[bool]] = []
    if sids:
        gaps.append(KnowledgeGap.session_id.in_(sids))
    if email:
        gaps.append(_mentions(KnowledgeGap.question, email))
    report.add(
        ORDER_DATABASE,
        "knowledge_gaps",
        await _count_and_delete(db, KnowledgeGap, or_(*gaps)) if gaps else 0,
    )
    for table, model, condition in (
        ("chat_messages", ChatMessage, ChatMessage.session_id.in_(sids)),
        ("handoffs", Handoff, Handoff.session_id.in_(sids)),
        ("rfq_drafts", RfqDraft, RfqDraft.session_id.in_(sids)),
        ("slack_threads", SlackThread, SlackThread.session_id.in_(sids)),
        (
            "outbox",
            OutboxMessage,
            OutboxMessage.ordering_key.in_([f"chat:{sid}" for sid in sids]),
        ),
        ("chat_sessions", ChatSession, ChatSession.id.in_(sids)),
    ):
        report.add(
            ORDER_DATABASE, table, await _count_and_delete(db, model, condition) if sids else 0
        )


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store did not answer: nothing was erased."""


async def erase_tracker(tracker_url: str | None, session_ids: Iterable[str]) -> int:
    """Delete the tracker store's events of these senders; 0 when it has no events table yet.
    Raises TrackerStoreUnavailable when the store does not answer."""
    sids = sorted(set(session_ids))
    if not tracker_url or not sids:
        return 0
    try:
        return await _erase_tracker(tracker_url, sids)
    except (SQLAlchemyError, OSError) as exc:
        raise TrackerStoreUnavailable(type(exc).__name__) from exc


async def _erase_tracker(tracker_url: str, sids: list[str]) -> int:
    engine = create_engine(tracker_url)
    try:
        async with engine.begin() as conn:
            table: Table | None = await conn.run_sync(_reflect_events)
            if table is None:
                return 0
            deleted = 0
            for start in range(0, len(sids), 500):
                result = await conn.execute(
                    delete(table).where(table.c.sender_id.in_(sids[start : start + 500]))
                )
                deleted += int(result.rowcount or 0)
            return deleted
    finally:
        await engine.dispose()


def _reflect_events(conn: Any) -> Table | None:
    from sqlalchemy import MetaData, inspect

    if not inspect(conn).has_table(TRACKER_TABLE):
        return None
    metadata = MetaData()
    return Table(TRACKER_TABLE, metadata, autoload_with=conn)


async def erase_buyer(
    db: AsyncSession,
    *,
    tracker_url: str | None,
    email: str | None = None,
    session_id: str | None = None,
) -> ErasureReport:
    """Erase one buyer, found by e-mail or by chat session id (commits)."""
    if (email is None) == (session_id is None):
        raise ValueError("give an e-mail or a session id")
    sids = await sessions_of_email(db, email) if email is not None else {session_id or ""}
    sids.discard("")
    report = ErasureReport()
    report.add(TRACKER_STORE, "events", await erase_tracker(tracker_url, sids))
    await erase_in_orders(db, report, session_ids=sids, email=email)
    await db.commit()
    return report


async def apply_retention(
    db: AsyncSession,
    *,
    tracker_url: str | None,
    days: int,
    now: datetime | None = None,
    batch: int = 500,
) -> ErasureReport:
    """Erase what is older than ``days``: chat sessions not touched since (with their tracker
    events), inquiries not updated since (anonymised), knowledge gaps asked before. At most
    ``batch`` sessions and inquiries a pass (commits)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    sids = set(
        (
            await db.scalars(
                select(ChatSession.id).where(ChatSession.updated_at < cutoff).limit(batch)
            )
        ).all()
    )
    inquiry_ids = (
        await db.scalars(
            select(Inquiry.id)
            .where(
                Inquiry.updated_at < cutoff,
                or_(
                    Inquiry.company.is_not(None),
                    Inquiry.contact_name.is_not(None),
                    Inquiry.email.is_not(None),
                    Inquiry.phone.is_not(None),
                    Inquiry.notes != "",
                    Inquiry.session_id.is_not(None),
                ),
            )
            .limit(batch)
        )
    ).all()
    report = ErasureReport()
    report.add(TRACKER_STORE, "events", await erase_tracker(tracker_url, sids))
    await erase_in_orders(db, report, session_ids=sids, inquiry_ids=inquiry_ids)
    report.add(
        ORDER_DATABASE,
        "knowledge_gaps",
        await _count_and_delete(db, KnowledgeGap, KnowledgeGap.created_at < cutoff),
    )
    await db.commit()
    return report
