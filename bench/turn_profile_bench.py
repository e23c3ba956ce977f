"""A bot turn by component (issue 15): where the engine's time per buyer turn goes.

Starts the app alone (the action webhook, on a fresh SQLite database) and runs
bench/turn_profile.py in the engine's environment, which loads the model as `rasa run` does and
plays the chat benchmark's scripted RFQ conversations (bench/chat_bench.py) through
`Agent.handle_message` with every graph node, action, webhook call and tracker store access
timed. Prints the engine's CPU per turn by part (its own CPU time on the turn's thread: NLU,
prediction, lock store, tracker store, the tracker serialised for each webhook call, the HTTP
exchange, responses, trackers rebuilt and events applied, the processor's rest) and the CPU of
its other threads, then the table: NLU components, policies, action predictions and webhook
calls per turn, each action's time (a custom action's is the webhook round trip, the app's work
in it included), the tracker store's reads and writes. Measures only: nothing is tuned here.

Then the app's side (bench/app_profile.py): the stack with the engine serving and the app under
a CPU sampler, `--app-buyers` buyers at once through the chat API, and the app process's CPU
per turn split by path (the chat API, the action webhook, the server outside a request) and
by part (database, pydantic, JSON, logging, the HTTP client, rasa_sdk, the project's packages).

    .venv/bin/python bench/turn_profile_bench.py [--conversations 5] [--cprofile FILE]
        [--app-buyers 4] [--app-rounds 2]

`--cprofile FILE` also runs the measured turns under cProfile in the engine's process and writes
its statistics to FILE (read them with `python -m pstats FILE`; the table's times are then
inflated by the profiler).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.settings import ROOT, Settings
from bench import app_profile
from bench.chat_bench import SCRIPT
from sales.migrate import upgrade
from tools import engine_files
from tools.stack import Stack, free_port, train


def conversations(count: int) -> list[list[str]]:
    """The chat benchmark's conversation, `count` buyers (a button is sent as its payload)."""
    return [[value.format(i=i) for _kind, value in SCRIPT] for i in range(count)]


def profile(count: int, cprofile: Path | None = None) -> dict[str, Any]:
    from knowledge.ingest import ingest

    model = train()
    with tempfile.TemporaryDirectory(prefix="exportdesk-profile-") as tmp:
        work = Path(tmp)
        ingest(ROOT / "knowledge" / "demo", work / "kb")
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            app_port=free_port(),
            rasa_port=free_port(),  # nothing listens there: the engine runs in the profiler
            database_url=f"sqlite:///{work / 'orders.db'}",
            tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
            staff_api_tokens=SecretStr("profile-staff-token-0123456789"),
            kb_index_dir=work / "kb",
            log_level="WARNING",
        )
        upgrade(settings.database_url)
        stack = Stack(settings, model, work / "log")
        stack.start_app()
        try:
            _wait_live(stack, settings)
            endpoints = engine_files.write_endpoints(settings, work / "endpoints.yml")
            result = subprocess.run(
                [
                    str(engine_files.ENGINE_PYTHON),
                    str(ROOT / "bench" / "turn_profile.py"),
                    str(model),
                    str(endpoints),
                    *([str(cprofile.resolve())] if cprofile else []),
                ],
                input=json.dumps(conversations(count)),
                cwd=ROOT,
                env=engine_files.engine_env(settings),
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            stack.stop()
    if result.returncode != 0:
        raise SystemExit(f"the profiler failed:\n{result.stderr[-4000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _wait_live(stack: Stack, settings: Settings, timeout: float = 300) -> None:
    url = f"http://127.0.0.1:{settings.app_port}/health/live"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dead := stack.dead():
            raise SystemExit(f"{', '.join(dead)} exited")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the app did not start")


def _node_label(key: str) -> str:
    """`nlu:run_bot.components.use_featurizer.UniversalSentenceEncoderFeaturizer1` ->
    `nlu    UniversalSentenceEncoderFeaturizer1` (the graph's node names end in their index)."""
    phase, _, node = key.partition(":")
    return f"{phase:<7}{node.removeprefix('run_').rsplit('.', 1)[-1]}"


def _header(title: str) -> None:
    print(f"\n{title:<66}{'calls':>7}{'ms/turn':>9}{'mean ms':>9}{'p95 ms':>9}")


def _row(label: str, s: dict[str, float], turns: int) -> None:
    print(
        f"{label[:65]:<66}{s['n']:>7.0f}{s['total_ms'] / turns:>9.2f}"
        f"{s['mean_ms']:>9.2f}{s['p95_ms']:>9.2f}"
    )


def report(data: dict[str, Any]) -> None:
    turns = data["turns"]
    print(f"\n== a bot turn by component: {turns} turns of the chat benchmark's RFQ conversation")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; engine thread settings: "
        + ", ".join(f"{k}={v}" for k, v in data["threads"].items())
    )
    turn = data["turn"]
    print(
        f"turn: mean {turn['mean_ms']:.1f} ms, p95 {turn['p95_ms']:.1f} ms; engine CPU "
        f"{data['cpu_ms_per_turn']:.1f} ms per turn (the app's webhook work not included)"
    )
    print(
        "per turn: "
        + ", ".join(
            f"{key.replace('_', ' ')} {value['mean']:.2f} (max {value['max']})"
            for key, value in data["per_turn"].items()
        )
    )
    print(
        "engine CPU per turn by thread: the turn's thread "
        f"{data['main_thread_cpu_ms_per_turn']:.1f} ms, the process's other threads "
        f"{data['other_threads_cpu_ms_per_turn']:.1f} ms"
        f" ({data['os_threads']} threads in the process)"
    )
    print(f"\n{'engine CPU on the turn thread, by part (own time)':<66}{'calls':>7}{'ms/turn':>9}")
    for part, p in data["parts"].items():
        print(f"{part[:65]:<66}{p['calls']:>7}{p['cpu_ms_per_turn']:>9.2f}")
    _header("graph node (phase, component)")
    for key, s in data["nodes"].items():
        if s["total_ms"] / turns >= 0.05:  # the bookkeeping nodes below that are left out
            _row(_node_label(key), s, turns)
    _row("  whole NLU parse", data["parse"], turns)
    _row("  whole action prediction (all policies)", data["predict"], turns)
    print(
        "action predictions by the policy that made them: "
        + ", ".join(f"{name} {count}" for name, count in data["winners"].items())
    )
    _header("action (engine side; a webhook's includes the app's work)")
    for name, s in sorted(data["actions"].items(), key=lambda item: -item[1]["total_ms"]):
        _row(f"{name}{' (webhook)' if name in data['webhook'] else ''}", s, turns)
    inner = {k: v for k, v in data["webhook"].items() if k not in data["actions"]}
    for name, s in sorted(inner.items(), key=lambda item: -item[1]["total_ms"]):
        _row(f"{name} (webhook, called by a form)", s, turns)
    _header("tracker store")
    for name, s in data["store"].items():
        _row(name, s, turns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--cprofile", type=Path, help="cProfile statistics of the engine here")
    parser.add_argument(
        "--app-buyers", type=int, default=4, help="buyers at once in the app's profile (0: none)"
    )
    parser.add_argument("--app-rounds", type=int, default=2)
    args = parser.parse_args()
    data = profile(args.conversations, args.cprofile)
    report(data)
    if args.app_buyers > 0:
        data["app"] = app_profile.profile_app(args.app_buyers, args.app_rounds)
        app_profile.report(data["app"])
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
