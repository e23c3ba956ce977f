"""The real stack: the Rasa engine (its own Python 3.10 environment, the trained model) and the
app as separate processes on free loopback ports, with a fresh order database and tracker store.

The `running_stack` fixture itself is in tests/conftest.py, so that tests/e2e and tests/browser
share one stack per session (a fixture imported into a second conftest would be a second one)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from api.settings import Settings
from tools.stack import Stack, free_port

STAFF_TOKEN = "e2e-staff-token-0123456789abcdef"
__all__ = ["STAFF_TOKEN", "RunningStack", "free_port"]


@dataclass
class RunningStack:
    stack: Stack
    settings: Settings
    base_url: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=60)

    def staff_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {STAFF_TOKEN}"}
