"""The real stack: the Rasa engine (its own Python 3.10 environment, the trained model) and the
app as separate processes on free loopback ports, with a fresh order database and tracker store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from api.settings import Settings
from sales.migrate import upgrade
from tools.stack import Stack, free_port, train

STAFF_TOKEN = "e2e-staff-token-0123456789abcdef"


@dataclass
class RunningStack:
    stack: Stack
    settings: Settings
    base_url: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60)

    def staff_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {STAFF_TOKEN}"}


@pytest.fixture(scope="session")
def running_stack(
    tmp_path_factory: pytest.TempPathFactory, kb_index: Path
) -> Iterator[RunningStack]:
    model = train()
    work = tmp_path_factory.mktemp("stack")
    settings = Settings(
        _env_file=None,
        app_port=free_port(),
        rasa_port=free_port(),
        database_url=f"sqlite:///{work / 'orders.db'}",
        tracker_store_url=f"sqlite:///{work / 'tracker.db'}",
        staff_api_tokens=SecretStr(STAFF_TOKEN),
        kb_index_dir=kb_index,
        chat_rate_burst=50,
    )
    upgrade(settings.database_url)
    stack = Stack(settings, model, work / "log")
    stack.start()
    try:
        stack.wait_healthy(timeout=300)
        yield RunningStack(stack, settings, f"http://127.0.0.1:{settings.app_port}")
    finally:
        stack.stop()
