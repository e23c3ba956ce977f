"""The app's SQLite connections: each statement one call on the connection's thread.

aiosqlite runs a connection's every call on a thread of its own, each call a hand-over to that
thread and back (a queue, the thread woken, the event loop woken by it). SQLAlchemy's adapter
makes up to four such calls per statement: open a cursor, execute, fetch the rows, close the
cursor; and one to commit or roll back each session, also a session that only read. A buyer's
chat turn makes about a dozen statements: the hand-overs cost the app more CPU than SQLite's
own work (issue 15's app profile, `bench/app_profile.py`).

`OneTripConnection` is aiosqlite's connection with cursors that open, execute, read all rows
and close in one call, keeping the rows, description, rowcount and last row id for the
caller; commit and rollback make no call when no transaction is open, which is when sqlite3
itself does nothing (it checks the same flag, `sqlite3_get_autocommit`). What SQLAlchemy
sees is otherwise aiosqlite's: the same errors, the same thread, the same connection.

`connector(url)` is the engine's `async_creator` (sales/db.py).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from types import TracebackType
from typing import Any

import aiosqlite
from aiosqlite.context import Result
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

_Description = tuple[tuple[Any, ...], ...] | None
_Outcome = tuple[list[Any], _Description, int, int | None]


def _execute(conn: sqlite3.Connection, sql: str, parameters: Any) -> _Outcome:
    """On the connection's thread: the statement run, its rows read, its cursor closed."""
    cursor = conn.cursor()
    try:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description is not None else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _executemany(conn: sqlite3.Connection, sql: str, parameters: Any) -> _Outcome:
    cursor = conn.cursor()
    try:
        cursor.executemany(sql, parameters)
        rows = cursor.fetchall() if cursor.description is not None else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """A cursor whose statement runs and is read in one call; fetching reads the kept rows."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: _Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def _run(self, call: Callable[..., _Outcome], sql: str, parameters: Any) -> None:
        rows, self.description, self.rowcount, self.lastrowid = await self._connection._execute(
            call, self._connection._conn, sql, parameters
        )
        self._rows = deque(rows)

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        await self._run(_execute, sql, [] if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneTripCursor:
        await self._run(_executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    def setoutputsize(self, *_args: Any) -> None:
        return None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        await self.close()


class OneTripConnection(aiosqlite.Connection):
    """aiosqlite's connection, its cursors `OneTripCursor`s."""

    def cursor(self) -> Result[OneTripCursor]:  # type: ignore[override]
        return Result(self._cursor())

    async def _cursor(self) -> OneTripCursor:
        if self._connection is None:
            raise ValueError("no active connection")
        return OneTripCursor(self)

    def _idle(self) -> bool:
        """Open and outside a transaction (no call is running on it: its user awaits each)."""
        return self._connection is not None and not self._connection.in_transaction

    async def commit(self) -> None:
        if not self._idle():
            await super().commit()

    async def rollback(self) -> None:
        if not self._idle():
            await super().rollback()


def connect(database: str, **kwargs: Any) -> OneTripConnection:
    """Like `aiosqlite.connect`: awaiting it opens the connection on its own (daemon) thread."""
    connection = OneTripConnection(partial(sqlite3.connect, database, **kwargs), 64)
    connection._thread.daemon = True  # as SQLAlchemy sets aiosqlite's
    return connection


def connector(url: URL) -> Callable[[], OneTripConnection]:
    """The engine's `async_creator` for `url`: the connect arguments SQLAlchemy's aiosqlite
    dialect would give aiosqlite (the file, `check_same_thread=False`, URI options)."""
    args: Sequence[Any]
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    return partial(connect, *args, **kwargs)
