"""The weekly digest (sales/kpi/digest.py): which week, its figures against the seeded hand
count of test_figures, and one event per ISO week, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sales import events
from sales.db import Database
from sales.kpi import Period, digest
from sales.models import OutboxMessage
from tests.sales.kpi.builders import CATEGORIES
from tests.sales.kpi.test_figures import seed


@pytest.mark.parametrize(
    ("today", "start", "end", "name"),
    [
        ("2026-11-09", "2026-11-02", "2026-11-09", "2026-W45"),  # Monday: the week just ended
        ("2026-11-15", "2026-11-02", "2026-11-09", "2026-W45"),  # Sunday: still that week
        ("2026-11-08", "2026-10-26", "2026-11-02", "2026-W44"),
        ("2027-01-06", "2026-12-28", "2027-01-04", "2026-W53"),  # ISO year 2026 has 53 weeks
        ("2026-01-05", "2025-12-29", "2026-01-05", "2026-W01"),  # W01 starts in December
    ],
)
def test_last_week(today: str, start: str, end: str, name: str) -> None:
    week = digest.last_week(date.fromisoformat(today))
    assert week == Period.parse(start, end)
    assert digest.week_name(week) == name
    assert digest.dedupe_key(week) == f"kpi.weekly_digest:{name}"


async def _write(database: Database, today: str) -> str | None:
    async with database.session() as session:
        return await digest.enqueue_weekly_digest(
            session, today=date.fromisoformat(today), categories=CATEGORIES, handoff_sla_s=300
        )


async def _digests(database: Database) -> list[OutboxMessage]:
    async with database.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.topic == events.KPI_WEEKLY_DIGEST)
        return list((await session.execute(query)).scalars())


async def test_the_digest_has_the_weeks_figures_and_top_gaps(database: Database) -> None:
    await seed(database)
    assert await _write(database, "2026-11-10") == "2026-W45"
    (row,) = await _digests(database)
    assert row.dedupe_key == "kpi.weekly_digest:2026-W45"
    payload = row.payload
    assert payload["week"] == "2026-W45"
    assert payload["period"] == {"from": "2026-11-02", "to": "2026-11-09"}
    # the hand count of tests/sales/kpi/test_figures.py
    assert payload["figures"] == {
        "chats": 6, "rfqs_submitted": 6, "quoted": 3, "won": 1, "rejected": 1, "expired": 1,
        "quote_hit_rate": pytest.approx(1 / 3),
        "won_value": [{"currency": "USD", "value": "1000.00"}],
        "rfq_to_quote_sent_median_s": 14400.0, "handoff_reply_median_s": 600.0,
        "handoff_within_sla_rate": 0.5, "waiting_approval": 1,
    }  # fmt: skip
    previous = payload["previous"]
    assert (previous["chats"], previous["rfqs_submitted"], previous["quoted"], previous["won"]) == (
        3,
        1,
        1,
        1,
    )
    assert previous["won_value"] == [{"currency": "USD", "value": "400.00"}]
    assert payload["gaps_asked"] == 4
    assert payload["top_gaps"] == [
        {"question": "What is the MTBF?", "language": "en", "asked": 2, "chats": 2},
        {"question": "Do you ship to Mars?", "language": "en", "asked": 1, "chats": 1},
        {"question": "Gibt es Lager in Europa?", "language": "de", "asked": 1, "chats": 1},
    ]


async def test_one_digest_per_week(database: Database) -> None:
    await seed(database)
    assert await _write(database, "2026-11-09") == "2026-W45"
    # later passes of the same week, another instance: nothing more
    assert await _write(database, "2026-11-09") is None
    assert await _write(database, "2026-11-15") is None
    assert [r.dedupe_key for r in await _digests(database)] == ["kpi.weekly_digest:2026-W45"]
    # the next week has its own (the seed's one inquiry of 2026-11-09)
    assert await _write(database, "2026-11-16") == "2026-W46"
    assert len(await _digests(database)) == 2


async def test_a_week_with_nothing_to_report_has_no_digest(database: Database) -> None:
    await seed(database)
    assert await _write(database, "2026-10-14") is None  # the week of 2026-10-05: empty
    assert await _digests(database) == []
