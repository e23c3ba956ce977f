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
from functools import partial, wraps
from pathlib import Path
from types import FrameType
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

INTERVAL_S = 0.002
MAX_DEPTH = 96
OUT_ENV = "APP_SAMPLER_OUT"
SAMPLER = "sampler"

REQUEST: contextvars.ContextVar[str | None] = contextvars.ContextVar("request", default=None)
_requests: Counter[str] = Counter()  # requests served by label since sampling started

# Work handed to worker threads is measured exactly, call by call: (label, what) -> CPU seconds,
# and per thread the CPU of its handed calls so far (the rest of its time is charged apart).
HANDED = "handed"
SQLITE = "sqlite3"
WORKER_REST = ("worker thread", "outside the calls handed to it")
_handed: defaultdict[tuple[str | None, str], float] = defaultdict(float)
_handed_by_thread: defaultdict[int, float] = defaultdict(float)
_handed_lock = threading.Lock()

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


def _frames(frame: FrameType | None, into: list[Frame]) -> None:
    """`frame` and its callers, innermost first, appended to `into` (at most MAX_DEPTH)."""
    while frame is not None and len(into) < MAX_DEPTH:
        code = frame.f_code
        into.append((code.co_filename, code.co_name))
        frame = frame.f_back


def _stack(frame: FrameType | None) -> tuple[Frame, ...]:
    """Outermost first, at most MAX_DEPTH frames (the innermost kept). On the main thread a
    greenlet's frames are followed by those of the greenlets that started it: SQLAlchemy's
    async layer runs the ORM in a greenlet whose frames end where it was spawned."""
    frames: list[Frame] = []
    _frames(frame, frames)
    greenlet = sys.modules.get("greenlet")
    current = greenlet.getcurrent() if greenlet is not None else None
    while current is not None and current.parent is not None:
        current = current.parent
        _frames(current.gr_frame, frames)
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
        self._handed_seen: dict[int, float] = {}

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
        with _handed_lock:
            _handed.clear()
            self._handed_seen = dict(_handed_by_thread)
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
            # a thread started since sampling began: all its CPU is in the window
            used = cpu - self._last.get(ident, 0.0)
            self._last[ident] = cpu
            if ident == self._main:
                # the handler's own time since the last tick is charged apart (below)
                used -= self._handler_s
                if used > 0:
                    self.samples[("main", label, _stack(interrupted))] += used
            elif ident in _handed_by_thread:
                # a worker: its handed calls are counted exactly; the rest (waiting for work,
                # waking the loop) here, signed, as calls end between ticks
                handed = _handed_by_thread[ident]
                used -= handed - self._handed_seen.get(ident, 0.0)
                self._handed_seen[ident] = handed
                self.samples[("worker", None, (WORKER_REST,))] += used
            elif used > 0:
                self.samples[("thread", None, _stack(frame))] += used
        self._handler_s = time.thread_time() - entered
        self.samples[("main", None, ((SAMPLER, SAMPLER),))] += self._handler_s
        self._in_tick = False

    def dump(self) -> dict[str, Any]:
        with _handed_lock:
            handed = [
                {"thread": "worker", "label": label, "stack": [f"{HANDED}:{what}"], "cpu_s": s}
                for (label, what), s in _handed.items()
            ]
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
            ]
            + handed,
        }


def _labelled(fn: Callable[..., Any], label: str | None, what: str) -> Callable[..., Any]:
    """`fn`, its CPU on the thread that runs it counted under (`label`, `what`)."""

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            used = time.thread_time() - started
            with _handed_lock:
                _handed[(label, what)] += used
                _handed_by_thread[threading.get_ident()] += used

    return run


def _what(fn: Callable[..., Any]) -> str:
    """A function handed to a thread pool, as `file:function`."""
    while isinstance(fn, partial):
        inner = fn.func
        # asyncio.to_thread hands over partial(context.run, function, ...)
        if isinstance(getattr(inner, "__self__", None), contextvars.Context) and fn.args:
            fn = fn.args[0]
        else:
            fn = inner
    code = getattr(fn, "__code__", None)
    if code is not None:
        return f"{code.co_filename}:{code.co_name}"
    return f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', repr(fn))}"


def label_worker_threads() -> None:
    """Each aiosqlite call and each function handed to a thread pool carries its caller's
    request label onto the thread that runs it, where its CPU is measured."""
    from aiosqlite.core import Connection

    execute = Connection._execute

    async def _execute(self: Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await execute(self, _labelled(fn, REQUEST.get(), SQLITE), *args, **kwargs)

    submit = ThreadPoolExecutor.submit

    def _submit(
        self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        return submit(self, _labelled(fn, REQUEST.get(), _what(fn)), *args, **kwargs)

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
