"""The load run (issue 14): 200 concurrent buyers for 10 minutes against the stack on PostgreSQL
and Redis, with a human's think time, and what became of every message.

The stack is the fault runs' (tests/faults/harness.py: the Rasa engine and the app as processes,
orders and tracker store on a PostgreSQL of its own, a Redis of its own for pub/sub and the
engine's lock store, the fake Slack), with the production defaults where they matter under load
(ENGINE_TIMEOUT_S 30, CHAT_MAX_TURNS_IN_FLIGHT 100, CHAT_REPLAY_INTERVAL_S 5); only the limits
per client address are lifted, since every simulated buyer comes from 127.0.0.1.

Each buyer arrives within the first 30 s, runs the chat benchmark's 7-message RFQ (every message
with a ``client_message_id``), thinks 5-20 s before each message, and starts a new conversation
when one ends, until the run's time is up (a conversation under way then stops before its next
message). A message not answered is sent again after the app's ``Retry-After`` or a think
(same ``client_message_id``); half the buyers instead wait for the replay when told their
message is kept. After the run the buyers get up to 10 more minutes for messages already sent,
then the stores are read as in the fault table: every stored message answered (none lost),
each turn run once and in order, inquiries and Slack posts once. RSS is the sum over each
part's process group, read from /proc.

    .venv/bin/python bench/load_bench.py [--buyers 200] [--minutes 10] [--seed 14]

Needs PostgreSQL's and Redis's programs (initdb, pg_ctl, redis-server), not the machine's
servers. It takes the run's time plus the stack's start and the drain: about 15 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import platform
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from api.settings import ROOT
from bench.chat_bench import SCRIPT
from bench.simulated_buyer import percentile

# the fault machinery, imported by name as bench/chaos.py does (mypy checks bench/, not tests/)
servers = importlib.import_module("tests.faults.servers")
harness = importlib.import_module("tests.faults.harness")

THINK_S = (5.0, 20.0)
ARRIVALS_S = 30.0
DRAIN_S = 600.0
PRODUCTION = {
    "engine_timeout_s": 30.0,
    "chat_max_turns_in_flight": 100,
    "chat_replay_interval_s": 5.0,
}


@dataclass
class Figures:
    statuses: Counter[str] = field(default_factory=Counter)  # every answer the buyers got
    busy: int = 0  # 503 "busy" (turns in flight over the bound): not stored, sent again
    kept: int = 0  # 503 "a person will follow up": stored, kept for the replay
    latencies: list[float] = field(default_factory=list)  # first send -> answer, s
    conversations: list[Any] = field(default_factory=list)  # tests.faults.harness.Buyer


def rss_mib(pgid: int) -> float:
    """The resident memory of every process in the group ``pgid``, MiB."""
    total_kib = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError):
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def rss(stack: Any) -> dict[str, float]:
    return {name: rss_mib(proc.pid) for name, proc in stack.stack.procs.items()}


async def say(
    stack: Any,
    client: httpx.AsyncClient,
    buyer: Any,
    turn: int,
    *,
    deadline: float,
    rng: random.Random,
    figures: Figures,
) -> bool:
    """Send the script's message ``turn`` until it is answered (True) or the deadline."""
    kind, value = SCRIPT[turn]
    body = {kind: value.format(i=buyer.index), "client_message_id": f"m{turn}-{uuid.uuid4()}"}
    url = f"/api/chat/sessions/{buyer.session_id}/messages"
    buyer.sent += 1
    started = time.monotonic()
    first = True
    while time.monotonic() < deadline:
        response: httpx.Response | None = None
        try:
            response = await client.post(url, json=body, headers=buyer.headers)
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        buyer.statuses[status] += 1
        figures.statuses[status] += 1
        if response is not None and response.status_code == 200:
            buyer.answered += 1
            figures.latencies.append(time.monotonic() - started)
            return True
        code = response.status_code if response is not None else 0
        if 400 <= code < 500 and code not in (408, 429):
            buyer.refused += 1
            buyer.error = f"message {turn} refused: {status}"
            return False
        if first:
            buyer.not_answered_first += 1
            first = False
        kept = code == 503 and "follow" in response.text if response is not None else False
        if code == 503:
            if kept:
                figures.kept += 1
            else:
                figures.busy += 1
        if (
            buyer.patient
            and kept
            and await stack._answered_in_transcript(
                client, buyer, turn, deadline=min(deadline, time.monotonic() + 300)
            )
        ):
            buyer.answered += 1
            figures.latencies.append(time.monotonic() - started)
            return True
        retry_after = 0.0
        if response is not None:
            with contextlib.suppress(ValueError):
                retry_after = float(response.headers.get("retry-after") or 0)
        await asyncio.sleep(max(retry_after, rng.uniform(*THINK_S)))
    buyer.error = f"message {turn} not answered by the deadline"
    return False


async def one_buyer(
    stack: Any,
    client: httpx.AsyncClient,
    rng: random.Random,
    figures: Figures,
    *,
    end: float,
    deadline: float,
) -> None:
    await asyncio.sleep(rng.uniform(0, min(ARRIVALS_S, (end - time.monotonic()) / 4)))
    while time.monotonic() < end:
        conversation = harness.Buyer(index=len(figures.conversations), patient=rng.random() < 0.5)
        figures.conversations.append(conversation)
        await stack.start_buyer(client, conversation)
        for turn in range(harness.SCRIPT_TURNS):
            if time.monotonic() >= end:
                break
            await asyncio.sleep(rng.uniform(*THINK_S))
            if not await say(
                stack, client, conversation, turn, deadline=deadline, rng=rng, figures=figures
            ):
                break
        else:
            conversation.done = True


async def run_buyers(stack: Any, buyers: int, seconds: float, seed: int) -> Figures:
    figures = Figures()
    start = time.monotonic()
    end, deadline = start + seconds, start + seconds + DRAIN_S
    rngs = [random.Random(seed * 100_003 + i) for i in range(buyers)]
    async with stack.client(buyers) as client:
        await asyncio.gather(
            *(one_buyer(stack, client, r, figures, end=end, deadline=deadline) for r in rngs)
        )
    return figures


def report(figures: Figures, tally: Any, seconds: float) -> None:
    statuses = figures.statuses
    five_xx = {s: n for s, n in statuses.items() if s.isdigit() and s.startswith("5")}
    other_5xx = sum(n for s, n in five_xx.items() if s != "503")
    failures = {s: n for s, n in statuses.items() if not s.isdigit()}
    answered_in_run = len(figures.latencies)
    print(f"conversations: {len(figures.conversations)} started, {tally.inquiries_expected} RFQs")
    print(
        f"messages: {tally.sent} sent, {tally.stored} stored, {tally.answered} answered "
        f"({answered_in_run / seconds:.2f}/s over the run and drain), "
        f"{tally.refused} refused (4xx)"
    )
    print(
        f"answers the buyers got: {dict(sorted(statuses.items()))}; 5xx other than 503: "
        f"{other_5xx}; transport errors: {failures or 0}"
    )
    print(
        f"503: {figures.kept} 'a person will follow up' (stored, kept), {figures.busy} busy "
        f"(turns in flight over the bound, not stored, Retry-After); "
        f"messages first not answered {tally.kept}, kept messages answered by the replay "
        f"{tally.kept_replayed}"
    )
    p50, p95 = percentile(figures.latencies, 50), percentile(figures.latencies, 95)
    if p50 is not None and p95 is not None:
        print(f"time to the answer (first send -> answer): p50 {p50:.1f} s, p95 {p95:.1f} s")
    print(
        f"inquiries exp/stored/dup: {tally.inquiries_expected}/{tally.inquiries_stored}/"
        f"{tally.inquiries_duplicated}; Slack notifications exp/deliv/dup: "
        f"{tally.notifications_expected}/{tally.notifications_delivered}/"
        f"{tally.notifications_duplicated}; turns run twice {tally.turns_run_twice}, not run "
        f"{tally.turns_not_run}, out of order {tally.turns_out_of_order}"
    )
    not_accepted = tally.sent - tally.refused - tally.stored
    print(
        f"lost (stored, never answered): {tally.stored - tally.answered}; "
        f"never accepted (busy until the deadline): {not_accepted}; "
        f"buyers' errors: {len(tally.errors)} {tally.errors[:3]}"
    )


def measure(work: Path, buyers: int, seconds: float, seed: int) -> list[str]:
    """The run against a fresh stack; what was lost or doubled (empty: nothing)."""
    with harness.fault_stack(work, work / "kb", **PRODUCTION) as stack:
        outbox_after = stack.outbox_mark()
        rss_start = rss(stack)
        started = time.monotonic()
        figures = asyncio.run(run_buyers(stack, buyers, seconds, seed))
        print(f"buyers done after {time.monotonic() - started:.0f} s", flush=True)
        recover_s: float | None = None
        with contextlib.suppress(AssertionError):  # not cleared: the tally says what waits
            recover_s = stack.wait_recovered(
                since=time.time(), outbox_after=outbox_after, timeout=DRAIN_S
            )
        rss_end = rss(stack)
        tally = stack.tally(figures.conversations, outbox_after=outbox_after)
        report(figures, tally, time.monotonic() - started)
        if recover_s is None:
            print(f"backlog NOT cleared {DRAIN_S:.0f} s after the buyers stopped")
        else:
            print(f"backlog cleared {recover_s:.1f} s after the buyers stopped")
        for name in rss_start:
            print(
                f"RSS {name}: {rss_start[name]:.0f} MiB at the start, "
                f"{rss_end.get(name, 0):.0f} MiB at the end"
            )
        problems = tally.losses()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reason = servers.missing()
    if reason:
        print(f"load: cannot run ({reason})")
        return 1
    from knowledge.ingest import ingest

    seconds = args.minutes * 60
    print(
        f"\n== load: {args.buyers} buyers for {args.minutes:g} min, think {THINK_S[0]:g}-"
        f"{THINK_S[1]:g} s ({time.strftime('%Y-%m-%d %H:%M %Z')})"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="exportdesk-load-") as tmp:
        work = Path(tmp)
        ingest(ROOT / "knowledge" / "demo", work / "kb")
        try:
            problems = measure(work, args.buyers, seconds, args.seed)
        except RuntimeError as exc:  # a part did not start: its log's end says why
            print(f"load: the stack did not start: {exc}")
            for log in sorted((work / "log").glob("*.log")):
                tail = log.read_text(errors="replace").splitlines()[-25:]
                print(f"-- {log.name}:", *tail, sep="\n")
            return 1
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if problems:
        print(f"LOST OR DOUBLED: {'; '.join(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
