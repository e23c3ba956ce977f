"""Run the order database's Alembic migrations from code (start-up, tests, `make run`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from sales.db import sync_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | URL) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    rendered = sync_url(url).render_as_string(hide_password=False)
    # ConfigParser interpolation: a '%' in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return cfg


def upgrade(url: str | URL, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
    _wal(url)


def _wal(url: str | URL) -> None:
    """A SQLite file leaves the migration in WAL mode: the switch needs the file to itself, so
    it is made here, before the app's connections (and their background jobs) read it."""
    target = sync_url(url)
    if target.get_backend_name() != "sqlite" or target.database in (None, "", ":memory:"):
        return
    with sqlite3.connect(target.database, timeout=30) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def downgrade(url: str | URL, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
