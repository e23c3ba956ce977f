"""Start the real stack for a benchmark: engine + app on free loopback ports, fresh databases."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import SecretStr

from api.settings import ROOT, Settings
from sales.migrate import upgrade
from tools.stack import Stack, free_port, train

BENCH_STAFF_TOKEN = "bench-staff-token-0123456789abcdef"


@contextlib.contextmanager
def running_stack(
    *, stack_type: Callable[[Settings, Path, Path], Stack] = Stack, **overrides: object
) -> Iterator[tuple[Stack, Settings]]:
    """`overrides`: settings; `stack_type`: how the processes are started (a profiled app)."""
    from knowledge.ingest import ingest

    model = train()
    with tempfile.TemporaryDirectory(prefix="exportdesk-bench-") as tmp:
        work = Path(tmp)
        ingest(ROOT / "knowledge" / "demo", work / "kb")
        values: dict[str, object] = {
            "app_port": free_port(),
            "rasa_port": free_port(),
            "database_url": f"sqlite:///{work / 'orders.db'}",
            "tracker_store_url": f"sqlite:///{work / 'tracker.db'}",
            "staff_api_tokens": SecretStr(BENCH_STAFF_TOKEN),
            "kb_index_dir": work / "kb",
            "chat_rate_burst": 100,
            # every simulated buyer comes from 127.0.0.1: the per-client limits and the bound
            # on turns in flight sized for hundreds of concurrent buyers, not one person
            "chat_client_sessions_per_minute": 100_000,
            "chat_client_sessions_burst": 10_000,
            "chat_client_messages_per_minute": 1_000_000,
            "chat_client_messages_burst": 100_000,
            "chat_max_turns_in_flight": 10_000,
            "log_level": "WARNING",
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
        upgrade(settings.database_url)
        stack = stack_type(settings, model, work / "log")
        stack.start()
        try:
            stack.wait_healthy(timeout=600)
            yield stack, settings
        finally:
            stack.stop()
