"""Prepare and run the whole stack on one machine: `python -m tools.stack run|prepare|train`.

`run` migrates the database, ingests the knowledge base (only what changed), trains the Rasa
model only when `bot/` or `config.yml` changed, starts the engine (ENGINE_WORKERS processes on
RASA_PORT, RASA_PORT+1, ...) and the app on loopback, prints the demo page's URL, and stops
them all cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from pydantic import SecretStr

from api.settings import ROOT, Settings
from tools import engine_files

log = logging.getLogger("stack")
KEEP_MODELS = 3


def _say(text: str) -> None:
    print(f"[stack] {text}", flush=True)


def train(*, force: bool = False) -> Path:
    """Train the model unless one with the current fingerprint exists. Concurrent callers (a
    test run and a benchmark) wait for one training instead of each running their own."""
    fp = engine_files.fingerprint()
    target = engine_files.model_path(fp)
    if target.exists() and not force:
        _say(f"model up to date ({target.name})")
        return target
    engine_files.MODELS.mkdir(exist_ok=True)
    with (engine_files.MODELS / ".train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if target.exists() and not force:
            _say(f"model trained meanwhile ({target.name})")
            return target
        return _train(fp, target)


def _train(fp: str, target: Path) -> Path:
    if not engine_files.ENGINE_PYTHON.exists():
        raise SystemExit("the engine environment is missing: run `make env` first")
    _say(f"training the Rasa model ({fp}); this takes a minute or two")
    log_file = engine_files.VAR / "log" / "train.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=engine_files.MODELS) as tmp,
        log_file.open("wb") as out,
    ):
        result = subprocess.run(
            [
                str(engine_files.ENGINE_PYTHON),
                "-m",
                "rasa",
                "train",
                "--config",
                str(engine_files.CONFIG),
                "--domain",
                str(engine_files.BOT / "domain"),
                "--data",
                str(engine_files.BOT / "data"),
                "--out",
                tmp,
                "--fixed-model-name",
                "model",
            ],
            cwd=ROOT,
            # training reads the bot project only: no secret of the app's
            env={
                **engine_files.base_env(),
                "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        if result.returncode != 0:
            tail = log_file.read_text(errors="replace").splitlines()[-30:]
            raise SystemExit("training failed:\n" + "\n".join(tail))
        os.replace(Path(tmp) / "model.tar.gz", target)
    # keep a few recent models: another checkout state (a branch, a colleague) may use one
    models = sorted(
        engine_files.MODELS.glob("exportdesk-*.tar.gz"), key=lambda p: p.stat().st_mtime
    )
    for old in models[:-KEEP_MODELS]:
        old.unlink(missing_ok=True)
    _say(f"model trained: {target.name}")
    return target


def migrate(settings: Settings) -> None:
    from sales.migrate import upgrade

    upgrade(settings.database_url)
    _say("database migrated")


def ingest_knowledge(settings: Settings) -> None:
    from knowledge.ingest import ingest

    report = ingest(settings.kb_source_dir, settings.kb_index_dir, settings.kb_embedding_model)
    _say(f"knowledge base ready: {report}")


def prepare(settings: Settings) -> Path:
    migrate(settings)
    ingest_knowledge(settings)
    return train()


def free_port() -> int:
    """A free TCP port on loopback (for tests and benchmarks that start their own stack)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int, attempts: int = 50) -> int:
    """The first of `count` consecutive free loopback ports (engine workers take RASA_PORT,
    RASA_PORT+1, ...)."""
    for _ in range(attempts):
        first = free_port()
        with contextlib.ExitStack() as held:
            try:
                for port in range(first, first + count):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return first
    raise RuntimeError(f"no {count} consecutive free ports found")


def settings_env(settings: Settings) -> dict[str, str]:
    """Settings as the environment variables that produce them again."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[name.upper()] = str(value)
    return env


class Stack:
    """The engine workers and the app as child processes, each in its own process group."""

    def __init__(self, settings: Settings, model: Path, log_dir: Path) -> None:
        self.settings = settings
        self.model = model
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        out = (self.log_dir / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def app_env(self) -> dict[str, str]:
        """The app process gets exactly these settings (secrets included) through its env."""
        return {**os.environ, **settings_env(self.settings)}

    @property
    def engine_names(self) -> list[str]:
        """The workers' process (and log file) names: `engine`, then `engine-2`, `engine-3`..."""
        return ["engine", *(f"engine-{i + 1}" for i in range(1, self.settings.engine_workers))]

    def start_engine(self) -> None:
        """Every engine worker: the same model, endpoints (tracker store, lock store, action
        webhook) and environment, each on its own port (`Settings.engine_urls`)."""
        s = self.settings
        endpoints = engine_files.write_endpoints(s, self.log_dir / "endpoints.yml")
        env = engine_files.engine_env(s)
        for index, name in enumerate(self.engine_names):
            self._spawn(name, self.engine_argv(endpoints, s.rasa_port + index), env)

    def engine_argv(self, endpoints: Path, port: int) -> list[str]:
        """One engine worker's command line (the container image runs the same)."""
        s = self.settings
        return [
            str(engine_files.ENGINE_PYTHON),
            str(engine_files.BOT / "serve.py"),
            "--model",
            str(self.model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(engine_files.BOT / "credentials.yml"),
            "--interface",
            s.rasa_host,
            "--port",
            str(port),
        ]

    def start_app(self, *, port: int | None = None, name: str = "app") -> None:
        """An app instance; more than one (other ports, names) share the engine and stores."""
        env = self.app_env()
        env["APP_PORT"] = str(port or self.settings.app_port)
        self._spawn(name, self.app_argv(int(env["APP_PORT"])), env)

    def app_argv(self, port: int) -> list[str]:
        """One app instance's command line (the container image runs the same)."""
        s = self.settings
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--host",
            s.app_host,
            "--port",
            str(port),
            "--no-access-log",
            "--timeout-graceful-shutdown",
            "5",
            # a bigger WebSocket frame is refused by the server before it is read whole
            "--ws-max-size",
            str(s.chat_ws_max_frame_bytes),
        ]

    def start(self) -> None:
        self.start_engine()
        self.start_app()

    def stop_engine(self) -> None:
        for name in self.engine_names:
            self._stop(name)

    def _stop(self, name: str, timeout: float = 15.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop(self) -> None:
        """The apps first (they call the engine), then the engine workers."""
        engines = set(self.engine_names)
        for name in [n for n in self.procs if n not in engines]:
            self._stop(name)
        self.stop_engine()

    def dead(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

    def wait_healthy(self, timeout: float = 600.0, *, port: int | None = None) -> dict[str, object]:
        host, port = self.settings.app_host_for_engine, port or self.settings.app_port
        url = f"http://{host}:{port}/health"
        deadline = time.monotonic() + timeout
        last: object = "no answer"
        while time.monotonic() < deadline:
            if dead := self.dead():
                raise RuntimeError(f"{', '.join(dead)} exited; see {self.log_dir}")
            try:
                response = httpx.get(url, timeout=5)
                if response.status_code == 200:
                    return response.json()
                last = response.json()
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(1)
        raise TimeoutError(f"not healthy after {timeout:.0f}s: {last}")


@contextlib.contextmanager
def single_instance(var: Path) -> Iterator[None]:
    """One `make run` per checkout; the kernel drops the lock when the process dies."""
    var.mkdir(parents=True, exist_ok=True)
    with (var / "stack.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit("another `make run` is already running in this checkout") from None
        yield


def run(settings: Settings) -> int:
    with single_instance(engine_files.VAR):
        model = prepare(settings)
        stack = Stack(settings, model, engine_files.VAR / "log")
        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            stack.start()
            workers = settings.engine_workers
            _say(
                f"starting the engine ({workers} worker{'s' if workers > 1 else ''} from port "
                f"{settings.rasa_port}) and the app (logs in var/log/)"
            )
            if workers > 1 and not settings.redis_url:
                _say(
                    "REDIS_URL is unset: each worker locks its own conversations only, which "
                    "holds while every app instance routes by session (set it to share the lock)"
                )
            started = time.monotonic()
            while not stopping:
                try:
                    stack.wait_healthy(timeout=2)
                    break
                except TimeoutError:
                    if time.monotonic() - started > 600:
                        raise
            if not stopping:
                host = settings.app_host_for_engine
                _say(f"ready in {time.monotonic() - started:.0f}s")
                _say(f"demo page: http://{host}:{settings.app_port}/  (Ctrl-C stops)")
            while not stopping:
                if dead := stack.dead():
                    _say(f"{', '.join(dead)} exited unexpectedly; stopping (see var/log/)")
                    return 1
                time.sleep(0.5)
            return 0
        finally:
            _say("stopping")
            stack.stop()
            _say("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.stack")
    parser.add_argument("command", choices=["run", "prepare", "train", "migrate", "ingest"])
    parser.add_argument("--force", action="store_true", help="train even if the model is current")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "train":
        train(force=args.force)
    elif args.command == "migrate":
        migrate(settings)
    elif args.command == "ingest":
        ingest_knowledge(settings)
    elif args.command == "prepare":
        prepare(settings)
    else:
        return run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
