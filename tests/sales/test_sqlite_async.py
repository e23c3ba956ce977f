"""The app's SQLite connections (sales/sqlite_async.py): what SQLAlchemy reads of a statement is
what aiosqlite gives, in one call on the connection's thread; commit and rollback outside a
transaction make no call; errors are sqlite3's."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from sales import sqlite_async
from sales.db import Database
from sales.sqlite_async import OneTripConnection, connector

_SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)"


async def _statements(conn: Any, rows: list[tuple[str, int]], below: int) -> list[Any]:
    """What SQLAlchemy's adapter reads of each statement: description, rows, rowcount, last row
    id; over an insert, a select, an update with RETURNING, an executemany and a delete."""
    seen: list[Any] = []

    async def run(sql: str, params: Any, many: bool = False) -> None:
        async with conn.cursor() as cursor:
            if many:
                await cursor.executemany(sql, params)
            else:
                await cursor.execute(sql, params)
            fetched = await cursor.fetchall() if cursor.description else []
            names = [d[0] for d in cursor.description] if cursor.description else None
            seen.append((names, [tuple(r) for r in fetched], cursor.rowcount, cursor.lastrowid))

    await run(_SCHEMA, None)
    for name, n in rows:
        await run("INSERT INTO t (name, n) VALUES (?, ?)", (name, n))
    await run("SELECT id, name, n FROM t WHERE n < ? ORDER BY id", (below,))
    await run("UPDATE t SET n = n + 1 WHERE n < ? RETURNING id, n", (below,))
    await run("INSERT INTO t (name, n) VALUES (?, ?)", [(name, n) for name, n in rows], True)
    await run("DELETE FROM t WHERE n >= ?", (below,))
    await run("SELECT count(*) FROM t", ())
    await conn.commit()
    return seen


def _both(
    tmp: Path, scenario: Callable[[Any], Awaitable[list[Any]]]
) -> tuple[list[Any], list[Any]]:
    async def run() -> tuple[list[Any], list[Any]]:
        async with aiosqlite.connect(tmp / "a.db") as plain:
            expected = await scenario(plain)
        ours = sqlite_async.connect(str(tmp / "b.db"))
        async with ours:
            got = await scenario(ours)
        return expected, got

    for name in ("a.db", "b.db"):
        (tmp / name).unlink(missing_ok=True)
    return asyncio.run(run())


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.text(max_size=20), st.integers(min_value=-1000, max_value=1000)),
        max_size=12,
    ),
    below=st.integers(min_value=-1000, max_value=1000),
)
def test_each_statement_reads_as_aiosqlite_gives_it(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int]], below: int
) -> None:
    expected, got = _both(tmp_path_factory.mktemp("sqlite"), lambda c: _statements(c, rows, below))
    assert got == expected


def test_fetching_by_one_and_by_some_reads_the_kept_rows_in_order(tmp_path: Path) -> None:
    async def run() -> list[Any]:
        async with sqlite_async.connect(str(tmp_path / "x.db")) as conn:
            async with conn.cursor() as cursor:
                await cursor.execute(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 7)"
                    " SELECT x FROM c"
                )
                first = await cursor.fetchone()
                some = await cursor.fetchmany(3)
                rest = await cursor.fetchall()
                after = await cursor.fetchone()
            return [first, some, rest, after]

    first, some, rest, after = asyncio.run(run())
    assert first == (1,) and some == [(2,), (3,), (4,)] and rest == [(5,), (6,), (7,)]
    assert after is None


def test_a_statement_is_one_call_and_a_read_only_session_ends_without_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    async def run() -> None:
        async with sqlite_async.connect(str(tmp_path / "x.db")) as conn:
            await (await conn.cursor().__aenter__()).execute(_SCHEMA)
            calls.clear()
            cursor = await conn.cursor().__aenter__()
            await cursor.execute("SELECT count(*) FROM t")
            assert await cursor.fetchall() == [(0,)]
            await cursor.close()
            await conn.rollback()  # nothing open: no call
            await conn.commit()
            assert calls == ["_execute"]
            await cursor.execute("INSERT INTO t (name, n) VALUES ('a', 1)")
            await conn.commit()  # a transaction is open: committed
            assert calls == ["_execute", "_execute", "commit"]

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    asyncio.run(run())
    with sqlite3.connect(tmp_path / "x.db") as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (1,)


def test_a_rollback_undoes_an_open_transaction(tmp_path: Path) -> None:
    async def run() -> int:
        async with sqlite_async.connect(str(tmp_path / "x.db")) as conn:
            cursor = await conn.cursor().__aenter__()
            await cursor.execute(_SCHEMA)
            await cursor.execute("INSERT INTO t (name, n) VALUES ('a', 1)")
            await conn.rollback()
            await cursor.execute("SELECT count(*) FROM t")
            (count,) = await cursor.fetchall()
            return int(count[0])

    assert asyncio.run(run()) == 0


def test_sqlite_errors_come_through_sqlalchemy_as_before(tmp_path: Path) -> None:
    url = make_url(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True), Column("name", String))

    async def run() -> None:
        engine = create_async_engine(url, async_creator=connector(url))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
                await conn.execute(insert(table).values(id=1, name="a"))
            async with engine.begin() as conn:
                await conn.execute(insert(table).values(id=1, name="again"))
        finally:
            await engine.dispose()

    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        asyncio.run(run())


def test_the_apps_database_on_sqlite_runs_on_these_connections(tmp_path: Path) -> None:
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True), Column("n", Integer))

    async def run() -> tuple[type, list[int]]:
        db = Database(f"sqlite:///{tmp_path / 'app.db'}")
        try:
            async with db.engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
                await conn.execute(insert(table), [{"id": i, "n": i} for i in range(5)])
            async with db.session() as session:
                bumped = await session.execute(
                    update(table).where(table.c.n < 3).values(n=table.c.n + 10).returning(table.c.n)
                )
                values = sorted(bumped.scalars())
                await session.commit()
                raw = await (await session.connection()).get_raw_connection()
                kind = type(raw.driver_connection)
            async with db.session() as session:
                assert sorted((await session.execute(select(table.c.n))).scalars()) == [
                    3,
                    4,
                    10,
                    11,
                    12,
                ]
            return kind, values
        finally:
            await db.dispose()

    kind, values = asyncio.run(run())
    assert kind is OneTripConnection
    assert values == [10, 11, 12]
