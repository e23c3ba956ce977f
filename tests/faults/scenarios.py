"""The fault scenarios, each run once against a :class:`FaultStack` (the fault tests assert on
what they return; `make chaos` prints it as the fault table). Each one kills, stops or breaks
one part while buyers chat, brings it back, waits until nothing from before the fault waits any
more (the time to recover), lets the buyers finish their RFQs and tallies what the stores and
the fake Slack hold."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import psycopg

from tests.faults.harness import SCRIPT_TURNS, Background, Buyer, FaultStack, Tally

BUYERS_DEADLINE_S = 420.0


def _run_buyers(
    stack: FaultStack, buyers: list[Buyer], turns: range | None = None
) -> Callable[[], object]:
    async def run() -> None:
        deadline = time.monotonic() + BUYERS_DEADLINE_S
        async with stack.client(len(buyers)) as client:
            await asyncio.gather(
                *(stack.converse(client, b, turns=turns, deadline=deadline) for b in buyers)
            )

    return run


def _wait_for(
    condition: Callable[[], object], what: str, timeout: float = 120.0, every_s: float = 0.02
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every_s)
    raise AssertionError(f"{what}: not seen in {timeout:.0f}s")


def _answered_turns(buyers: list[Buyer]) -> int:
    return sum(b.answered for b in buyers)


def _count(conn: psycopg.Connection[Any], table: str, buyer: Buyer, more: str = "") -> int:
    """Rows of the buyer's session in ``table`` (one open connection: polled every 2 ms)."""
    row = conn.execute(
        f"SELECT count(*) FROM {table} WHERE session_id = %s {more}",  # type: ignore[arg-type]
        (buyer.session_id,),
    ).fetchone()
    return int(row[0]) if row else 0


def _app_killed(
    stack: FaultStack, *, index: int, kill_at: int, stored: Callable[[Buyer], bool], label: str
) -> Tally:
    """One buyer: the script up to message ``kill_at``, which is sent while the test waits for
    ``stored``, then SIGKILLs the app and restarts it; the buyer sends the message again (same
    ``client_message_id``) and finishes the script."""
    mark = stack.outbox_mark()
    buyer = Buyer(index=index)
    Background(_run_buyers(stack, [buyer], range(kill_at))).join(BUYERS_DEADLINE_S)
    if buyer.error:
        raise AssertionError(buyer.error)
    with psycopg.connect(stack.orders_url, autocommit=True) as conn:
        worker = Background(_run_buyers(stack, [buyer], range(kill_at, SCRIPT_TURNS)))
        _wait_for(lambda: stored(conn, buyer), label, every_s=0.002)  # the kill comes at once
    stack.kill("app")
    started = time.time()
    stack.restart_app()
    recover_s = stack.wait_recovered(since=started, outbox_after=mark)
    worker.join(BUYERS_DEADLINE_S)
    stack.wait_recovered(since=time.time(), outbox_after=mark)
    tally = stack.tally([buyer], outbox_after=mark)
    tally.recover_s = recover_s
    return tally


def app_killed_mid_turn(stack: FaultStack) -> Tally:
    """SIGKILL the app while the engine runs a turn: the RFQ's details (message 1) stored, the
    engine at work on them (calling the app's action webhook)."""
    tally = _app_killed(
        stack,
        index=100,
        kill_at=1,
        stored=lambda conn, b: _count(conn, "chat_messages", b, "AND role = 'buyer'") >= 2,
        label="the details stored",
    )
    tally.fault = "app SIGKILLed mid-turn (details stored), restarted"
    return tally


def app_killed_mid_submit(stack: FaultStack) -> Tally:
    """SIGKILL the app after the buyer's confirmation: the inquiry committed by the submit
    action, the reply not yet stored."""
    tally = _app_killed(
        stack,
        index=101,
        kill_at=SCRIPT_TURNS - 1,
        stored=lambda conn, b: _count(conn, "inquiries", b) >= 1,
        label="the inquiry stored",
    )
    tally.fault = "app SIGKILLed mid-submit (inquiry committed), restarted"
    return tally


def engine_killed(stack: FaultStack, *, buyers_count: int = 20, down_s: float = 5.0) -> Tally:
    """SIGKILL the engine while ``buyers_count`` buyers chat (half of them patient: they wait
    for the replay job), restart it after ``down_s``."""
    mark = stack.outbox_mark()
    buyers = [Buyer(index=200 + i, patient=i % 2 == 1) for i in range(buyers_count)]
    worker = Background(_run_buyers(stack, buyers))
    _wait_for(lambda: _answered_turns(buyers) >= buyers_count, "a turn a buyer", 300)
    stack.kill("engine")
    time.sleep(down_s)
    started = time.time()
    stack.restart_engine()
    recover_s = stack.wait_recovered(since=started, outbox_after=mark)
    worker.join(BUYERS_DEADLINE_S)
    stack.wait_recovered(since=time.time(), outbox_after=mark)
    tally = stack.tally(buyers, outbox_after=mark)
    tally.fault = f"engine SIGKILLed under {buyers_count} buyers, restarted after {down_s:.0f} s"
    tally.recover_s = recover_s
    return tally


def _probe(stack: FaultStack) -> str:
    """What a new buyer gets while a part is down: the status and the detail."""
    try:
        response = httpx.post(f"{stack.base_url}/api/chat/sessions", json={}, timeout=30)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    if response.status_code == 201:
        return "201 (a session created)"  # its token is not shown
    return f"{response.status_code} {response.text[:120]}"


def postgres_restarted(stack: FaultStack, *, buyers_count: int = 5, down_s: float = 5.0) -> Tally:
    """Stop the PostgreSQL server (orders and tracker store) while buyers chat; start it again
    after ``down_s``."""
    mark = stack.outbox_mark()
    buyers = [Buyer(index=300 + i, patient=i % 2 == 1) for i in range(buyers_count)]
    worker = Background(_run_buyers(stack, buyers))
    _wait_for(lambda: _answered_turns(buyers) >= buyers_count, "a turn a buyer", 300)
    stack.postgres.stop()
    time.sleep(down_s / 2)
    probe = _probe(stack)
    time.sleep(down_s / 2)
    started = time.time()
    stack.postgres.start()
    recover_s = stack.wait_recovered(since=started, outbox_after=mark)
    worker.join(BUYERS_DEADLINE_S)
    stack.wait_recovered(since=time.time(), outbox_after=mark)
    tally = stack.tally(buyers, outbox_after=mark)
    tally.fault = f"PostgreSQL stopped {down_s:.0f} s under {buyers_count} buyers, restarted"
    tally.recover_s = recover_s
    tally.notes.append(f"while down: {probe}")
    return tally


def redis_restarted(stack: FaultStack, *, buyers_count: int = 5, down_s: float = 5.0) -> Tally:
    """Kill Redis (pub/sub, the engine's lock store) while buyers chat; start an empty one on
    the same port after ``down_s``."""
    mark = stack.outbox_mark()
    buyers = [Buyer(index=400 + i, patient=i % 2 == 1) for i in range(buyers_count)]
    worker = Background(_run_buyers(stack, buyers))
    _wait_for(lambda: _answered_turns(buyers) >= buyers_count, "a turn a buyer", 300)
    stack.redis.kill()
    time.sleep(down_s / 2)
    probe = _probe(stack)
    time.sleep(down_s / 2)
    started = time.time()
    stack.redis.start()
    recover_s = stack.wait_recovered(since=started, outbox_after=mark)
    worker.join(BUYERS_DEADLINE_S)
    stack.wait_recovered(since=time.time(), outbox_after=mark)
    tally = stack.tally(buyers, outbox_after=mark)
    tally.fault = f"Redis killed {down_s:.0f} s under {buyers_count} buyers, restarted empty"
    tally.recover_s = recover_s
    tally.notes.append(f"while down: {probe}")
    return tally


def slack_failing(
    stack: FaultStack, *, buyers_count: int = 5, error_s: float = 10.0, limited_s: float = 10.0
) -> Tally:
    """The fake Slack answers HTTP 500 for ``error_s``, then 429 with Retry-After for
    ``limited_s``, while buyers finish their RFQs (each one an inquiry post and a quote post in
    its thread)."""
    mark = stack.outbox_mark()
    buyers = [Buyer(index=500 + i) for i in range(buyers_count)]
    stack.slack.go_down("500")
    worker = Background(_run_buyers(stack, buyers))
    time.sleep(error_s)
    stack.slack.go_down("429", retry_after=2)
    time.sleep(limited_s)
    worker.join(BUYERS_DEADLINE_S)  # every RFQ submitted while Slack refuses
    failed = sum(1 for call in stack.slack.calls if not call.ok)
    started = time.time()
    stack.slack.recover()
    recover_s = stack.wait_recovered(since=started, outbox_after=mark)
    tally = stack.tally(buyers, outbox_after=mark)
    tally.fault = f"Slack 500 for {error_s:.0f} s, then 429 (Retry-After 2) for {limited_s:.0f} s"
    tally.recover_s = recover_s
    tally.notes.append(f"Slack calls refused: {failed}")
    return tally


SCENARIOS: dict[str, Callable[[FaultStack], Tally]] = {
    "app-mid-turn": app_killed_mid_turn,
    "app-mid-submit": app_killed_mid_submit,
    "engine": engine_killed,
    "postgres": postgres_restarted,
    "redis": redis_restarted,
    "slack": slack_failing,
}
