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


def test_rows_queued_before_the_fan_out_keep_their_state_as_slack_deliveries(db_url: str) -> None:
    """The outbox migration: an old row's state moves to its Slack delivery and back."""
    from sqlalchemy import text

    before = "3f8a1c0d9e42"  # the revision before outbox events and deliveries
    upgrade(db_url, before)
    engine = create_engine(sync_url(db_url))
    insert = text(
        "INSERT INTO outbox (topic, ordering_key, dedupe_key, payload, status, attempts,"
        " next_attempt_at, last_error, created_at, sent_at) VALUES (:topic, :key, :dedupe,"
        " '{}', :status, :attempts, CURRENT_TIMESTAMP, :error, CURRENT_TIMESTAMP, NULL)"
    )
    old = [
        ("slack.new_inquiry", "RFQ-1", "slack.new_inquiry:RFQ-1", "pending", 2, "Timeout"),
        ("slack.quote_sent", "RFQ-1", None, "dead", 8, "channel_not_found"),
        ("slack.message_update", None, None, "sent", 1, None),
    ]
    try:
        with engine.begin() as conn:
            for topic, key, dedupe, status, attempts, error in old:
                conn.execute(
                    insert,
                    {"topic": topic, "key": key, "dedupe": dedupe, "status": status,
                     "attempts": attempts, "error": error},
                )  # fmt: skip
        upgrade(db_url)
        with engine.connect() as conn:
            events = conn.execute(text("SELECT topic, status FROM outbox ORDER BY id")).all()
            deliveries = conn.execute(
                text(
                    "SELECT channel, ordering_key, status, attempts, last_error"
                    " FROM outbox_deliveries ORDER BY message_id"
                )
            ).all()
            subscribed = conn.execute(
                text("SELECT topic FROM outbox_subscriptions WHERE channel = 'slack'")
            ).scalars()
            assert {"inquiry.created", "quote.sent", "slack.message_update"} <= set(subscribed)
        assert [tuple(e) for e in events] == [(t, "published") for t, *_ in old]
        assert [tuple(d) for d in deliveries] == [
            ("slack", key, status, attempts, error) for _, key, _, status, attempts, error in old
        ]
        downgrade(db_url, before)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT topic, status, attempts, last_error FROM outbox ORDER BY id")
            ).all()
        assert [tuple(r) for r in rows] == [(t, s, a, e) for t, _, _, s, a, e in old]
    finally:
        engine.dispose()
