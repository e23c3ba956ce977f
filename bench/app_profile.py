"""The app's CPU per buyer turn, by request path and by code (issue 15).

Starts the benchmark stack (bench/stack_fixture.py: the engine, and the app under the CPU
sampler of bench/app_sampler.py), plays the chat benchmark's RFQ conversation (bench/
chat_bench.py) for a few buyers at once through the app's chat API after one warm-up
conversation, and splits the app process's CPU of the measured turns:

- by path: the chat API (its routes), the action webhook the engine calls during the turns,
  the server's work outside any request (the event loop, uvicorn reading and writing
  sockets), other threads;
- within each path by part, each sample charged to the innermost frame that is not the
  standard library's plumbing: the database (SQLAlchemy, the driver), pydantic, JSON,
  logging, the HTTP client to the engine, Redis, rasa_sdk, FastAPI and Starlette, uvicorn,
  or the project's own packages (api/chat, actions, sales/rfq, ...);
- and by the project's function nearest the sample (its callees' library time included).

    .venv/bin/python bench/app_profile.py [--buyers 4] [--rounds 1]

bench/turn_profile_bench.py prints the same table after the engine's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.settings import ROOT
from bench.app_sampler import HANDED, OUT_ENV, SAMPLER, SQLITE, WORKER_REST
from bench.chat_bench import process_cpu_s, via_app
from bench.stack_fixture import running_stack
from tools.stack import Stack

OUTSIDE = "outside a request"
EVENT_LOOP = "event loop (uvloop: sockets, callbacks)"

# A library's files -> its part (the first pattern found in a frame's path).
LIBRARIES = (
    ("/sqlalchemy/", "database: SQLAlchemy"),
    ("/aiosqlite/", "database: driver"),
    ("/sqlite3/", "database: driver"),
    ("/psycopg", "database: driver"),
    ("/pydantic", "pydantic"),
    ("/json/", "JSON"),
    ("/logging/", "logging"),
    ("/httpx/", "HTTP client (app -> engine)"),
    ("/httpcore/", "HTTP client (app -> engine)"),
    ("/h11/", "HTTP client (app -> engine)"),
    ("/redis/", "Redis"),
    ("/rasa_sdk/", "rasa_sdk (tracker, executor)"),
    ("/fastapi/", "FastAPI & Starlette"),
    ("/starlette/", "FastAPI & Starlette"),
    ("/uvicorn/", "uvicorn (HTTP server)"),
)
# The project's files whose part is named apart from their package. A sample whose innermost
# frame is the sampler's middleware is C code run before a request's task resumes (the loop
# stepping the task after its I/O): the signal's handler runs at the first Python frame.
PROJECT = (("api/logs.py", "logging"), ("bench/app_sampler.py", EVENT_LOOP))

_STDLIB = sysconfig.get_paths()["stdlib"].rstrip("/") + "/"
_ROOT = str(ROOT).rstrip("/") + "/"


# The standard library's modules named as parts; its other frames are plumbing.
NAMED_STDLIB = ("/json/", "/logging/", "/sqlite3/")


def _plumbing(path: str) -> bool:
    """The standard library's frames other than JSON, logging and SQLite are charged to their
    caller (asyncio's queues and locks, contextlib, functools, copy, re...)."""
    return (
        path.startswith(_STDLIB)
        and "site-packages" not in path
        and not any(pattern in path for pattern in NAMED_STDLIB)
    )


def _project_path(path: str) -> str | None:
    if path.startswith(_ROOT) and "/.venv" not in path:
        return path[len(_ROOT) :]
    return None


def part_of(stack: list[str]) -> str:
    """The part a sample is charged to (stack outermost first, frames as `file:function`)."""
    if stack and stack[-1] == f"{SAMPLER}:{SAMPLER}":
        return "the sampler itself"
    if stack == [":".join(WORKER_REST)]:
        return "worker threads: waiting for work, waking the loop"
    if len(stack) == 1 and stack[0].startswith(f"{HANDED}:"):
        what = stack[0].removeprefix(f"{HANDED}:")
        return "database: driver" if what == SQLITE else part_of([what])
    for frame in reversed(stack):
        path = frame.rsplit(":", 1)[0]
        if path.endswith("asyncio/runners.py") or path.endswith("asyncio/base_events.py"):
            return EVENT_LOOP
        if _plumbing(path):
            continue
        project = _project_path(path)
        if project is not None:
            named = next((part for file, part in PROJECT if project == file), None)
            return named or _package(project)
        for pattern, part in LIBRARIES:
            if pattern in path:
                return part
        if "site-packages/" in path:
            return "library: " + path.split("site-packages/", 1)[1].split("/", 1)[0]
        return "other: " + path
    return EVENT_LOOP


def _package(project_file: str) -> str:
    """`sales/rfq/extract.py` -> `sales/rfq`; `actions/rfq_form.py` -> `actions/rfq_form`;
    `sales/conversations.py` -> `sales/conversations`."""
    parts = project_file.removesuffix(".py").split("/")
    return "/".join(parts[:2])


def project_function(stack: list[str]) -> str:
    """The project's function nearest the sample (innermost), as `file:function`."""
    if len(stack) == 1 and stack[0].startswith(f"{HANDED}:"):
        stack = [stack[0].removeprefix(f"{HANDED}:")]
    for frame in reversed(stack):
        path, _, name = frame.rpartition(":")
        project = _project_path(path)
        if project is not None and project != "bench/app_sampler.py":
            return f"{project}:{name}"
    return "(no project frame)"


def path_of(sample: dict[str, Any]) -> str:
    """The path a sample belongs to: its request's label, or where it ran outside one."""
    if sample["label"]:
        return str(sample["label"])
    if sample["thread"] == "main":
        return OUTSIDE
    if sample["thread"] == "worker":
        return "worker threads, outside a request"
    return "other threads"


def split(dump: dict[str, Any], turns: int) -> dict[str, Any]:
    """The sampler's dump as milliseconds per buyer turn: by path, by (path, part), by (path,
    project function); with the requests per turn and the process's CPU per turn."""
    by_path: dict[str, float] = defaultdict(float)
    by_part: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    by_function: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for sample in dump["samples"]:
        ms = sample["cpu_s"] * 1000 / turns
        path = path_of(sample)
        by_path[path] += ms
        by_part[path][part_of(sample["stack"])] += ms
        by_function[path][project_function(sample["stack"])] += ms

    def ordered(values: dict[str, float]) -> dict[str, float]:
        return dict(sorted(values.items(), key=lambda item: -item[1]))

    return {
        "turns": turns,
        "interval_ms": dump["interval_s"] * 1000,
        "process_cpu_ms_per_turn": dump["process_cpu_s"] * 1000 / turns,
        "sampled_ms_per_turn": sum(by_path.values()),
        "requests_per_turn": {k: v / turns for k, v in ordered(dump["requests"]).items()},
        "paths": ordered(by_path),
        "parts": {path: ordered(by_part[path]) for path in ordered(by_path)},
        "functions": {path: ordered(by_function[path]) for path in ordered(by_path)},
    }


class SampledStack(Stack):
    """The benchmark stack with the app started under bench/app_sampler.py."""

    @property
    def samples_file(self) -> Path:
        return self.log_dir / "app-samples.json"

    def app_env(self) -> dict[str, str]:
        return {**super().app_env(), OUT_ENV: str(self.samples_file)}

    def app_argv(self, port: int) -> list[str]:
        return [
            "bench.app_sampler:create_app" if arg == "api.main:create_app" else arg
            for arg in super().app_argv(port)
        ]


def _read_samples(stack: SampledStack, pid: int, timeout: float = 60.0) -> dict[str, Any]:
    os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.samples_file.exists():
            return dict(json.loads(stack.samples_file.read_text()))
        time.sleep(0.2)
    raise SystemExit("the app wrote no samples")


async def _play(app_url: str, buyers: int, rounds: int) -> int:
    limits = httpx.Limits(max_connections=buyers * 2, max_keepalive_connections=buyers * 2)
    async with httpx.AsyncClient(base_url=app_url, timeout=120, limits=limits) as client:
        turns: list[float] = []
        for r in range(rounds):
            await asyncio.gather(*(via_app(client, r * 1000 + i, turns) for i in range(buyers)))
    return len(turns)


def profile_app(buyers: int = 4, rounds: int = 1, raw: Path | None = None) -> dict[str, Any]:
    """Run the stack with the sampled app; the split of the measured turns (`split`) with the
    app's CPU from /proc beside it and the machine's load average (`raw`: the sampler's own
    dump, every stack, is written there too)."""
    with running_stack(stack_type=SampledStack) as (stack, settings):
        assert isinstance(stack, SampledStack)
        app_url = f"http://127.0.0.1:{settings.app_port}"
        pid = stack.procs["app"].pid
        asyncio.run(_play(app_url, 1, 1))  # warm-up: one conversation
        load_before = os.getloadavg()
        os.kill(pid, signal.SIGUSR1)
        time.sleep(0.5)  # the handler runs between requests
        cpu_before = process_cpu_s(pid)
        turns = asyncio.run(_play(app_url, buyers, rounds))
        cpu_after = process_cpu_s(pid)
        dump = _read_samples(stack, pid)
        load_after = os.getloadavg()
    if raw is not None:
        raw.write_text(json.dumps(dump))
    result = split(dump, turns)
    result["proc_cpu_ms_per_turn"] = (cpu_after - cpu_before) * 1000 / turns
    result["buyers"] = buyers
    result["load"] = [round(load_before[0], 1), round(load_after[0], 1)]
    return result


def report(data: dict[str, Any], parts_at_least_ms: float = 0.1, functions: int = 12) -> None:
    turns = data["turns"]
    print(
        f"\n== the app's CPU per buyer turn: {turns} turns, {data['buyers']} buyers at once "
        f"through the chat API (the RFQ conversation; the webhook serves the engine's calls); "
        f"sampled every {data['interval_ms']:.0f} ms of CPU; load average "
        f"{data['load'][0]} before, {data['load'][1]} after"
    )
    print(
        f"app CPU {data['proc_cpu_ms_per_turn']:.1f} ms a turn (from /proc), "
        f"{data['sampled_ms_per_turn']:.1f} sampled; requests a turn: "
        + ", ".join(f"{k} {v:.2f}" for k, v in data["requests_per_turn"].items())
    )
    print(f"\n{'path, then its parts':<66}{'ms/turn':>9}{'share':>8}")
    total = data["sampled_ms_per_turn"] or 1.0
    for path, ms in data["paths"].items():
        print(f"{path[:65]:<66}{ms:>9.2f}{ms / total:>8.1%}")
        for part, part_ms in data["parts"][path].items():
            if part_ms >= parts_at_least_ms:
                print(f"  {part[:63]:<64}{part_ms:>9.2f}")
    print(f"\n{'the project functions nearest the samples, by path':<66}{'ms/turn':>9}")
    for path, found in data["functions"].items():
        top = [(name, ms) for name, ms in found.items() if ms >= parts_at_least_ms][:functions]
        if top:
            print(path[:66])
            for name, ms in top:
                print(f"  {name[:63]:<64}{ms:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--raw", type=Path, help="and the sampled stacks here")
    args = parser.parse_args()
    data = profile_app(args.buyers, args.rounds, args.raw)
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))
    report(data)


if __name__ == "__main__":
    main()
