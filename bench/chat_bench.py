"""Turn latency and throughput of the chat API against bare Rasa, at N concurrent buyers.

The same scripted conversations run (a) through the app's chat API and (b) straight at the
engine's input channel with its secret (the bare-Rasa baseline; actions still run in the app's
webhook), in alternating rounds in one run, and the script prints p50/p95 turn latency, messages
per second, the CPU the engine and the app processes spent per turn in each (from /proc, the
warm-up left out), the machine's load average, and the ratios app/baseline.

    .venv/bin/python bench/chat_bench.py [--buyers 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.engine import mark_absent
from bench.stack_fixture import running_stack

# A whole RFQ: the opening states six facts, the bot asks for the rest, the buyer confirms
# (the last turn stores the inquiry, prices it and answers with the quote).
SCRIPT = [
    ("text", "Hello"),
    (
        "text",
        "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
        "by 15 March 2027",
    ),
    ("text", "T/T"),
    ("text", "no"),
    ("text", "distributor"),
    ("text", "Jana Weber, Nordlicht {i} GmbH, buyer{i}@firm{i}.example"),
    ("payload", "/affirm"),
]


async def _new_session(client: httpx.AsyncClient) -> tuple[str, str]:
    response = await client.post("/api/chat/sessions", json={"locale": "en"})
    response.raise_for_status()
    body = response.json()
    return body["session_id"], body["token"]


async def via_app(
    client: httpx.AsyncClient, i: int, latencies: list[float], confirms: list[float] | None = None
) -> None:
    session_id, token = await _new_session(client)
    headers = {"Authorization": f"Bearer {token}"}
    for kind, value in SCRIPT:
        body = {kind: value.format(i=i)}
        started = time.perf_counter()
        response = await client.post(
            f"/api/chat/sessions/{session_id}/messages", json=body, headers=headers
        )
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
    if confirms is not None:
        confirms.append(latencies[-1])
        assert "Q-" in response.text, "the confirmation did not bring the quote"


async def via_engine(
    client: httpx.AsyncClient, engine: httpx.AsyncClient, i: int, latencies: list[float]
) -> None:
    session_id, _ = await _new_session(client)  # the action writes the inquiry for this session
    for _kind, value in SCRIPT:
        started = time.perf_counter()
        response = await engine.post(
            "/webhooks/app/webhook", json={"sender": session_id, "message": value.format(i=i)}
        )
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # after "pid (name)": state is field 3, utime and stime fields 14 and 15
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def measure(
    app_url: str,
    engine_url: str,
    buyers: int,
    rounds: int,
    channel_token: str,
    pids: dict[str, int] | None = None,
) -> dict[str, dict[str, float]]:
    """Latency and throughput by path; with `pids` (process name -> pid, e.g. the engine's and
    the app's), also each process's CPU milliseconds per turn on that path (`<name>_cpu_ms`)."""
    pids = pids or {}
    limits = httpx.Limits(max_connections=buyers * 2, max_keepalive_connections=buyers * 2)
    confirms: list[float] = []
    results: dict[str, dict[str, list[float] | float]] = {
        "app": {"lat": [], "secs": 0.0, "turns": 0},
        "rasa": {"lat": [], "secs": 0.0, "turns": 0},
    }
    cpu: dict[str, dict[str, float]] = {
        "app": dict.fromkeys(pids, 0.0),
        "rasa": dict.fromkeys(pids, 0.0),
    }
    async with (
        httpx.AsyncClient(base_url=app_url, timeout=120, limits=limits) as client,
        httpx.AsyncClient(
            base_url=engine_url,
            timeout=120,
            limits=limits,
            headers={"Authorization": f"Bearer {channel_token}"},
        ) as engine,
    ):
        # warm-up: one conversation each way
        await via_app(client, 10_000, [])
        await via_engine(client, engine, 10_001, [])
        for r in range(rounds):
            for name in ("rasa", "app") if r % 2 == 0 else ("app", "rasa"):
                lat: list[float] = []
                cpu_before = {proc: process_cpu_s(pid) for proc, pid in pids.items()}
                started = time.perf_counter()
                if name == "app":
                    await asyncio.gather(
                        *(via_app(client, r * 1000 + i, lat, confirms) for i in range(buyers))
                    )
                else:
                    await asyncio.gather(
                        *(
                            via_engine(client, engine, r * 1000 + 500 + i, lat)
                            for i in range(buyers)
                        )
                    )
                results[name]["secs"] += time.perf_counter() - started  # type: ignore[operator]
                for proc, pid in pids.items():
                    cpu[name][proc] += process_cpu_s(pid) - cpu_before[proc]
                results[name]["lat"].extend(lat)  # type: ignore[union-attr]
                results[name]["turns"] += len(lat)  # type: ignore[operator]
    summary = {}
    for name, data in results.items():
        lat = data["lat"]  # type: ignore[assignment]
        summary[name] = {
            "p50_ms": statistics.median(lat) * 1000,
            "p95_ms": _pct(lat, 95) * 1000,
            "msgs_per_s": data["turns"] / data["secs"],  # type: ignore[operator]
            "turns": data["turns"],
            **{
                f"{proc}_cpu_ms": seconds * 1000 / data["turns"]  # type: ignore[operator]
                for proc, seconds in cpu[name].items()
            },
        }
    summary["confirm"] = {
        "p50_ms": statistics.median(confirms) * 1000,
        "p95_ms": _pct(confirms, 95) * 1000,
        "msgs_per_s": 0.0,
        "turns": len(confirms),
    }
    return summary  # type: ignore[return-value]


def main() -> None:
    # the benchmark's own HTTP client (httpx) spends no CPU searching for sniffio either
    # (api/engine.py): on 2 shared cores the client's CPU is taken from the engine and the app
    mark_absent("sniffio")
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with running_stack() as (stack, settings):
        app_url = f"http://127.0.0.1:{settings.app_port}"
        channel_token = settings.engine_channel_token.get_secret_value()
        pids = {name: stack.procs[name].pid for name in ("engine", "app")}
        load_before = os.getloadavg()
        summary = asyncio.run(
            measure(app_url, settings.engine_url, args.buyers, args.rounds, channel_token, pids)
        )
        load_after = os.getloadavg()
    print(f"\n== chat turn latency: {args.buyers} concurrent buyers, {args.rounds} rounds each way")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print(
        f"{'path':<22}{'turns':>7}{'p50 ms':>10}{'p95 ms':>10}{'msgs/s':>10}"
        f"{'engine CPU ms/turn':>20}{'app CPU ms/turn':>17}"
    )
    for name, label in (("rasa", "bare Rasa (channel)"), ("app", "app chat API")):
        s = summary[name]
        print(
            f"{label:<22}{s['turns']:>7}{s['p50_ms']:>10.1f}{s['p95_ms']:>10.1f}"
            f"{s['msgs_per_s']:>10.1f}{s['engine_cpu_ms']:>20.1f}{s['app_cpu_ms']:>17.1f}"
        )
    confirm = summary["confirm"]
    print(
        f"confirmation -> quote in chat (app, RFQ stored, priced, quote text): "
        f"p50 {confirm['p50_ms']:.1f} ms, p95 {confirm['p95_ms']:.1f} ms"
    )
    app, rasa = summary["app"], summary["rasa"]
    print(
        f"ratio app/Rasa: p50 {app['p50_ms'] / rasa['p50_ms']:.3f}, "
        f"p95 {app['p95_ms'] / rasa['p95_ms']:.3f} (goal <= 1.15), "
        f"throughput {app['msgs_per_s'] / rasa['msgs_per_s']:.3f}"
    )


if __name__ == "__main__":
    main()
