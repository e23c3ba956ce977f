"""A CPU sampler for the app process, for the benchmarks only (issue 15): where the app's CPU
per buyer turn goes, by request path (the chat API, the action webhook) and by code.

The bench starts the app with this module's factory in place of `api.main:create_app`
(`uvicorn bench.app_sampler:create_app --factory`, see bench/app_profile.py); nothing of it is
imported by the app itself. Every `INTERVAL_S` of the process's CPU time (`ITIMER_PROF`, all
threads) the kernel sends SIGPROF; the handler reads each thread's own CPU clock and charges
what the thread used since the previous sample to the stack it is in now, under a label:

- the request being served, from a context variable set around each HTTP request (an asyncio
  task inherits it, so a request's awaited work and the tasks it starts carry it; the event
  loop's own callbacks, such as uvicorn's HTTP parsing, carry none);
- in worker threads, the label of the request that handed them the work: SQLite's driver
  threads (aiosqlite runs each database call on a thread of its own) and the default
  executor's (`asyncio.to_thread`: the RFQ reading).

SIGUSR1 starts sampling (counters reset), SIGUSR2 stops it and writes the samples as JSON to
the file named by `APP_SAMPLER_OUT`. The handler's own CPU is counted apart ("sampler").
"""

from __future__ import annotations

import contextvars
import json
import os
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

INTERVAL_S = 0.002
MAX_DEPTH = 96
OUT_ENV = "APP_SAMPLER_OUT"
SAMPLER = "sampler"

REQUEST: contextvars.ContextVar[str | None] = contextvars.ContextVar("request", default=None)
_thread_labels: dict[int, str | None] = {}  # a worker thread's ident -> the caller's label
_requests: Counter[str] = Counter()  # requests served by label since sampling started

Frame = tuple[str, str]  # (file, function)


def request_label(method: str, path: str) -> str:
    """A request's path class: the chat API's routes by shape (the session id left out), the
    action webhook, anything else by its first path segment."""
    parts = [p for p in path.split("/") if p]
    if parts[:3] == ["api", "chat", "sessions"]:
        shape = "/api/chat/sessions" + ("/{id}" if len(parts) > 3 else "")
        shape += "".join(f"/{p}" for p in parts[4:])
        return f"chat {method} {shape}"
    if parts == ["webhook"]:
        return "webhook"
    return f"other {method} /{parts[0] if parts else ''}"


class RequestLabel:
    """ASGI middleware: the request's label in `REQUEST` while it is served."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        label = request_label(scope["method"], scope["path"])
        _requests[label] += 1
        token = REQUEST.set(label)
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST.reset(token)


def _stack(frame: FrameType | None) -> tuple[Frame, ...]:
    """Outermost first, at most MAX_DEPTH frames (the innermost kept)."""
    frames: list[Frame] = []
    while frame is not None and len(frames) < MAX_DEPTH:
        code = frame.f_code
        frames.append((code.co_filename, code.co_name))
        frame = frame.f_back
    return tuple(reversed(frames))


class Sampler:
    """CPU seconds by (thread kind, request label, stack), from SIGPROF ticks."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self.interval_s = interval_s
        self.samples: defaultdict[tuple[str, str | None, tuple[Frame, ...]], float] = defaultdict(
            float
        )
        self.ticks = 0
        self._last: dict[int, float] = {}
        self._main = threading.main_thread().ident
        self.started_cpu = 0.0
        self.stopped_cpu = 0.0
        self._handler_s = 0.0  # the handler's own CPU at its last run
        self._in_tick = False

    @staticmethod
    def _cpu(ident: int) -> float | None:
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(ident))
        except (OSError, ProcessLookupError):
            return None  # the thread ended

    def start(self) -> None:
        self.samples.clear()
        _requests.clear()
        self.ticks = 0
        self._handler_s = 0.0
        self._last = {
            ident: cpu for ident in sys._current_frames() if (cpu := self._cpu(ident)) is not None
        }
        self.started_cpu = time.process_time()
        signal.signal(signal.SIGPROF, self._tick)
        signal.setitimer(signal.ITIMER_PROF, self.interval_s, self.interval_s)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
        self.stopped_cpu = time.process_time()

    def _tick(self, _signum: int, interrupted: FrameType | None) -> None:
        if self._in_tick:  # a tick while the last one runs: its time goes to the next one
            return
        self._in_tick = True
        entered = time.thread_time()
        self.ticks += 1
        label = REQUEST.get()  # the running task's: the handler runs in its context
        for ident, frame in sys._current_frames().items():
            cpu = self._cpu(ident)
            if cpu is None:
                continue
            used = cpu - self._last.get(ident, cpu)
            self._last[ident] = cpu
            if ident == self._main:
                # the handler's own time since the last tick is charged apart (below)
                used -= self._handler_s
                key = ("main", label, _stack(interrupted))
            else:
                key = (
                    "worker" if ident in _thread_labels else "thread",
                    _thread_labels.get(ident),
                    _stack(frame),
                )
            if used > 0:
                self.samples[key] += used
        self._handler_s = time.thread_time() - entered
        self.samples[("main", None, ((SAMPLER, SAMPLER),))] += self._handler_s
        self._in_tick = False

    def dump(self) -> dict[str, Any]:
        return {
            "interval_s": self.interval_s,
            "ticks": self.ticks,
            "process_cpu_s": self.stopped_cpu - self.started_cpu,
            "requests": dict(_requests),
            "samples": [
                {
                    "thread": kind,
                    "label": label,
                    "stack": [f"{f}:{n}" for f, n in stack],
                    "cpu_s": s,
                }
                for (kind, label, stack), s in self.samples.items()
            ],
        }


def _labelled(fn: Callable[..., Any], label: str | None) -> Callable[..., Any]:
    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        ident = threading.get_ident()
        _thread_labels[ident] = label
        try:
            return fn(*args, **kwargs)
        finally:
            _thread_labels[ident] = None

    return run


def label_worker_threads() -> None:
    """Each aiosqlite call and each function handed to a thread pool carries its caller's
    request label onto the thread that runs it."""
    from aiosqlite.core import Connection

    execute = Connection._execute

    async def _execute(self: Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await execute(self, _labelled(fn, REQUEST.get()), *args, **kwargs)

    submit = ThreadPoolExecutor.submit

    def _submit(
        self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        return submit(self, _labelled(fn, REQUEST.get()), *args, **kwargs)

    Connection._execute = _execute  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = _submit  # type: ignore[method-assign,assignment]


def install(sampler: Sampler, out: Path) -> None:
    """SIGUSR1 starts `sampler`, SIGUSR2 stops it and writes its samples to `out`."""

    def start(_signum: int, _frame: object) -> None:
        sampler.start()

    def stop(_signum: int, _frame: object) -> None:
        sampler.stop()
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(sampler.dump()))
        os.replace(tmp, out)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def create_app() -> ASGIApp:
    """The app as `api.main:create_app` builds it, its requests labelled and sampled."""
    from api.main import create_app as app_factory

    label_worker_threads()
    install(Sampler(), Path(os.environ[OUT_ENV]))
    return RequestLabel(app_factory())
