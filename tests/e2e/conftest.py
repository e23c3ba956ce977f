"""The real stack: the Rasa engine (its own Python 3.10 environment, the trained model) and the
app as separate processes on free loopback ports, with a fresh order database and tracker store.

The `running_stack` fixture itself is in tests/conftest.py, so that tests/e2e and tests/browser
share one stack per session (a fixture imported into a second conftest would be a second one)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx

from api.settings import Settings
from tools.stack import Stack, free_port

STAFF_TOKEN = "e2e-staff-token-0123456789abcdef"

# Every e2e buyer (up to ~20 at once, session after session) comes from 127.0.0.1, where the
# per-client limits (CHAT_CLIENT_*) would take them for one flooding client. The stack's
# Settings (tests/conftest.py's running_stack, built after this module is imported) read these
# from the environment; the tests of the limits themselves set theirs explicitly.
for _name, _value in {
    "CHAT_CLIENT_SESSIONS_PER_MINUTE": "100000",
    "CHAT_CLIENT_SESSIONS_BURST": "10000",
    "CHAT_CLIENT_MESSAGES_PER_MINUTE": "1000000",
    "CHAT_CLIENT_MESSAGES_BURST": "100000",
}.items():
    os.environ.setdefault(_name, _value)
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
