"""What the dashboard reads of a handoff is kept on the handoff (sales/kpi/replies.py): after
generated handoffs and chat messages written in any order and in separate transactions, some
messages deleted by a DELETE statement, every handoff's ``first_reply_at`` is the first rep
message in its chat at or after it was asked, and the backfill writes the same. And after
generated handoffs (with summaries of every shape), messages and inquiries, chats of inquiries
changed, summaries replaced, inquiries deleted and anonymised by statements, the handoff
figures and the abandoned RFQs the dashboard computes from the kept columns equal their
definitions over the raw rows (tests/sales/kpi/reference.py), with and without the language
filter, for the period and the one before."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from sales import kpi
from sales.db import Database
from sales.kpi import Filters, Period, replies
from sales.models import ChatMessage, ChatSession, Handoff, Inquiry
from tests.sales.kpi import reference
from tests.sales.kpi.builders import CATEGORIES

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
ROLES = ["agent", "bot", "buyer", "system"]
# one write each: (what, session 0-2, minutes after T0, role of a message)
write_st = st.tuples(
    st.sampled_from(["handoff", "message"]),
    st.integers(0, 2),
    st.integers(0, 120),
    st.sampled_from(ROLES),
)
# a DELETE statement of the messages of one session after a minute (None: none)
erase_st = st.one_of(st.none(), st.tuples(st.integers(0, 2), st.integers(0, 120)))


async def _run(
    url: str, writes: list[tuple[str, int, int, str]], batch: int, erase: tuple[int, int] | None
) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            await session.execute(delete(ChatSession))
            sids = [f"r{n}" for n in range(3)]
            for sid in sids:
                session.add(ChatSession(id=sid, token_hash="x" * 64, created_at=T0, updated_at=T0))
            await session.commit()
            seq = 0
            for n, (what, who, minute, role) in enumerate(writes):
                when = T0 + timedelta(minutes=minute)
                if what == "handoff":
                    session.add(Handoff(session_id=sids[who], reason="asked", requested_at=when))
                else:
                    seq += 1
                    session.add(ChatMessage(session_id=sids[who], seq=seq, role=role,
                                            text="x", created_at=when))  # fmt: skip
                if n % batch == batch - 1:
                    await session.commit()
            await session.commit()
            if erase is not None:
                who, minute = erase
                await session.execute(
                    delete(ChatMessage).where(
                        ChatMessage.session_id == sids[who],
                        ChatMessage.created_at >= T0 + timedelta(minutes=minute),
                    )
                )
                await session.commit()

        async with db.session() as session:
            messages = list((await session.execute(select(ChatMessage))).scalars())
            kept = {
                h.id: h.first_reply_at for h in (await session.execute(select(Handoff))).scalars()
            }
            expected = {}
            for h in (await session.execute(select(Handoff))).scalars():
                after = [
                    m.created_at
                    for m in messages
                    if m.session_id == h.session_id
                    and m.role == "agent"
                    and m.created_at >= h.requested_at
                ]
                expected[h.id] = min(after, default=None)
            assert kept == expected
            await session.run_sync(lambda s: replies.refresh(s.connection(), None))
            await session.commit()
            session.expire_all()
            again = {
                h.id: h.first_reply_at for h in (await session.execute(select(Handoff))).scalars()
            }
            assert again == expected
    finally:
        await db.dispose()


_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
_GIVEN: dict[str, Any] = {
    "writes": st.lists(write_st, max_size=12),
    "batch": st.integers(1, 4),
    "erase": erase_st,
}


@settings(max_examples=40, **_SETTINGS)
@given(**_GIVEN)
def test_first_reply_kept_sqlite(
    migrated_sqlite_url: str,
    writes: list[tuple[str, int, int, str]],
    batch: int,
    erase: tuple[int, int] | None,
) -> None:
    asyncio.run(_run(migrated_sqlite_url, writes, batch, erase))


@pytest.mark.postgres
@settings(max_examples=15, **_SETTINGS)
@given(**_GIVEN)
def test_first_reply_kept_postgres(
    migrated_postgres_url: str,
    writes: list[tuple[str, int, int, str]],
    batch: int,
    erase: tuple[int, int] | None,
) -> None:
    asyncio.run(_run(migrated_postgres_url, writes, batch, erase))


# -- the handoff figures from the kept columns ---------------------------------------------

T1 = datetime(2026, 11, 2, 20, tzinfo=UTC)  # minutes 0-360: across midnight, both periods
PERIOD = Period(date(2026, 11, 3), date(2026, 11, 4))
LANGUAGES = ["en", "de", None]
SUMMARIES: list[dict[str, Any]] = [
    {},
    {"inside_hours": True},
    {"inside_hours": False},
    {"inside_hours": "true"},  # not JSON true: outside
    {"inside_hours": 1},
    {"inside_hours": True, "rfq": {"email": "a@buyer.example", "company": "A"}},
    {"rfq": {"email": ""}},  # no address
    {"rfq": {"phone": "+49 30 1234", "contact_name": "Ana", "quantity": 500}},
    {"rfq": {"email": None, "phone": 0}},
    {"rfq": "a@buyer.example"},  # not an RFQ
    {"inside_hours": True, "rfq": {"email": "b@buyer.example", "product": "PNL-6060-40W"}},
]
op_st = st.one_of(
    st.tuples(st.just("handoff"), st.integers(0, 2), st.integers(0, 360),
              st.integers(0, len(SUMMARIES) - 1)),
    st.tuples(st.just("message"), st.integers(0, 2), st.integers(0, 360), st.sampled_from(ROLES)),
    st.tuples(st.just("inquiry"), st.integers(0, 2)),  # an inquiry from that chat
    st.tuples(st.just("move"), st.integers(0, 9), st.one_of(st.none(), st.integers(0, 2))),
    st.tuples(st.just("summary"), st.integers(0, 9), st.integers(0, len(SUMMARIES) - 1)),
)  # fmt: skip
statement_st = st.one_of(
    st.tuples(st.just("delete_inquiry"), st.integers(0, 9)),  # a DELETE statement
    st.tuples(st.just("anonymise"), st.integers(0, 2)),  # the erasure's UPDATE: no chat
    st.tuples(st.just("delete_messages"), st.integers(0, 2), st.integers(0, 360)),
)


async def _apply(db: Database, ops: list[Any], batch: int, statements: list[Any]) -> None:
    async with db.session() as session:
        for table in (Inquiry, ChatSession):
            await session.execute(delete(table))
        sids = [f"h{n}" for n in range(3)]
        for sid, language in zip(sids, LANGUAGES, strict=True):
            session.add(ChatSession(id=sid, token_hash="x" * 64, language=language,
                                    created_at=T1, updated_at=T1))  # fmt: skip
        await session.commit()
        handoffs: list[Handoff] = []
        inquiries: list[Inquiry] = []
        seq = 0
        for n, op in enumerate(ops):
            if op[0] == "handoff":
                handoffs.append(Handoff(session_id=sids[op[1]], reason="asked",
                                        requested_at=T1 + timedelta(minutes=op[2]),
                                        summary=dict(SUMMARIES[op[3]])))  # fmt: skip
                session.add(handoffs[-1])
            elif op[0] == "message":
                seq += 1
                session.add(ChatMessage(session_id=sids[op[1]], seq=seq, role=op[3], text="x",
                                        created_at=T1 + timedelta(minutes=op[2])))  # fmt: skip
            elif op[0] == "inquiry":
                inquiries.append(Inquiry(reference=f"RFQ-H-{n:04d}", created_at=T1,
                                         updated_at=T1, session_id=sids[op[1]]))  # fmt: skip
                session.add(inquiries[-1])
            elif op[0] == "move" and inquiries:
                inquiries[op[1] % len(inquiries)].session_id = (
                    None if op[2] is None else sids[op[2]]
                )
            elif op[0] == "summary" and handoffs:
                handoffs[op[1] % len(handoffs)].summary = dict(SUMMARIES[op[2]])
            if n % batch == batch - 1:
                await session.commit()
        await session.commit()
        for statement in statements:
            if statement[0] == "delete_inquiry" and inquiries:
                gone = inquiries.pop(statement[1] % len(inquiries))
                await session.execute(delete(Inquiry).where(Inquiry.id == gone.id))
            elif statement[0] == "anonymise":
                await session.execute(
                    update(Inquiry)
                    .where(Inquiry.session_id == sids[statement[1]])
                    .values(session_id=None)
                    .execution_options(synchronize_session=False)
                )
            elif statement[0] == "delete_messages":
                await session.execute(
                    delete(ChatMessage).where(
                        ChatMessage.session_id == sids[statement[1]],
                        ChatMessage.created_at >= T1 + timedelta(minutes=statement[2]),
                    )
                )
            await session.commit()


def _kept(rows: Any) -> set[tuple[Any, ...]]:
    return {(h.id, h.first_reply_at, h.inside_hours, h.rfq_contact, h.has_inquiry) for h in rows}


async def _figures(
    url: str,
    ops: list[Any],
    batch: int,
    statements: list[Any],
    language: str | None,
    sla_s: float,
    limit: int,
) -> None:
    db = Database(url)
    try:
        await _apply(db, ops, batch, statements)
        async with db.session() as session:
            got = await kpi.compute(session, PERIOD, Filters(language=language),
                                    categories=CATEGORIES, handoff_sla_s=sla_s,
                                    abandoned_limit=limit)  # fmt: skip
            handoffs = list((await session.execute(select(Handoff))).scalars())
            messages = list((await session.execute(select(ChatMessage))).scalars())
            sessions = list((await session.execute(select(ChatSession))).scalars())
            inquiries = list((await session.execute(select(Inquiry))).scalars())
        for of, figures in ((PERIOD, got), (PERIOD.previous, got["previous"])):
            times = figures["response_times"]["handoff_to_first_rep_reply"]
            expected = reference.handoff_figures(handoffs, messages, sessions, of, language,
                                                 sla_s)  # fmt: skip
            assert times == _approx(expected), of
            assert figures["abandoned_rfqs"] == reference.abandoned_rfqs(
                handoffs, sessions, inquiries, of, language, limit
            ), of
        # the backfill (migration 51f7386e9233) writes what the changes kept
        async with db.session() as session:
            await session.run_sync(lambda s: replies.refresh(s.connection(), None))
            await session.commit()
            session.expire_all()
            again = list((await session.execute(select(Handoff))).scalars())
        assert _kept(again) == _kept(handoffs)
    finally:
        await db.dispose()


def _approx(value: Any) -> Any:
    """Floats compared to the last few digits (a median by the database interpolates)."""
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-9, abs=1e-9)
    if isinstance(value, dict):
        return {k: _approx(v) for k, v in value.items()}
    return value


_FIGURES: dict[str, Any] = {
    "ops": st.lists(op_st, max_size=14),
    "batch": st.integers(1, 4),
    "statements": st.lists(statement_st, max_size=2),
    "language": st.sampled_from([None, "en", "de"]),
    "sla_s": st.sampled_from([60.0, 3600.0, 7200.0]),
    "limit": st.integers(1, 3),
}


@settings(max_examples=40, **_SETTINGS)
@given(**_FIGURES)
def test_handoff_figures_from_kept_columns_sqlite(
    migrated_sqlite_url: str,
    ops: list[Any],
    batch: int,
    statements: list[Any],
    language: str | None,
    sla_s: float,
    limit: int,
) -> None:
    asyncio.run(_figures(migrated_sqlite_url, ops, batch, statements, language, sla_s, limit))


@pytest.mark.postgres
@settings(max_examples=15, **_SETTINGS)
@given(**_FIGURES)
def test_handoff_figures_from_kept_columns_postgres(
    migrated_postgres_url: str,
    ops: list[Any],
    batch: int,
    statements: list[Any],
    language: str | None,
    sla_s: float,
    limit: int,
) -> None:
    asyncio.run(_figures(migrated_postgres_url, ops, batch, statements, language, sla_s, limit))
