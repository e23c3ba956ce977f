"""Where a bot turn's time goes inside the engine, component by component (issue 15).

Runs in the engine's environment (Rasa is installed there only); bench/turn_profile_bench.py
starts it with the endpoints of a running app (the action webhook) and the conversations on
standard input:

    .venv-engine/bin/python bench/turn_profile.py MODEL.tar.gz ENDPOINTS.yml [CPROFILE_OUT]
        < conversations.json

The model is loaded as `rasa run` loads it and each message goes through `Agent.handle_message`,
as the input channel hands it over, in this process. Measured, without changing what runs (the
functions are wrapped, not replaced):

- every node of Rasa's graphs, by phase: `nlu` (parsing the message: tokenizer, featurizers,
  classifiers, extractors) and `policy` (each action prediction: the policies, the ensemble);
- action predictions per buyer turn, and the time of each action the engine ran, by action:
  custom actions are calls to the app's action webhook (`RemoteAction`, one HTTP round trip
  that includes the action's own work in the app), forms call it to validate;
- the tracker store's reads and writes per turn, and their time;
- the engine's CPU per turn by part, each part's own (exclusive) CPU time on the thread that
  runs the turn: NLU, action prediction, the lock store, the tracker store, the tracker
  serialised for each webhook call (`current_state`), the HTTP exchange with the app (JSON in
  and out), the catalog's responses, trackers rebuilt from events for forms and slot
  extraction, events applied to the tracker, and what is left of the processor; beside it the
  CPU of the process's other threads (TensorFlow's and the BLAS pools) per turn.

With CPROFILE_OUT, the measured turns (not the warm-up) also run under cProfile, whose
statistics are written there (`python -m pstats CPROFILE_OUT`); the timings are then inflated
by the profiler's own cost.

Prints one JSON object on the last line of standard output; thread counts of the numeric
libraries are taken from the environment as given.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHASE: contextvars.ContextVar[str] = contextvars.ContextVar("phase", default="other")


class Parts:
    """Exclusive CPU time of nested parts of a turn on the turn's thread (`time.thread_time`):
    a part's time is its own, the parts it calls subtracted. Turns run one at a time."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[Any]] = []  # [part, started, children's time]

    def enter(self) -> list[Any]:
        frame = [None, time.thread_time(), 0.0]
        self._stack.append(frame)
        return frame

    def leave(self, part: str, frame: list[Any]) -> None:
        elapsed = time.thread_time() - frame[1]
        if frame in self._stack:
            index = len(self._stack) - 1 - self._stack[::-1].index(frame)
            del self._stack[index:]
        if self._stack:
            self._stack[-1][2] += elapsed
        self.cpu[part] += elapsed - frame[2]
        self.calls[part] += 1

    def wrap_sync(self, part: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            frame = self.enter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.leave(part, frame)

        return wrapper

    def wrap_async(self, part: str, fn: Any) -> Any:
        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            frame = self.enter()
            try:
                return await fn(*args, **kwargs)
            finally:
                self.leave(part, frame)

        return wrapper


PARTS = Parts()

# (module, class, method, part): the parts of a turn, outermost first
PART_METHODS = (
    ("rasa.core.agent", "Agent", "handle_message", "processor (the rest of the turn)"),
    ("rasa.core.lock_store", "LockStore", "_acquire_lock", "lock store"),
    ("rasa.core.lock_store", "LockStore", "cleanup", "lock store"),
    ("rasa.core.tracker_store", "SQLTrackerStore", "retrieve", "tracker store read"),
    ("rasa.core.tracker_store", "SQLTrackerStore", "save", "tracker store write"),
    ("rasa.core.processor", "MessageProcessor", "_parse_message_with_graph", "NLU parse"),
    ("rasa.core.processor", "MessageProcessor", "_predict_next_with_tracker", "action prediction"),
    ("rasa.core.actions.action", "ActionExtractSlots", "run", "slot extraction (engine side)"),
    ("rasa.core.actions.forms", "FormAction", "run", "form (engine side)"),
    ("rasa.core.actions.action", "RemoteAction", "run", "webhook call: the rest (events, checks)"),
    (
        "rasa.shared.core.trackers",
        "DialogueStateTracker",
        "current_state",
        "webhook call: tracker serialised (current_state)",
    ),
    (
        "rasa.utils.endpoints",
        "EndpointConfig",
        "request",
        "webhook call: HTTP exchange (JSON out and in)",
    ),
    ("bot.catalog_nlg", "CatalogNaturalLanguageGenerator", "generate", "responses (catalog NLG)"),
    (
        "rasa.shared.core.trackers",
        "DialogueStateTracker",
        "from_events",
        "trackers rebuilt from events (forms, extraction)",
    ),
    ("rasa.shared.core.trackers", "DialogueStateTracker", "update", "events applied to trackers"),
    (
        "rasa.shared.core.trackers",
        "DialogueStateTracker",
        "update_with_events",
        "events applied to trackers",
    ),
)


def instrument_parts() -> None:
    import importlib
    import inspect

    for module_name, class_name, method, part in PART_METHODS:
        cls = getattr(importlib.import_module(module_name), class_name)
        raw = inspect.getattr_static(cls, method)
        if isinstance(raw, classmethod):
            setattr(cls, method, classmethod(PARTS.wrap_sync(part, raw.__func__)))
        elif inspect.iscoroutinefunction(raw):
            setattr(cls, method, PARTS.wrap_async(part, raw))
        else:
            setattr(cls, method, PARTS.wrap_sync(part, raw))


class Recorder:
    def __init__(self) -> None:
        self.nodes: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.actions: dict[str, list[float]] = defaultdict(list)
        self.webhook: dict[str, list[float]] = defaultdict(list)
        self.store: dict[str, list[float]] = defaultdict(list)
        self.predictions = 0
        self.winners: dict[str, int] = defaultdict(int)  # the policy whose prediction ran
        self.parses: list[float] = []
        self.predict_times: list[float] = []

    def turn_counts(self) -> dict[str, int]:
        return {
            "predictions": self.predictions,
            "webhook_calls": sum(len(v) for v in self.webhook.values()),
            "store_reads": len(self.store["retrieve"]),
            "store_writes": len(self.store["save"]),
        }


REC = Recorder()


def _timed_sync(record: list[float], fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            record.append(time.perf_counter() - started)

    return wrapper


def instrument() -> None:
    from rasa.core import processor as processor_module
    from rasa.core.actions import action as action_module
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.engine import graph

    original_call = graph.GraphNode.__call__

    def node_call(self: Any, *inputs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_call(self, *inputs)
        finally:
            REC.nodes[(PHASE.get(), self._node_name)].append(time.perf_counter() - started)

    graph.GraphNode.__call__ = node_call

    processor_cls = processor_module.MessageProcessor
    original_parse = processor_cls._parse_message_with_graph
    original_predict = processor_cls._predict_next_with_tracker

    def parse(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = PHASE.set("nlu")
        started = time.perf_counter()
        try:
            return original_parse(self, *args, **kwargs)
        finally:
            REC.parses.append(time.perf_counter() - started)
            PHASE.reset(token)

    def predict(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = PHASE.set("policy")
        started = time.perf_counter()
        try:
            prediction = original_predict(self, *args, **kwargs)
            REC.winners[prediction.policy_name or "none"] += 1
            return prediction
        finally:
            REC.predictions += 1
            REC.predict_times.append(time.perf_counter() - started)
            PHASE.reset(token)

    processor_cls._parse_message_with_graph = parse
    processor_cls._predict_next_with_tracker = predict

    original_run_action = processor_cls._run_action

    async def run_action(self: Any, action: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original_run_action(self, action, *args, **kwargs)
        finally:
            REC.actions[action.name()].append(time.perf_counter() - started)

    processor_cls._run_action = run_action

    original_remote = action_module.RemoteAction.run

    async def remote_run(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original_remote(self, *args, **kwargs)
        finally:
            REC.webhook[self.name()].append(time.perf_counter() - started)

    action_module.RemoteAction.run = remote_run

    for name in ("retrieve", "save"):
        original = getattr(SQLTrackerStore, name)

        def make(original: Any, name: str) -> Any:
            async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(self, *args, **kwargs)
                finally:
                    REC.store[name].append(time.perf_counter() - started)

            return wrapper

        setattr(SQLTrackerStore, name, make(original, name))


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0, "total_ms": 0.0, "mean_ms": 0.0, "p95_ms": 0.0}
    return {
        "n": len(ordered),
        "total_ms": round(sum(ordered) * 1000, 1),
        "mean_ms": round(sum(ordered) / len(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2),
    }


def _os_threads() -> int:
    """The process's threads, native ones included (TensorFlow's and the BLAS pools)."""
    tasks = Path("/proc/self/task")
    return len(list(tasks.iterdir())) if tasks.is_dir() else threading.active_count()


async def run(
    model: str,
    endpoints_file: str,
    conversations: list[list[str]],
    cprofile_out: str | None = None,
) -> dict[str, Any]:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    from bot import action_calls, event_types, sql_tracker_store

    action_calls.install()  # as bot/serve.py does before `rasa run`
    event_types.install()
    sql_tracker_store.install()
    endpoints = AvailableEndpoints.read_endpoints(endpoints_file)
    agent = await load_agent(model_path=model, endpoints=endpoints)
    instrument()
    instrument_parts()

    async def turn(sender: str, text: str) -> None:
        output = CollectingOutputChannel()
        await agent.handle_message(
            UserMessage(text, output, sender, metadata={"language": "en"}, input_channel="app")
        )

    # warm-up: one conversation not counted (first calls build caches, open connections)
    for text in conversations[0]:
        await turn("warm-up", text)
    global REC
    REC = Recorder()
    PARTS.cpu.clear()
    PARTS.calls.clear()
    instrument_counts: list[dict[str, int]] = []
    turn_times: list[float] = []
    profiler = None
    if cprofile_out:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu_before = time.process_time()
    main_before = time.thread_time()
    wall_before = time.perf_counter()
    for n, script in enumerate(conversations):
        for text in script:
            before = REC.turn_counts()
            started = time.perf_counter()
            await turn(f"profile-{n}", text)
            turn_times.append(time.perf_counter() - started)
            after = REC.turn_counts()
            instrument_counts.append({k: after[k] - before[k] for k in after})
    cpu = time.process_time() - cpu_before
    main_cpu = time.thread_time() - main_before
    wall = time.perf_counter() - wall_before
    if profiler is not None and cprofile_out:
        profiler.disable()
        profiler.dump_stats(cprofile_out)
    turns = len(turn_times)

    def per_turn(key: str) -> dict[str, float]:
        values = [c[key] for c in instrument_counts]
        return {"mean": round(sum(values) / turns, 2), "max": max(values)}

    nodes = {
        f"{phase}:{name}": _stats(samples)
        for (phase, name), samples in sorted(REC.nodes.items(), key=lambda item: -sum(item[1]))
    }
    return {
        "turns": turns,
        "turn": _stats(turn_times),
        "cpu_ms_per_turn": round(cpu / turns * 1000, 1),
        "wall_ms_per_turn": round(wall / turns * 1000, 1),
        "main_thread_cpu_ms_per_turn": round(main_cpu / turns * 1000, 1),
        "other_threads_cpu_ms_per_turn": round((cpu - main_cpu) / turns * 1000, 1),
        "threads_alive": threading.active_count(),
        "os_threads": _os_threads(),
        "parts": {
            part: {
                "calls": PARTS.calls[part],
                "cpu_ms_per_turn": round(seconds / turns * 1000, 2),
            }
            for part, seconds in sorted(PARTS.cpu.items(), key=lambda item: -item[1])
        },
        "parse": _stats(REC.parses),
        "predict": _stats(REC.predict_times),
        "winners": dict(sorted(REC.winners.items(), key=lambda item: -item[1])),
        "nodes": nodes,
        "actions": {name: _stats(s) for name, s in sorted(REC.actions.items())},
        "webhook": {name: _stats(s) for name, s in sorted(REC.webhook.items())},
        "store": {name: _stats(s) for name, s in sorted(REC.store.items())},
        "per_turn": {key: per_turn(key) for key in instrument_counts[0]},
        "threads": {
            name: os.environ.get(name, "unset")
            for name in (
                "OMP_NUM_THREADS",
                "OPENBLAS_NUM_THREADS",
                "MKL_NUM_THREADS",
                "TF_NUM_INTRAOP_THREADS",
                "TF_NUM_INTEROP_THREADS",
            )
        },
    }


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    # Rasa's structured log as `rasa run` configures it (its level from LOG_LEVEL, INFO by
    # default): unconfigured, structlog renders and prints every debug event of a turn, which
    # would be counted as the engine's CPU here and is not spent by a serving engine
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(None)
    model, endpoints_file = sys.argv[1], sys.argv[2]
    cprofile_out = sys.argv[3] if len(sys.argv) > 3 else None
    conversations = json.load(sys.stdin)
    result = asyncio.run(run(model, endpoints_file, conversations, cprofile_out))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
