"""What the dashboard reads of a handoff, kept on the handoff.

- ``first_reply_at``: the first rep message (``role = 'agent'``) in that chat at or after the
  handoff was asked (``handoff_to_first_rep_reply``, sales/kpi/sessions.py);
- ``inside_hours``: the summary's ``inside_hours`` is JSON ``true`` (as recorded at the
  request; anything else is outside office hours): :func:`inside_hours`;
- ``rfq_contact``: the summary's RFQ gives an e-mail or a phone (:func:`rfq_contact`);
- ``has_inquiry``: the chat led to an inquiry (one has its ``session_id``).

A handoff with ``rfq_contact`` and not ``has_inquiry`` is a possible abandoned RFQ. Reading
these at every look was an index probe into the chat messages and the JSON summary per handoff
(24k a year) and a probe into the inquiries per RFQ. :func:`refresh` rewrites them for the
handoffs of a set of chat sessions:

- in the transaction of every change, by an ORM ``after_flush`` hook (installed with the
  kept facts' hooks, sales/kpi/facts.py): the sessions of every handoff and every rep
  message the flush wrote, changed or deleted, and of every inquiry (its chat before and
  after a change);
- around a DELETE statement through a session on the chat messages (the privacy erasure's),
  and a DELETE or UPDATE statement on the inquiries (the erasure's anonymisation), for the
  sessions it matched (:func:`before` and :func:`after`);
- for every handoff (``refresh(conn, None)``): the backfill of the latest migration of the
  kept rows (51f7386e9233), and a database filled behind the ORM's back (bench/kpi_bench.py's
  COPY).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import (
    Connection,
    exists,
    func,
    inspect,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from sales.models import ChatMessage, Handoff, Inquiry, Role, UTCDateTime

CHUNK = 500


def inside_hours(summary: Mapping[str, Any] | None) -> bool:
    """Whether a handoff was asked inside office hours, as its summary recorded."""
    return (summary or {}).get("inside_hours") is True


def contact(summary: Mapping[str, Any] | None) -> dict[str, str]:
    """The e-mail and phone its summary's RFQ gives (empty: none, or no RFQ)."""
    rfq = (summary or {}).get("rfq") or {}
    if not isinstance(rfq, dict):
        return {}
    return {k: str(rfq[k]) for k in ("email", "phone") if rfq.get(k)}


def rfq_contact(summary: Mapping[str, Any] | None) -> bool:
    return bool(contact(summary))


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


def _has_inquiry() -> Any:
    return exists().where(Inquiry.session_id == Handoff.session_id)


def refresh(conn: Connection, session_ids: Iterable[str] | None) -> None:
    """Rewrite the kept columns of the handoffs of ``session_ids`` (None: of every handoff), on
    ``conn`` in its transaction."""
    stmt = update(Handoff).values(first_reply_at=first_reply(), has_inquiry=_has_inquiry())
    if session_ids is None:
        conn.execute(stmt)
        _summaries(conn, None)
        return
    ordered = sorted(set(session_ids))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        conn.execute(stmt.where(Handoff.session_id.in_(chunk)))
        _summaries(conn, chunk)


def _summaries(conn: Connection, session_ids: list[str] | None) -> None:
    """``inside_hours`` and ``rfq_contact`` from the summaries (read here: the tests above
    are Python's, on the JSON as the app wrote it), written where they differ."""
    query = select(Handoff.id, Handoff.summary, Handoff.inside_hours, Handoff.rfq_contact)
    if session_ids is not None:
        query = query.where(Handoff.session_id.in_(session_ids))
    changed: dict[tuple[bool, bool], list[int]] = {}
    for handoff_id, summary, inside, has_contact in conn.execute(query):
        kept = (inside_hours(summary), rfq_contact(summary))
        if kept != (inside, has_contact):
            changed.setdefault(kept, []).append(handoff_id)
    for (inside, has_contact), ids in changed.items():
        for start in range(0, len(ids), CHUNK):
            conn.execute(
                update(Handoff)
                .where(Handoff.id.in_(ids[start : start + CHUNK]))
                .values(inside_hours=inside, rfq_contact=has_contact)
            )


def _touched(session: Session) -> set[str]:
    out: set[Any] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        state = obj.__dict__
        if isinstance(obj, Handoff) or (
            isinstance(obj, ChatMessage) and state.get("role") == Role.AGENT.value
        ):
            out.add(state.get("session_id"))
        elif isinstance(obj, Inquiry):  # its chat now, and before a change
            out.add(state.get("session_id"))
            out.update(inspect(obj).attrs.session_id.history.deleted or ())
    return {sid for sid in out if sid is not None}


def after_flush(session: Session, _context: UOWTransaction) -> None:
    sessions = _touched(session)
    if sessions:
        refresh(session.connection(), sessions)


@dataclass(frozen=True)
class Pending:
    """What a statement matched before it ran: the chat sessions, and the inquiries whose
    chat an UPDATE may have changed."""

    sessions: frozenset[str]
    inquiries: tuple[int, ...] = ()


def before(state: ORMExecuteState) -> Pending | None:
    """For a DELETE statement on the chat messages, or a DELETE or UPDATE statement on the
    inquiries (one that sets ``session_id``), through a session: the chat sessions it matches,
    read before it runs (None: none of these)."""
    table = state.statement.table  # type: ignore[attr-defined]
    where = state.statement.whereclause  # type: ignore[attr-defined]
    matched = true() if where is None else where
    if table.name == ChatMessage.__tablename__ and state.is_delete:
        conn = state.session.connection()
        query = select(table.c.session_id).distinct().where(matched)
        return Pending(frozenset(conn.execute(query).scalars()))
    if table.name != Inquiry.__tablename__:
        return None
    if state.is_update and not _sets(state.statement, "session_id"):
        return None  # e.g. the quote service's row lock: no chat changes
    rows = (
        state.session.connection()
        .execute(select(table.c.id, table.c.session_id).where(matched))
        .all()
    )
    sessions = frozenset(sid for _, sid in rows if sid is not None)
    return Pending(sessions, tuple(i for i, _ in rows) if state.is_update else ())


def _sets(statement: Any, name: str) -> bool:
    """Whether an UPDATE statement may set column ``name`` (when its values cannot be read:
    it may)."""
    values = getattr(statement, "_values", None)
    if not values:
        return True
    return any(getattr(key, "key", key) == name for key in values)


def after(conn: Connection, pending: Pending) -> None:
    """After the statement: the handoffs of the sessions it matched, and of the inquiries'
    chats now, refreshed."""
    sessions = set(pending.sessions)
    ids = list(pending.inquiries)
    for start in range(0, len(ids), CHUNK):
        now = select(Inquiry.session_id).where(Inquiry.id.in_(ids[start : start + CHUNK]))
        sessions.update(sid for sid in conn.execute(now).scalars() if sid is not None)
    if sessions:
        refresh(conn, sessions)


__all__ = [
    "Pending",
    "after",
    "after_flush",
    "before",
    "contact",
    "first_reply",
    "inside_hours",
    "refresh",
    "rfq_contact",
]
