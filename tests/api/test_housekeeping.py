from __future__ import annotations

import asyncio

from api.housekeeping import Periodic, jobs
from sales.db import Database


async def test_periodic_job_runs_again_after_a_failure() -> None:
    calls: list[int] = []

    async def job() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("first pass fails")

    periodic = Periodic("test", 0.01, job)
    periodic.start()
    for _ in range(100):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    await periodic.stop()
    assert len(calls) >= 3
    settled = len(calls)
    await asyncio.sleep(0.05)
    assert len(calls) == settled  # stopped


async def test_every_job_runs_against_the_order_database(database: Database) -> None:
    scheduled = jobs(database, handoff_timeout_s=300)
    assert [j.name for j in scheduled] == [
        "handoff-timeouts",
        "quote-expiry",
        "slack-event-cleanup",
    ]
    for job in scheduled:
        await job.job()


async def test_retention_is_a_job_only_when_configured(database: Database) -> None:
    assert "retention" not in [j.name for j in jobs(database, handoff_timeout_s=300)]
    scheduled = jobs(
        database,
        handoff_timeout_s=300,
        retention_days=30,
        retention_interval_s=60,
        tracker_url=database.url.render_as_string(hide_password=False),
    )
    retention = [j for j in scheduled if j.name == "retention"]
    assert len(retention) == 1 and retention[0].interval_s == 60
    await retention[0].job()  # an empty database: nothing to erase, no error


async def test_a_start_up_step_is_retried_until_the_database_answers() -> None:
    from api.housekeeping import until_done

    calls: list[int] = []

    async def step() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError("database down")

    await until_done("step", step, retry_s=0.01)
    assert len(calls) == 3
