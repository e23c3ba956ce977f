"""The facts the sales manager's figures read, kept per inquiry (``kpi_*`` tables).

What became of an inquiry (first quote sent and whether it was approved first, the latest quote
sent and its value, won, rejected, expired), its distinct item SKUs, the latest sent quote's
line amounts per SKU, its quotes' statuses and totals and the approval waits are derived from
``inquiries``, ``inquiry_items``, ``quotes``, ``quote_lines`` and ``quote_events`` by
:func:`refresh`, one statement per table for a set of inquiries. It runs:

- in the transaction of every change: an ORM ``after_flush`` hook (:func:`install`) collects the
  inquiries whose rows the flush wrote, changed or deleted (a quote event or line names its
  quote's inquiry) and rewrites their facts on the flush's connection. Every status change of
  a quote writes a ``QuoteEvent`` through the ORM (sales/quotes/service.py), also where the
  status itself is moved by a Core UPDATE, so the flush that writes the event sees the new
  status;
- for every inquiry (``refresh(conn, None)``): the backfill of the latest migration of the
  kept rows (51f7386e9233), and a database filled behind the ORM's back (bench/kpi_bench.py's
  COPY).

The definitions are those of sales/kpi/service.py's docstring; they live here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    and_,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction, aliased

from sales.kpi import replies, rollups
from sales.kpi.histograms import bucket_of
from sales.kpi.stats import seconds
from sales.models import (
    Inquiry,
    InquiryItem,
    KpiApprovalWait,
    KpiInquiryFact,
    KpiInquirySku,
    KpiLineValue,
    KpiQuoteFact,
    Quote,
    QuoteEvent,
    QuoteLine,
    QuoteStatus,
    UTCDateTime,
)

CHUNK = 500  # inquiry ids per statement (SQLite's bound-parameter limit is far above)
TABLES = (KpiApprovalWait, KpiLineValue, KpiInquirySku, KpiQuoteFact, KpiInquiryFact)
# The inquiries a statement is about, bound when it runs: the statements below are built once
# (building them and their cache keys cost more than running them, at every change).
IDS = "kpi_inquiry_ids"
_Ids = Sequence[int] | BindParameter[Any] | None


def _restrict(query: Any, column: Any, ids: _Ids) -> Any:
    return query if ids is None else query.where(column.in_(ids))


def _fact_rows(ids: _Ids) -> Any:
    """One row per inquiry: the columns of ``kpi_inquiry_facts``."""
    sent = QuoteEvent.to_status == QuoteStatus.SENT.value
    from_approval = QuoteEvent.from_status == QuoteStatus.APPROVED.value
    # per inquiry, from its quotes' events: the first quote sent (and whether that one was
    # approved first: the earliest sent from approval before the earliest sent straight from
    # draft), the latest quote sent, the first acceptance, any rejection
    events = _restrict(
        select(
            Quote.inquiry_id,
            func.min(QuoteEvent.at).filter(sent).label("first_sent_at"),
            func.min(QuoteEvent.at).filter(sent, from_approval).label("approved_sent_at"),
            func.min(QuoteEvent.at)
            .filter(sent, or_(QuoteEvent.from_status.is_(None), ~from_approval))
            .label("direct_sent_at"),
            func.max(QuoteEvent.quote_id).filter(sent).label("latest_sent"),
            func.min(QuoteEvent.at)
            .filter(QuoteEvent.to_status == QuoteStatus.ACCEPTED.value)
            .label("won_at"),
            func.count()
            .filter(QuoteEvent.to_status == QuoteStatus.REJECTED.value)
            .label("rejections"),
        )
        .join(QuoteEvent, QuoteEvent.quote_id == Quote.id)
        .where(QuoteEvent.to_status != QuoteStatus.DRAFT.value)
        .group_by(Quote.inquiry_id),
        Quote.inquiry_id,
        ids,
    ).subquery("ev")
    ev = events.c
    latest = aliased(Quote, name="latest")
    quoted = ev.first_sent_at.is_not(None)
    won = ev.won_at.is_not(None)
    after_approval = and_(
        ev.approved_sent_at.is_not(None),
        or_(ev.direct_sent_at.is_(None), ev.approved_sent_at < ev.direct_sent_at),
    )
    expired = and_(quoted, ~won, latest.status == QuoteStatus.EXPIRED.value)
    query = (
        select(
            Inquiry.id,
            Inquiry.created_at,
            Inquiry.destination_country,
            Inquiry.language,
            Inquiry.business_type,
            Inquiry.lead_score,
            type_coerce(ev.first_sent_at, UTCDateTime()),
            type_coerce(ev.won_at, UTCDateTime()),
            case((quoted, 1), else_=0),
            case((won, 1), else_=0),
            case((after_approval, 1), else_=0),
            case((ev.rejections > 0, 1), else_=0),
            case((expired, 1), else_=0),
            ev.latest_sent,
            latest.currency,
            latest.total,
            bucket_of(seconds(ev.first_sent_at, Inquiry.created_at)),
            bucket_of(seconds(ev.won_at, Inquiry.created_at)),
        )
        .outerjoin(events, ev.inquiry_id == Inquiry.id)
        .outerjoin(latest, latest.id == ev.latest_sent)
    )
    return _restrict(query, Inquiry.id, ids)


def _sku_rows(ids: _Ids) -> Any:
    sku = func.coalesce(InquiryItem.sku, "")
    query = (
        select(Inquiry.id, sku, Inquiry.created_at)
        .join(InquiryItem, InquiryItem.inquiry_id == Inquiry.id)
        .group_by(Inquiry.id, sku, Inquiry.created_at)
    )
    return _restrict(query, Inquiry.id, ids)


def _line_rows(ids: _Ids) -> Any:
    """The latest sent quote's lines (the highest quote id with a ``sent`` event)."""
    latest = _restrict(
        select(Quote.inquiry_id, func.max(Quote.id).label("quote_id"))
        .join(QuoteEvent, QuoteEvent.quote_id == Quote.id)
        .where(QuoteEvent.to_status == QuoteStatus.SENT.value)
        .group_by(Quote.inquiry_id),
        Quote.inquiry_id,
        ids,
    ).subquery("latest_sent")
    sku = func.coalesce(QuoteLine.sku, "")
    return (
        select(Inquiry.id, sku, Inquiry.created_at, func.sum(QuoteLine.amount))
        .select_from(latest)
        .join(Inquiry, Inquiry.id == latest.c.inquiry_id)
        .join(QuoteLine, QuoteLine.quote_id == latest.c.quote_id)
        .group_by(Inquiry.id, sku, Inquiry.created_at)
    )


def _quote_rows(ids: _Ids) -> Any:
    query = select(
        Quote.id, Quote.inquiry_id, Inquiry.created_at, Quote.status, Quote.currency, Quote.total
    ).join(Inquiry, Inquiry.id == Quote.inquiry_id)
    return _restrict(query, Quote.inquiry_id, ids)


def _wait_rows(ids: _Ids) -> Any:
    """Each decision on a pending quote, and when it was (last) submitted before it."""
    pending = QuoteEvent.to_status == QuoteStatus.PENDING_APPROVAL.value
    submitted = func.max(case((pending, QuoteEvent.at))).over(
        partition_by=QuoteEvent.quote_id, order_by=(QuoteEvent.at, QuoteEvent.id), rows=(None, -1)
    )
    steps = _restrict(
        select(
            QuoteEvent.id,
            Quote.inquiry_id,
            QuoteEvent.at,
            QuoteEvent.from_status,
            QuoteEvent.to_status,
            type_coerce(submitted, UTCDateTime()).label("submitted_at"),
        )
        .join(Quote, Quote.id == QuoteEvent.quote_id)
        .where(
            QuoteEvent.to_status.in_(
                (
                    QuoteStatus.PENDING_APPROVAL.value,
                    QuoteStatus.APPROVED.value,
                    QuoteStatus.REJECTED.value,
                )
            )
        ),
        Quote.inquiry_id,
        ids,
    ).subquery("steps")
    s = steps.c
    return (
        select(
            s.id,
            s.inquiry_id,
            Inquiry.created_at,
            s.submitted_at,
            s.at,
            bucket_of(seconds(s.at, s.submitted_at)),
        )
        .join(Inquiry, Inquiry.id == s.inquiry_id)
        .where(
            s.from_status == QuoteStatus.PENDING_APPROVAL.value,
            s.to_status.in_((QuoteStatus.APPROVED.value, QuoteStatus.REJECTED.value)),
            s.submitted_at.is_not(None),
        )
    )


_WRITES: tuple[tuple[Any, Any, tuple[str, ...]], ...] = (
    (KpiInquiryFact, _fact_rows, ("inquiry_id", "created_at", "market", "language",
     "business_type", "lead_score", "first_sent_at", "won_at", "quoted", "won",
     "after_approval", "rejected", "expired", "latest_sent", "currency", "total",
     "sent_bucket", "won_bucket")),
    (KpiInquirySku, _sku_rows, ("inquiry_id", "sku", "created_at")),
    (KpiLineValue, _line_rows, ("inquiry_id", "sku", "created_at", "amount")),
    (KpiQuoteFact, _quote_rows, ("quote_id", "inquiry_id", "created_at", "status", "currency",
     "total")),
    (KpiApprovalWait, _wait_rows, ("event_id", "inquiry_id", "created_at", "submitted_at",
     "decided_at", "bucket")),
)  # fmt: skip


def refresh(conn: Connection, inquiry_ids: Iterable[int] | None) -> None:
    """Rewrite the facts of ``inquiry_ids`` (None: of every inquiry) from the order tables, and
    the kept days and months of theirs (sales/kpi/rollups.py), on ``conn`` in its transaction.
    An id with no inquiry (deleted) loses its facts."""
    if inquiry_ids is None:
        for model in TABLES:
            conn.execute(delete(model))
        _insert(conn, None)
        rollups.recompute(conn, None)
        return
    rollups.recompute(conn, _rewrite(conn, inquiry_ids))


class _Statements:
    """The statements of a refresh of the inquiries ``IDS``."""

    def __init__(self) -> None:
        ids: BindParameter[Any] = bindparam(IDS, expanding=True)
        self.lock = (
            select(Inquiry.id).where(Inquiry.id.in_(ids)).order_by(Inquiry.id).with_for_update()
        )
        self.days = select(KpiInquiryFact.created_at).where(KpiInquiryFact.inquiry_id.in_(ids))
        self.deletes = [delete(model).where(model.inquiry_id.in_(ids)) for model in TABLES]
        self.inserts = _inserts(ids)


def _inserts(ids: BindParameter[Any] | None) -> list[Any]:
    return [insert(model).from_select(list(columns), rows(ids)) for model, rows, columns in _WRITES]


@cache
def _statements() -> _Statements:
    return _Statements()


@cache
def _inserts_of_all() -> list[Any]:
    return _inserts(None)


def _days(conn: Connection, ids: Sequence[int]) -> set[date]:
    """The UTC creation days of these inquiries' kept facts."""
    rows = conn.execute(_statements().days, {IDS: list(ids)}).scalars()
    return {at.astimezone(UTC).date() for at in rows}


def _rewrite(conn: Connection, inquiry_ids: Iterable[int]) -> set[date]:
    """The facts of ``inquiry_ids`` rewritten; the days whose sums that changes (the days of
    the facts before and after)."""
    days: set[date] = set()
    ordered = sorted(set(inquiry_ids))
    statements = _statements()
    for start in range(0, len(ordered), CHUNK):
        chunk = {IDS: ordered[start : start + CHUNK]}
        # the inquiries' row locks (PostgreSQL; SQLite has one writer), in id order: two
        # transactions refreshing one inquiry take turns, and the second one's DELETE sees
        # (and replaces) the rows the first one wrote instead of colliding with them
        conn.execute(statements.lock, chunk)
        days |= _days(conn, chunk[IDS])
        for gone in statements.deletes:
            conn.execute(gone, chunk)
        _insert(conn, chunk[IDS])
        days |= _days(conn, chunk[IDS])
    return days


def _insert(conn: Connection, ids: Sequence[int] | None) -> None:
    if ids is None:
        for statement in _inserts_of_all():
            conn.execute(statement)
        return
    for statement in _statements().inserts:
        conn.execute(statement, {IDS: list(ids)})


# -- the hook: facts rewritten in the transaction of every change -------------------------------


def _touched(session: Session) -> tuple[set[int], set[int]]:
    """The inquiry ids and quote ids whose rows this flush wrote, changed or deleted (read
    from the objects' loaded state: nothing is loaded for it)."""
    inquiries: list[Any] = []
    quotes: list[Any] = []
    for obj in chain(session.new, session.dirty, session.deleted):
        state = obj.__dict__
        if isinstance(obj, Inquiry):
            inquiries.append(state.get("id"))
        elif isinstance(obj, (InquiryItem, Quote)):
            inquiries.append(state.get("inquiry_id"))
        elif isinstance(obj, (QuoteEvent, QuoteLine)):
            quotes.append(state.get("quote_id"))
    return {i for i in inquiries if i is not None}, {q for q in quotes if q is not None}


_DAYS = "kpi_days"  # session.info: the days this transaction's flushes changed


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    inquiries, quotes = _touched(session)
    if not inquiries and not quotes:
        return
    conn = session.connection()
    if quotes:
        owners = select(Quote.inquiry_id).where(Quote.id.in_(sorted(quotes)))
        inquiries.update(conn.execute(owners).scalars())
    session.info.setdefault(_DAYS, set()).update(_rewrite(conn, inquiries))


def _after_flush_all(session: Session, context: UOWTransaction) -> None:
    _after_flush(session, context)
    replies.after_flush(session, context)


# what a bulk DELETE through a session removes: the inquiries owning the rows it matches
_OWNERS: dict[str, Any] = {
    Inquiry.__tablename__: lambda table: table.c.id,
    InquiryItem.__tablename__: lambda table: table.c.inquiry_id,
    Quote.__tablename__: lambda table: table.c.inquiry_id,
}
_BY_QUOTE = (QuoteEvent.__tablename__, QuoteLine.__tablename__)


def _do_orm_execute(state: ORMExecuteState) -> Any:
    """A DELETE statement (not an object) through a session: the inquiries owning the rows it
    matches are refreshed after it, their days before it counted as changed (the facts of a
    deleted inquiry go by the foreign key, its days' sums by this). On the chat messages, and
    a DELETE or UPDATE of inquiries, the handoffs' kept columns of the chat sessions it
    matches (sales/kpi/replies.py)."""
    if not (state.is_delete or state.is_update):
        return None
    ids = _owners(state) if state.is_delete else None
    pending = replies.before(state)
    if ids is None and pending is None:
        return None
    session = state.session
    conn = session.connection()
    days = _days(conn, ids) if ids else set()
    result = state.invoke_statement()
    if ids:
        session.info.setdefault(_DAYS, set()).update(days | _rewrite(conn, ids))
    if pending is not None:
        replies.after(conn, pending)
    return result


def _owners(state: ORMExecuteState) -> list[int] | None:
    """The inquiries owning the rows a DELETE statement matches, read before it runs (None:
    not an order table)."""
    table = state.statement.table  # type: ignore[attr-defined]
    where = state.statement.whereclause  # type: ignore[attr-defined]
    if table.name in _OWNERS:
        owners = select(_OWNERS[table.name](table))
    elif table.name in _BY_QUOTE:
        owners = select(Quote.inquiry_id).where(
            Quote.id.in_(select(table.c.quote_id).where(true() if where is None else where))
        )
        where = None
    else:
        return None
    if where is not None:
        owners = owners.where(where)
    found = state.session.connection().execute(owners).scalars()
    return sorted({i for i in found if i is not None})


def _before_commit(session: Session) -> None:
    """The days this transaction changed, rewritten once at its end (their locks held only
    while it commits)."""
    session.flush()
    days = session.info.pop(_DAYS, None)
    if days:
        rollups.recompute(session.connection(), days)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """A transaction's end (committed, rolled back or closed): its days are done with."""
    if transaction.parent is None:
        session.info.pop(_DAYS, None)


_HOOKS: tuple[tuple[str, Any], ...] = (
    ("after_flush", _after_flush_all),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_transaction_end", _forget),
)


def install() -> None:
    """Register the hooks on every ORM session (once; idempotent)."""
    for name, hook in _HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


__all__ = ["TABLES", "install", "refresh"]
