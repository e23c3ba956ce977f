"""Throughput and latency against the number of engine workers and of concurrent buyers
(issue 15): the scaling table.

For each worker count N (ENGINE_WORKERS) a stack is started the way it scales out: N engine
workers on the SQL tracker store in PostgreSQL and the Redis lock store, the orders in
PostgreSQL, one app. Then, for each buyer count B, B buyers run the chat benchmark's whole RFQ
conversation (bench/chat_bench.py) at once through the app's chat API. A row per (N, B):
turns sent, messages per second, p50 and p95 turn latency, and the conversations that failed
(stopped at their first answer other than 200, that turn counted: an engine that did not
answer within ENGINE_TIMEOUT_S is a 503).

    .venv/bin/python bench/scaling_bench.py [--workers 1,2,4] [--buyers 1,20,100,200]

Needs the local PostgreSQL and Redis (as `make test` does).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.chat_bench import SCRIPT, via_app
from bench.stack_fixture import running_stack
from tools.stack import free_ports

PG_ADMIN = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = "redis://127.0.0.1:6379/8"


@contextlib.contextmanager
def databases() -> Iterator[tuple[str, str]]:
    """Two PostgreSQL databases of their own (orders, tracker store), dropped afterwards."""
    names = [f"exportdesk_scaling_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN.rsplit("/", 1)[0]
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def load(
    app_url: str, buyers: int, offset: int, transport: httpx.AsyncBaseTransport | None = None
) -> dict[str, float]:
    limits = httpx.Limits(max_connections=buyers + 10, max_keepalive_connections=buyers + 10)
    latencies: list[float] = []
    failed = 0

    async def buyer(i: int) -> None:
        nonlocal failed
        try:
            await via_app(client, offset + i, latencies)
        except (httpx.HTTPError, AssertionError):
            failed += 1

    async with httpx.AsyncClient(
        base_url=app_url, timeout=300, limits=limits, transport=transport
    ) as client:
        started = time.perf_counter()
        await asyncio.gather(*(buyer(i) for i in range(buyers)))
        seconds = time.perf_counter() - started
    return {
        "turns": len(latencies),
        "msgs_per_s": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": _pct(latencies, 95) * 1000 if latencies else 0.0,
        "failed": failed,
    }


def run(workers: list[int], buyers: list[int]) -> list[tuple[int, int, dict[str, float]]]:
    rows = []
    for count in workers:
        with (
            databases() as (orders, tracker),
            running_stack(
                engine_workers=count,
                rasa_port=free_ports(count),
                database_url=orders,
                tracker_store_url=tracker,
                redis_url=REDIS_URL,
            ) as (_stack, settings),
        ):
            app_url = f"http://127.0.0.1:{settings.app_port}"
            asyncio.run(load(app_url, 1, 90_000))  # warm-up: one conversation
            for n, many in enumerate(buyers):
                result = asyncio.run(load(app_url, many, n * 1000))
                rows.append((count, many, result))
                print(_row(count, many, result), flush=True)
    return rows


def _row(workers: int, buyers: int, s: dict[str, float]) -> str:
    return (
        f"{workers:>8}{buyers:>8}{s['turns']:>8.0f}{s['msgs_per_s']:>10.1f}"
        f"{s['p50_ms']:>10.0f}{s['p95_ms']:>10.0f}{s['failed']:>8.0f}"
    )


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=_ints, default=[1, 2, 4])
    parser.add_argument("--buyers", type=_ints, default=[1, 20, 100, 200])
    args = parser.parse_args()
    print(f"\n== scaling: engine workers x concurrent buyers, {len(SCRIPT)} turns a buyer")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores")
    print(
        f"{'workers':>8}{'buyers':>8}{'turns':>8}{'msgs/s':>10}{'p50 ms':>10}{'p95 ms':>10}"
        f"{'failed':>8}"
    )
    run(args.workers, args.buyers)


if __name__ == "__main__":
    main()
