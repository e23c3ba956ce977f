"""Database URLs, engines and sessions for the order database.

The app speaks async SQLAlchemy; Alembic and scripts speak sync. One URL (``DATABASE_URL``)
is given by the operator in its plain form (``sqlite:///var/app.db``,
``postgresql://user@host/db``) and mapped to the right driver for each side: psycopg 3 for
PostgreSQL (sync and async), pysqlite / aiosqlite for SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from sales.sqlite_async import connector


def _driverless(url: str | URL) -> URL:
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database backend {backend!r}: use sqlite or postgresql")
    return parsed.set(drivername=backend)


def sync_url(url: str | URL) -> URL:
    """The URL for sync use (Alembic, scripts)."""
    parsed = _driverless(url)
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def async_url(url: str | URL) -> URL:
    """The URL for the app's async engine."""
    parsed = _driverless(url)
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    return parsed.set(drivername="sqlite+aiosqlite")


def ensure_sqlite_dir(url: str | URL) -> None:
    """Create the folder of a SQLite file so that a fresh checkout runs."""
    parsed = _driverless(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str | URL, *, echo: bool = False) -> AsyncEngine:
    ensure_sqlite_dir(url)
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        # each statement one call on the connection's thread (sales/sqlite_async.py)
        engine = create_async_engine(target, echo=echo, async_creator=connector(target))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(target, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    """An engine and its session factory; one per process, created at start-up."""

    def __init__(self, url: str | URL, *, echo: bool = False) -> None:
        from sales.kpi import facts  # the dashboard's facts, kept in every write's transaction

        facts.install()
        self.url = _driverless(url)
        self.engine = create_engine(url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def ping(self) -> None:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
