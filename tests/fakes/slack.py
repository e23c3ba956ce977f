"""A local fake of Slack's Web API for tests: an aiohttp server on a free loopback port.

It answers like Slack (``{"ok": true, "ts": ..., "channel": ...}``), records every call, and
fails on demand: HTTP 500, HTTP 429 with ``Retry-After``, or ``{"ok": false, "error": ...}``.
Point ``SLACK_API_URL`` at :attr:`FakeSlack.api_url`. Runs in a thread of its own, so it serves
synchronous tests, async tests and other processes alike.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT_USER = "UBOT000001"
TEAM = "T0000LUMORA"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    ok: bool = True
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    kind: str  # "500" | "429" | "error"
    error: str = "internal_error"
    retry_after: int = 1


class FakeSlack:
    def __init__(self, token: str = "xoxb-fake-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self._failures: dict[str, list[Failure]] = {}
        self._down: Failure | None = None
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.add_user("U0REP00001", "Mei Chen", display_name="Mei")
        self.add_user("U0REP00002", "Tom Becker", display_name="Tom")
        self.add_user("U0BOSS0001", "Li Wang", display_name="Li")

    # -- control ---------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def add_user(self, user_id: str, real_name: str, *, display_name: str = "") -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM,
            "name": real_name.split()[0].lower(),
            "real_name": real_name,
            "profile": {"real_name": real_name, "display_name": display_name},
        }

    def fail(self, method: str, kind: str = "500", *, times: int = 1, **kw: Any) -> None:
        """The next ``times`` calls of ``method`` fail."""
        with self._lock:
            self._failures.setdefault(method, []).extend(Failure(kind, **kw) for _ in range(times))

    def go_down(self, kind: str = "500", **kw: Any) -> None:
        """Every call fails until :meth:`recover`."""
        with self._lock:
            self._down = Failure(kind, **kw)

    def recover(self) -> None:
        with self._lock:
            self._down = None

    def calls_of(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()
            self._down = None

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05
    ) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := predicate():
                return result
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout}s; calls: {[c.method for c in self.calls]}")

    # -- server ----------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            app = web.Application()
            app.router.add_route("*", "/api/{method}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-slack", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Slack did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            if request.content_type == "application/json":
                args.update(json.loads(body))
            else:
                args.update(parse_qsl(body.decode()))
        for key in ("blocks", "view", "attachments", "metadata"):  # form-encoded JSON fields
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or args.get("token")
        with self._lock:
            failure = self._down
            if failure is None and self._failures.get(method):
                failure = self._failures[method].pop(0)
        call = Call(method, args, token, ok=False)
        if failure is not None:
            self._record(call)
            return self._failure(failure)
        if token != self.token:
            self._record(call)
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            self._record(call)
            return web.json_response({"ok": False, "error": "unknown_method"})
        body = handler(args)
        call.ok = bool(body.get("ok"))
        # recorded after the handler stored its effects: a test that sees the call sees them
        self._record(call)
        return web.json_response(body)

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    @staticmethod
    def _failure(failure: Failure) -> web.Response:
        if failure.kind == "500":
            return web.Response(status=500, text="Internal Server Error")
        if failure.kind == "429":
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(failure.retry_after)},
            )
        return web.json_response({"ok": False, "error": failure.error})

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # -- methods ---------------------------------------------------------------------------
    def _m_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://lumora.slack.com/",
            "team": "Lumora",
            "user": "exportdesk",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "B0000BOT01",
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": "B0000BOT01",
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
            "ts": ts,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
            if args.get("reply_broadcast") in (True, "true", "1"):
                message["reply_broadcast"] = True
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        with self._lock:
            self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _read(self, args: dict[str, Any], keep: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """conversations.history / .replies: newest first from ``oldest`` on, ``limit`` a page
        (``cursor`` the next page's offset); metadata only with include_all_metadata."""
        channel = args.get("channel")
        oldest = float(args.get("oldest") or 0)
        with self._lock:
            found = [
                dict(m)
                for (c, ts), m in self.messages.items()
                if c == channel and float(ts) >= oldest and keep(m)
            ]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
            for message in found:
                message.pop("metadata", None)
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._read(
            args,
            lambda m: "thread_ts" not in m or m["thread_ts"] == m["ts"] or m.get("reply_broadcast"),
        )

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = args.get("ts")
        return self._read(args, lambda m: m["ts"] == ts or m.get("thread_ts") == ts)

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (args.get("channel"), args.get("ts"))
        with self._lock:
            message = self.messages.get(key)  # type: ignore[arg-type]
            if message is None:
                return {"ok": False, "error": "message_not_found"}
            message.update(text=args.get("text", ""), blocks=args.get("blocks") or [])
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = dict(args.get("view") or {})
        view["id"] = f"V{next(self._ts):08d}"
        return {"ok": True, "view": view}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        users = self.usergroups.get(str(args.get("usergroup")))
        if users is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": users}

    # -- views on what was posted ------------------------------------------------------------
    def posted(self, channel: str | None = None) -> Iterator[Call]:
        for call in self.calls_of("chat.postMessage"):
            if channel is None or call.args.get("channel") == channel:
                yield call
