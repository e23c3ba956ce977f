from __future__ import annotations

import pytest

from sales.db import async_url, sync_url


@pytest.mark.parametrize(
    ("given", "sync", "async_"),
    [
        ("sqlite:///var/x.db", "sqlite:///var/x.db", "sqlite+aiosqlite:///var/x.db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        (
            "postgresql+asyncpg://u@h/db",
            "postgresql+psycopg://u@h/db",
            "postgresql+psycopg://u@h/db",
        ),
    ],
)
def test_driver_mapping(given: str, sync: str, async_: str) -> None:
    assert sync_url(given).render_as_string() == sync
    assert async_url(given).render_as_string() == async_


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        sync_url("mysql://u@h/db")


async def test_ping(database) -> None:  # type: ignore[no-untyped-def]
    await database.ping()


def test_a_migrated_sqlite_file_is_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from sales.migrate import upgrade

    path = tmp_path / "orders.db"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
