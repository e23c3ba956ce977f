"""A handoff's first rep reply, kept on the handoff (``handoffs.first_reply_at``).

The figure ``handoff_to_first_rep_reply`` (sales/kpi/service.py) reads, per handoff, the first
rep message (``role = 'agent'``) in that chat at or after the handoff was asked. That was an
index probe into the chat messages per handoff at every look (24k a year); it is kept here,
rewritten by :func:`refresh` for the handoffs of a set of chat sessions from the messages:

- in the transaction of every change, by an ORM ``after_flush`` hook (installed with the
  kept facts' hooks, sales/kpi/facts.py): the sessions of every handoff and every rep
  message the flush wrote, changed or deleted;
- after a DELETE statement through a session on the chat messages (the privacy erasure's),
  for the sessions it matched;
- for every handoff (``refresh(conn, None)``): migration 8d3f5b1c7e24's backfill, and a
  database filled behind the ORM's back (bench/kpi_bench.py's COPY).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, true, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from sales.models import ChatMessage, Handoff, Role, UTCDateTime

CHUNK = 500


def first_reply() -> Any:
    """The first rep message in a handoff's chat at or after it was asked."""
    return (
        select(func.min(ChatMessage.created_at, type_=UTCDateTime()))
        .where(
            ChatMessage.session_id == Handoff.session_id,
            # written out, not a parameter: the partial index ix_chat_messages_agent_replies
            # (role = 'agent') matches only a literal
            ChatMessage.role == literal_column(f"'{Role.AGENT.value}'"),
            ChatMessage.created_at >= Handoff.requested_at,
        )
        .scalar_subquery()
    )


def refresh(conn: Connection, session_ids: Iterable[str] | None) -> None:
    """Rewrite ``first_reply_at`` of the handoffs of ``session_ids`` (None: of every handoff),
    on ``conn`` in its transaction."""
    stmt = update(Handoff).values(first_reply_at=first_reply())
    if session_ids is None:
        conn.execute(stmt)
        return
    ordered = sorted(set(session_ids))
    for start in range(0, len(ordered), CHUNK):
        conn.execute(stmt.where(Handoff.session_id.in_(ordered[start : start + CHUNK])))


def _touched(session: Session) -> set[str]:
    out: set[str] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        state = obj.__dict__
        if isinstance(obj, Handoff) or (
            isinstance(obj, ChatMessage) and state.get("role") == Role.AGENT.value
        ):
            sid = state.get("session_id")
            if sid is not None:
                out.add(sid)
    return out


def after_flush(session: Session, _context: UOWTransaction) -> None:
    sessions = _touched(session)
    if sessions:
        refresh(session.connection(), sessions)


def owners(state: ORMExecuteState) -> list[str] | None:
    """The chat sessions a DELETE statement on the chat messages matches (None: another
    table), read before it runs."""
    table = state.statement.table  # type: ignore[attr-defined]
    if table.name != ChatMessage.__tablename__:
        return None
    where = state.statement.whereclause  # type: ignore[attr-defined]
    query = select(table.c.session_id).distinct().where(true() if where is None else where)
    return list(state.session.connection().execute(query).scalars())


__all__ = ["after_flush", "first_reply", "owners", "refresh"]
