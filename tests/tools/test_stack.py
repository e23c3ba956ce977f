from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import Settings
from tools.stack import Stack, free_ports, single_instance


def test_single_instance_lock_refuses_a_second_launcher_and_is_not_stale(tmp_path: Path) -> None:
    with (
        single_instance(tmp_path),
        pytest.raises(SystemExit, match="already running"),
        single_instance(tmp_path),
    ):
        pass
    with single_instance(tmp_path):  # released on exit
        pass
    # a launcher that dies leaves no stale lock: the kernel releases flock with the process
    code = (
        "import os, sys; from pathlib import Path; from tools.stack import single_instance\n"
        f"with single_instance(Path({str(tmp_path)!r})): os._exit(9)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 9
    with single_instance(tmp_path):
        pass


def _stack(tmp_path: Path, workers: int) -> Stack:
    settings = Settings(_env_file=None, rasa_port=7100, engine_workers=workers)
    return Stack(settings, tmp_path / "model.tar.gz", tmp_path / "log")


def test_each_engine_worker_gets_its_own_port_and_the_same_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = _stack(tmp_path, 3)
    spawned: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.setattr(stack, "_spawn", lambda name, argv, env: spawned.append((name, argv, env)))
    stack.start_engine()
    assert [name for name, _, _ in spawned] == ["engine", "engine-2", "engine-3"]
    ports = [argv[argv.index("--port") + 1] for _, argv, _ in spawned]
    assert ports == ["7100", "7101", "7102"]
    assert [f"http://127.0.0.1:{p}" for p in ports] == stack.settings.engine_urls
    assert len({argv[argv.index("--endpoints") + 1] for _, argv, _ in spawned}) == 1
    assert all(env == spawned[0][2] for _, _, env in spawned)


def test_one_worker_is_the_engine_as_before(tmp_path: Path) -> None:
    assert _stack(tmp_path, 1).engine_names == ["engine"]


def test_stop_ends_the_apps_before_every_engine_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = _stack(tmp_path, 2)
    stack.procs = dict.fromkeys(["engine", "engine-2", "app", "app2"])  # type: ignore[arg-type]
    stopped: list[str] = []
    monkeypatch.setattr(stack, "_stop", lambda name, timeout=15.0: stopped.append(name))
    stack.stop()
    assert stopped == ["app", "app2", "engine", "engine-2"]


def test_free_ports_are_consecutive_and_free() -> None:
    first = free_ports(3)
    for port in range(first, first + 3):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # raises if taken
