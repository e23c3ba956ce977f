"""A handoff's first rep reply is kept on the handoff (sales/kpi/replies.py): after generated
handoffs and chat messages written in any order and in separate transactions, some messages
deleted by a DELETE statement, every handoff's ``first_reply_at`` is the first rep message in
its chat at or after it was asked, and the backfill writes the same."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from sales.db import Database
from sales.kpi import replies
from sales.models import ChatMessage, ChatSession, Handoff

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
