"""The app's CPU sampler (bench/app_sampler.py): request labels, CPU charged to the stack and
label that used it, worker threads carrying their caller's label, the signals."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench import app_sampler
from bench.app_sampler import REQUEST, RequestLabel, Sampler, install, request_label

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread CPU clocks")

_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=40)


@given(session_id=_segment, method=st.sampled_from(["GET", "POST"]))
def test_chat_routes_are_labelled_by_shape_without_the_session_id(
    session_id: str, method: str
) -> None:
    messages = request_label(method, f"/api/chat/sessions/{session_id}/messages")
    assert messages == f"chat {method} /api/chat/sessions/{{id}}/messages"
    assert request_label(method, f"/api/chat/sessions/{session_id}/ws") == (
        f"chat {method} /api/chat/sessions/{{id}}/ws"
    )
    assert request_label(method, "/api/chat/sessions") == f"chat {method} /api/chat/sessions"


@given(first=_segment, rest=st.lists(_segment, max_size=3))
def test_other_paths_are_labelled_by_their_first_segment(first: str, rest: list[str]) -> None:
    path = "/" + "/".join([first, *rest])
    label = request_label("GET", path)
    if [first, *rest] == ["webhook"]:
        assert label == "webhook"
    elif [first, *rest][:3] != ["api", "chat", "sessions"]:
        assert label == f"other GET /{first}"


def test_the_action_webhook_has_its_own_label() -> None:
    assert request_label("POST", "/webhook") == "webhook"
    assert request_label("POST", "/webhook/") == "webhook"


def test_a_request_is_served_under_its_label_and_counted() -> None:
    seen: list[str | None] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(REQUEST.get())

    async def receive() -> dict[str, Any]:
        return {}

    async def send(_message: Any) -> None:
        return None

    app_sampler._requests.clear()
    wrapped = RequestLabel(app)
    scope = {"type": "http", "method": "POST", "path": "/webhook"}
    asyncio.run(wrapped(scope, receive, send))
    asyncio.run(wrapped({"type": "websocket", "path": "/x"}, receive, send))
    assert seen == ["webhook", None]
    assert app_sampler._requests == {"webhook": 1}
    assert REQUEST.get() is None


def _busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


@linux_only
def test_cpu_is_charged_to_the_stack_and_label_that_used_it() -> None:
    sampler = Sampler()
    previous = signal.getsignal(signal.SIGPROF)
    token = REQUEST.set("chat POST /x")
    try:
        sampler.start()
        _busy(0.3)
        REQUEST.set("webhook")
        _busy(0.1)
    finally:
        sampler.stop()
        REQUEST.reset(token)
        signal.signal(signal.SIGPROF, previous)
    dump = sampler.dump()
    by_label: dict[str | None, float] = {}
    for sample in dump["samples"]:
        if sample["stack"][-1].endswith(":_busy"):
            by_label[sample["label"]] = by_label.get(sample["label"], 0.0) + sample["cpu_s"]
    # ticks come every few milliseconds of CPU: most of each part is seen, under its label
    assert 0.2 <= by_label.get("chat POST /x", 0.0) <= 0.35
    assert 0.05 <= by_label.get("webhook", 0.0) <= 0.15
    sampled = sum(s["cpu_s"] for s in dump["samples"])
    assert sampled <= dump["process_cpu_s"] + 0.01
    assert any(
        s["stack"] == [f"{app_sampler.SAMPLER}:{app_sampler.SAMPLER}"] for s in dump["samples"]
    )


@linux_only
def test_another_threads_cpu_is_charged_to_its_own_stack() -> None:
    sampler = Sampler()
    previous = signal.getsignal(signal.SIGPROF)
    done = threading.Event()

    def worker() -> None:
        _busy(0.3)
        done.wait(5)  # alive at the next tick

    thread = threading.Thread(target=worker)
    try:
        sampler.start()
        thread.start()
        _busy(0.1)
        while thread.is_alive() and not _worker_done(sampler):
            _busy(0.01)
        done.set()
        thread.join()
    finally:
        sampler.stop()
        signal.signal(signal.SIGPROF, previous)
    in_thread = sum(
        s["cpu_s"]
        for s in sampler.dump()["samples"]
        if s["thread"] == "thread" and any(f.endswith(":_busy") for f in s["stack"])
    )
    assert 0.2 <= in_thread <= 0.35


def _worker_done(sampler: Sampler) -> bool:
    seen = sum(s for (kind, _label, stack), s in sampler.samples.items() if kind == "thread")
    return seen >= 0.25


def _spin_briefly() -> None:
    _busy(0.02)


def test_work_handed_to_threads_is_counted_under_its_callers_label(tmp_path: Path) -> None:
    execute, submit = aiosqlite.core.Connection._execute, ThreadPoolExecutor.submit
    app_sampler.label_worker_threads()
    app_sampler._handed.clear()
    try:

        async def run() -> None:
            async with aiosqlite.connect(tmp_path / "x.db") as conn:
                REQUEST.set("webhook")
                await conn.execute("SELECT 1")
                await asyncio.to_thread(_spin_briefly)
                REQUEST.set(None)
                await asyncio.to_thread(_spin_briefly)

        asyncio.run(run())
    finally:
        aiosqlite.core.Connection._execute = execute  # type: ignore[method-assign]
        ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
    handed = dict(app_sampler._handed)
    spin = f"{__file__}:_spin_briefly"
    assert ("webhook", app_sampler.SQLITE) in handed
    assert 0.015 <= handed[("webhook", spin)] <= 0.05
    assert 0.015 <= handed[(None, spin)] <= 0.05


@linux_only
def test_the_signals_start_the_sampler_and_write_its_samples(tmp_path: Path) -> None:
    out = tmp_path / "samples.json"
    handlers = {s: signal.getsignal(s) for s in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGPROF)}
    try:
        install(Sampler(), out)
        os.kill(os.getpid(), signal.SIGUSR1)
        _busy(0.1)
        assert not out.exists()
        os.kill(os.getpid(), signal.SIGUSR2)
        dump = json.loads(out.read_text())
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert dump["ticks"] > 0 and dump["process_cpu_s"] >= 0.09
    assert sum(s["cpu_s"] for s in dump["samples"]) > 0.05
