"""The one client of the Rasa engine: its input channel (a bot turn, ``/webhooks/app/webhook``
with the channel's shared secret, bot/channels/app.py) and its HTTP API (status; an intent
triggered in a conversation, ``resume`` after a rep hands back; the API's auth token)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


def mark_absent(module: str) -> bool:
    """Make ``import module`` fail at once when the module is not installed (True then).

    httpcore (under httpx) imports ``sniffio`` each time it sets up a lock or an event, to tell
    asyncio from trio, and takes asyncio when the import fails. sniffio is not installed here
    (anyio no longer needs it), and Python looks for a module that failed to import on disk
    again at every import: 1.3 ms of the app's CPU a chat turn went to those searches (issue 15's
    app profile). A ``None`` in ``sys.modules`` is Python's own mark of a module that is not
    there: the import fails without a search, httpcore takes asyncio as before."""
    if module in sys.modules or importlib.util.find_spec(module) is not None:
        return False
    sys.modules[module] = None  # type: ignore[assignment]
    return True


mark_absent("sniffio")

RESUME_INTENT = "resume"


class EngineUnavailable(RuntimeError):
    """The engine did not answer (down, starting, overloaded past the timeout)."""


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def to_bot_message(raw: dict[str, Any]) -> BotMessage | None:
    text = raw.get("text") or ""
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in raw.get("buttons") or []
        if b.get("payload")
    ]
    custom = raw.get("custom")
    if not text and isinstance(custom, dict):
        text = str(custom.get("text") or "")
    if not text and raw.get("image"):
        text = str(raw["image"])
    if not text and not buttons:
        return None
    return BotMessage(text=text, buttons=buttons)


def worker_for(sender: str, workers: int) -> int:
    """Which of `workers` engine workers serves the conversation `sender`: rendezvous hashing
    on SHA-256, so every app instance picks the same worker (Python's hash() differs between
    processes) and adding a worker moves only the conversations that go to the new one."""
    if workers == 1:
        return 0
    return max(range(workers), key=lambda i: hashlib.sha256(f"{i}\0{sender}".encode()).digest())


class EngineClient:
    """One or more engine workers (`base_url`: one URL or a list). A conversation's turns and
    its triggered intents always go to the same worker (`worker_for`), whose lock store then
    keeps them one at a time and in order; with REDIS_URL set the lock store is shared too."""

    def __init__(
        self,
        base_url: str | Sequence[str],
        auth_token: str,
        *,
        channel_token: str,
        timeout_s: float = 30.0,
    ) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise ValueError("no engine URL")
        self.base_urls = tuple(url.rstrip("/") for url in urls)
        self.base_url = self.base_urls[0]
        self._token = auth_token
        self._channel_headers = {"Authorization": f"Bearer {channel_token}"}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=2.0),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def send(
        self,
        sender: str,
        message: str,
        *,
        language: str | None = None,
        message_id: str | None = None,
        replay: bool = False,
    ) -> list[BotMessage]:
        """One bot turn through the engine's app channel; the session language goes as metadata.

        The engine runs a turn once per ``message_id``; ``replay`` says it may have been sent
        before (its answer timed out, the app died): the engine then answers from the
        conversation's record when the turn ran already (bot/channels/app.py)."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if language:
            body["metadata"] = {"language": language}
        if message_id is not None:
            body["message_id"] = message_id
        if replay:
            body["replay"] = True
        try:
            response = await self._client.post(
                f"{self.url_for(sender)}/webhooks/app/webhook",
                json=body,
                headers=self._channel_headers,
            )
        except httpx.HTTPError as exc:
            raise EngineUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise EngineUnavailable(f"engine answered {response.status_code}")
        return [m for raw in response.json() or [] if (m := to_bot_message(raw))]

    async def trigger(self, session_id: str, intent: str = RESUME_INTENT) -> list[BotMessage]:
        """``POST /conversations/{id}/trigger_intent``; the replies the bot gave."""
        try:
            response = await self._client.post(
                f"{self.url_for(session_id)}/conversations/{session_id}/trigger_intent",
                params={"token": self._token},
                json={"name": intent, "entities": []},
            )
        except httpx.HTTPError as exc:
            raise EngineUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise EngineUnavailable(f"engine answered {response.status_code}")
        raw = response.json().get("messages") or []
        return [m for item in raw if (m := to_bot_message(item))]

    def url_for(self, sender: str) -> str:
        """The worker serving the conversation `sender`."""
        return self.base_urls[worker_for(sender, len(self.base_urls))]

    async def model_loaded(self) -> bool:
        """True when every engine worker answers, has a model loaded and its conversation store
        answers (the app channel's readiness, bot/channels/app.py: the engine never keeps a
        conversation in memory, so without its store it serves nothing)."""
        return all(await asyncio.gather(*(self._loaded(url) for url in self.base_urls)))

    async def _loaded(self, base_url: str) -> bool:
        try:
            response = await self._client.get(
                f"{base_url}/status", params={"token": self._token}, timeout=3.0
            )
        except httpx.HTTPError:
            return False
        if response.status_code != 200 or not response.json().get("model_file"):
            return False
        try:
            ready = await self._client.get(
                f"{base_url}/webhooks/app/", headers=self._channel_headers, timeout=8.0
            )
        except httpx.HTTPError:
            return False
        return ready.status_code == 200

    async def close(self) -> None:
        await self._client.aclose()
