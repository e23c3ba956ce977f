from __future__ import annotations

from sqlalchemy import create_engine, inspect

from sales.db import sync_url
from sales.migrate import alembic_config, downgrade, upgrade
from sales.models import Base


def test_upgrade_creates_every_model_table_and_downgrade_removes_them(db_url: str) -> None:
    upgrade(db_url)
    engine = create_engine(sync_url(db_url))
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        downgrade(db_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """Autogenerate finds nothing to do after upgrade: no model change lacks a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    upgrade(db_url)
    engine = create_engine(sync_url(db_url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_config_escapes_percent_in_password() -> None:
    cfg = alembic_config("postgresql://u:p%25w@localhost/db")
    assert "p%25w" in cfg.get_main_option("sqlalchemy.url")
