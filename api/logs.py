"""Structured logs: one JSON object per line, with the chat session id when there is one.

Secrets never reach a log line, whichever logger writes it (ours, uvicorn's, a library's):
every line goes through ``JsonFormatter``, which masks query strings (the chat WebSocket's
``?token=``, a PDF link's ``sig``), ``token=``-like pairs, bearer credentials and the known
secret values (tokens from the settings). Our request log prints paths without their query.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_access = logging.getLogger("api.main")  # the request lines' logger, as it always was

session_id_var: ContextVar[str | None] = ContextVar("session_id", default=None)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


MASK = "***"
# a query string after a path or URL: "/ws?token=abc&x=1" -> "/ws?***" (a "?" ending a
# question, followed by a space or the end, is left alone)
_QUERY = re.compile(r"(?<=[\w/.~%-])\?(?=[^\s\"'\\]*=)[^\s\"'\\<>]+")
# name=value pairs that carry credentials, wherever they appear
_PAIR = re.compile(
    r"(?i)\b((?:access_|auth_|api_|session_)?(?:token|sig|signature|secret|password|key))"
    r"=[^\s&\"'\\,;]+"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"'\\,;]+")
_SECRET_KEY = re.compile(r"(?i)(token|secret|password|signature|authorization)")


def mask(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` without query strings, credential pairs, bearer credentials and ``secrets``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _QUERY.sub("?" + MASK, text)
    text = _PAIR.sub(lambda m: f"{m[1]}={MASK}", text)
    return _BEARER.sub(lambda m: f"{m[1]} {MASK}", text)


class JsonFormatter(logging.Formatter):
    def __init__(self, secrets: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.secrets = tuple(sorted((s for s in secrets if len(s) >= 8), key=len, reverse=True))

    def _mask(self, text: str) -> str:
        return mask(text, self.secrets)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        session_id = session_id_var.get()
        if session_id:
            entry["session_id"] = session_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = MASK if _SECRET_KEY.search(key) and value else value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return self._mask(json.dumps(entry, default=str, ensure_ascii=False))


class AccessLog:
    """One "request" line per HTTP request: method, path (never the query string: it may hold
    a token), status, milliseconds, and the chat session when the route named one.

    Plain ASGI (not Starlette's BaseHTTPMiddleware, which runs the route in a task group of its
    own: an HTTPException raised while the body streams in, the body-size guard's 413, came
    out of it wrapped in an ExceptionGroup, and FastAPI answered 400)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        session_id_var.set(None)
        status = 500

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            _access.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def configure(level: str = "INFO", secrets: frozenset[str] = frozenset()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Uvicorn's access log prints query strings (the WebSocket token): our middleware logs
    # requests instead.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    for noisy in ("httpx", "httpcore", "sentence_transformers", "faiss", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
