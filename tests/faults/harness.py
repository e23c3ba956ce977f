"""The real stack for fault runs (the fault tests, `make chaos`): the Rasa engine and the app as
processes, the orders and the tracker store on a PostgreSQL of their own, a Redis of their own
(pub/sub and the engine's lock store), Slack as the local fake; each part can be killed,
stopped and restarted. Buyers talk to it over HTTP as the widget does (every message with a
``client_message_id``; a message not answered is sent again, or waited for), and
:func:`FaultStack.tally` reads what was stored, run and posted, from the stores themselves."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from pydantic import SecretStr

from api.settings import Settings
from bench.chat_bench import SCRIPT
from sales.migrate import upgrade
from tests.fakes.slack import FakeSlack
from tests.faults.servers import Postgres, Redis, throwaway_servers
from tools.stack import Stack, free_port, train

STAFF_TOKEN = "faults-staff-token-0123456789abcdef"
SALES_CHANNEL = "C0SALES001"
ENGINE_TIMEOUT_S = 15.0
SCRIPT_TURNS = len(SCRIPT)


@dataclass
class Buyer:
    """One scripted buyer (the chat benchmark's whole RFQ); ``patient`` buyers wait for a kept
    message to be answered by the replay job instead of sending it again."""

    index: int
    patient: bool = False
    session_id: str = ""
    token: str = ""
    sent: int = 0  # messages sent (first sends)
    answered: int = 0  # messages whose answer the buyer got (a 200, or seen in the transcript)
    not_answered_first: int = 0  # first send not answered: kept, lost or refused
    refused: int = 0  # messages the app refused (4xx: the script could not go on)
    statuses: Counter[str] = field(default_factory=Counter)
    done: bool = False
    error: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class FaultStack:
    """Engine + app on throwaway PostgreSQL and Redis, with the fake Slack."""

    def __init__(
        self,
        work: Path,
        kb_index: Path,
        postgres: Postgres,
        redis: Redis,
        **overrides: object,
    ) -> None:
        self.work = work
        self.postgres = postgres
        self.redis = redis
        self.slack = FakeSlack().start()
        self.orders_url = postgres.create_database("orders")
        self.tracker_url = postgres.create_database("tracker")
        values: dict[str, object] = {
            "app_port": free_port(),
            "rasa_port": free_port(),
            "database_url": self.orders_url,
            "tracker_store_url": self.tracker_url,
            "redis_url": redis.url,
            "staff_api_tokens": SecretStr(STAFF_TOKEN),
            "kb_index_dir": kb_index,
            "engine_timeout_s": ENGINE_TIMEOUT_S,
            "chat_replay_interval_s": 1.0,
            "chat_rate_burst": 100,
            "chat_client_sessions_per_minute": 100_000,
            "chat_client_sessions_burst": 10_000,
            "chat_client_messages_per_minute": 1_000_000,
            "chat_client_messages_burst": 100_000,
            "chat_max_turns_in_flight": 10_000,
            "slack_bot_token": SecretStr(self.slack.token),
            "slack_signing_secret": SecretStr("faults-signing-secret"),
            "slack_api_url": self.slack.api_url,
            "slack_sales_channel": SALES_CHANNEL,
            "outbox_backoff_base_s": 1.0,
            "outbox_backoff_max_s": 8.0,
            "outbox_poll_s": 0.5,
        }
        values.update(overrides)  # the load run: the production defaults of some
        self.settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
        upgrade(self.orders_url)
        self.stack = Stack(self.settings, train(), work / "log")
        self.base_url = f"http://127.0.0.1:{self.settings.app_port}"

    # -- parts ------------------------------------------------------------------------------
    def start(self) -> None:
        self.stack.start()
        self.stack.wait_healthy(timeout=600)

    def close(self) -> None:
        self.stack.stop()
        self.slack.stop()

    def kill(self, name: str) -> None:
        """SIGKILL a part's whole process group (``app`` or ``engine``): no clean-up runs."""
        proc = self.stack.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)

    def restart_app(self) -> None:
        self.stack.start_app()
        self.stack.wait_healthy(timeout=300)

    def restart_engine(self) -> None:
        self.stack.start_engine()
        self.stack.wait_healthy(timeout=600)

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    # -- the stores -------------------------------------------------------------------------
    def rows(self, url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return [tuple(row) for row in conn.execute(sql, params)]  # type: ignore[arg-type]

    def outbox_mark(self) -> int:
        """The newest outbox event's id (a run counts the events after it)."""
        return int(self.rows(self.orders_url, "SELECT coalesce(max(id), 0) FROM outbox")[0][0])

    def inquiries_of(self, session_id: str) -> int:
        return int(
            self.rows(
                self.orders_url, "SELECT count(*) FROM inquiries WHERE session_id = %s", session_id
            )[0][0]
        )

    def backlog(self, *, before: float, outbox_after: int) -> int:
        """Buyer messages stored before ``before`` (epoch seconds) still unanswered, plus the
        Slack deliveries of events after ``outbox_after`` queued before it and not sent."""
        unanswered = self.rows(
            self.orders_url,
            "SELECT count(*) FROM chat_messages WHERE role = 'buyer' AND NOT handled"
            " AND created_at < to_timestamp(%s)",
            before,
        )[0][0]
        unsent = self.rows(
            self.orders_url,
            "SELECT count(*) FROM outbox o LEFT JOIN outbox_deliveries d ON d.message_id = o.id"
            " WHERE o.id > %s AND o.created_at < to_timestamp(%s)"
            " AND (d.id IS NULL OR d.status <> 'sent')",
            outbox_after,
            before,
        )[0][0]
        return int(unanswered) + int(unsent)

    def wait_recovered(self, *, since: float, outbox_after: int, timeout: float = 300) -> float:
        """Seconds from ``since`` (epoch) until the app is healthy and nothing from before
        ``since`` waits: every buyer message answered, every notification delivered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.Error):
                if self.healthy() and not self.backlog(before=since, outbox_after=outbox_after):
                    return time.time() - since
            time.sleep(0.25)
        raise AssertionError(f"not recovered {timeout:.0f}s after the fault")

    # -- buyers -----------------------------------------------------------------------------
    async def start_buyer(self, client: httpx.AsyncClient, buyer: Buyer) -> None:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                response = await client.post("/api/chat/sessions", json={"locale": "en"})
                if response.status_code == 201:
                    body = response.json()
                    buyer.session_id, buyer.token = body["session_id"], body["token"]
                    return
            await asyncio.sleep(1)

    async def say(
        self, client: httpx.AsyncClient, buyer: Buyer, turn: int, *, deadline: float
    ) -> None:
        """Send the script's message ``turn`` until it is answered: again with the same
        ``client_message_id`` after a failure, or (a patient buyer, told the message is kept)
        by waiting for its answer in the transcript."""
        kind, value = SCRIPT[turn]
        body = {kind: value.format(i=buyer.index), "client_message_id": f"m{turn}-{uuid.uuid4()}"}
        url = f"/api/chat/sessions/{buyer.session_id}/messages"
        first = True
        buyer.sent += 1
        while time.monotonic() < deadline:
            status = "no answer"
            try:
                response = await client.post(url, json=body, headers=buyer.headers)
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
                response = None
            buyer.statuses[status] += 1
            if response is not None and response.status_code == 200:
                buyer.answered += 1
                return
            refused = response is not None and 400 <= response.status_code < 500
            if refused and status not in ("408", "429"):  # the script cannot go on
                buyer.refused += 1
                raise AssertionError(f"buyer {buyer.index}: message {turn} refused: {status}")
            if first:
                buyer.not_answered_first += 1
                first = False
            kept = (
                response is not None and response.status_code == 503 and "follow" in (response.text)
            )
            if (
                buyer.patient
                and kept
                and await self._answered_in_transcript(
                    client, buyer, turn, deadline=min(deadline, time.monotonic() + 90)
                )
            ):
                buyer.answered += 1
                return
            await asyncio.sleep(1.0)
        raise AssertionError(f"buyer {buyer.index}: message {turn} never answered")

    async def _answered_in_transcript(
        self, client: httpx.AsyncClient, buyer: Buyer, turn: int, *, deadline: float
    ) -> bool:
        """Whether the buyer's message ``turn`` (its ``turn``-th message) gets a bot answer."""
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
                response = await client.get(
                    f"/api/chat/sessions/{buyer.session_id}/messages", headers=buyer.headers
                )
                if response.status_code == 200:
                    messages = response.json()["messages"]
                    mine = [m for m in messages if m["role"] == "buyer"]
                    if len(mine) > turn:
                        seq = mine[turn]["seq"]
                        if any(m["role"] == "bot" and m["seq"] > seq for m in messages):
                            return True
            await asyncio.sleep(1.0)
        return False

    async def converse(
        self,
        client: httpx.AsyncClient,
        buyer: Buyer,
        *,
        turns: range | None = None,
        deadline: float,
    ) -> None:
        buyer.done = False
        try:
            if not buyer.session_id:
                await self.start_buyer(client, buyer)
            for turn in turns if turns is not None else range(SCRIPT_TURNS):
                await self.say(client, buyer, turn, deadline=deadline)
            buyer.done = True
        except AssertionError as exc:
            buyer.error = str(exc)

    def client(self, buyers: int) -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=buyers + 10, max_keepalive_connections=buyers + 10)
        return httpx.AsyncClient(base_url=self.base_url, timeout=90, limits=limits)

    # -- what happened ----------------------------------------------------------------------
    def tally(self, buyers: list[Buyer], *, outbox_after: int) -> Tally:
        sessions = [b.session_id for b in buyers if b.session_id]
        tally = Tally(buyers=len(buyers))
        tally.sent = sum(b.sent for b in buyers)
        tally.refused = sum(b.refused for b in buyers)
        tally.answered_client = sum(b.answered for b in buyers)
        tally.kept = sum(b.not_answered_first for b in buyers)
        tally.errors = [b.error for b in buyers if b.error]
        for session_id in sessions:
            buyer_rows = self.rows(
                self.orders_url,
                "SELECT seq, handled FROM chat_messages WHERE session_id = %s AND role = 'buyer'"
                " ORDER BY seq",
                session_id,
            )
            replies = Counter(
                row[0]
                for row in self.rows(
                    self.orders_url,
                    "SELECT reply_to FROM chat_messages WHERE session_id = %s AND role = 'bot'"
                    " AND reply_to IS NOT NULL",
                    session_id,
                )
            )
            tally.stored += len(buyer_rows)
            tally.answered += sum(1 for seq, handled in buyer_rows if handled and replies[seq])
            turns = [
                json.loads(data).get("message_id")
                for (data,) in self.rows(
                    self.tracker_url,
                    "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user'"
                    " ORDER BY id",
                    session_id,
                )
            ]
            expected = [f"{session_id}-{seq}" for seq, _ in buyer_rows]
            runs = Counter(turns)
            tally.turns_run_twice += sum(1 for count in runs.values() if count > 1)
            tally.turns_not_run += sum(1 for name in expected if not runs[name])
            # the turns the engine recorded, in the order the buyer sent them
            recorded = [name for name in dict.fromkeys(turns) if name in expected]
            tally.turns_out_of_order += int(recorded != sorted(recorded, key=expected.index))
            tally.turns_unknown += sum(1 for name in runs if name not in expected)
            stored = self.inquiries_of(session_id)
            tally.inquiries_stored += min(stored, 1)
            tally.inquiries_duplicated += max(0, stored - 1)
        tally.inquiries_expected = sum(1 for b in buyers if b.done)
        tally.kept_replayed = self._replayed(sessions)
        self._notifications(tally, outbox_after)
        return tally

    def _replayed(self, sessions: list[str]) -> int:
        """Buyer messages answered late: the seqs of the ``chat.replayed`` events."""
        if not sessions:
            return 0
        payloads = self.rows(
            self.orders_url,
            "SELECT payload FROM outbox WHERE topic = 'chat.replayed'"
            " AND payload->>'session_id' = ANY(%s)",
            sessions,
        )
        return sum(int(payload.get("count") or 0) for (payload,) in payloads)

    def _notifications(self, tally: Tally, outbox_after: int) -> None:
        events = self.rows(
            self.orders_url,
            "SELECT id, ordering_key, dedupe_key FROM outbox WHERE id > %s ORDER BY id",
            outbox_after,
        )
        keys = {
            (dedupe or f"outbox:{event_id}"): (event_id, ordering)
            for event_id, ordering, dedupe in events
        }
        posts: dict[str, list[tuple[int, int]]] = {}
        with self.slack._lock:
            stored = list(self.slack.messages.items())
        for (channel, ts), message in stored:  # every post Slack took
            key = ((message.get("metadata") or {}).get("event_payload") or {}).get("key")
            if channel == SALES_CHANNEL and key in keys:
                posts.setdefault(key, []).append(_ts(ts))
        tally.notifications_expected = len(keys)
        tally.notifications_delivered = len(posts)
        tally.notifications_duplicated = sum(len(p) - 1 for p in posts.values())
        by_thread: dict[str, list[tuple[int, tuple[int, int]]]] = {}
        for key, (event_id, ordering) in keys.items():
            if key in posts and ordering:
                by_thread.setdefault(ordering, []).append((event_id, min(posts[key])))
        tally.threads_out_of_order = sum(
            1
            for posted in by_thread.values()
            if [ts for _, ts in sorted(posted)] != sorted(ts for _, ts in posted)
        )
        tally.deliveries_not_sent = int(
            self.rows(
                self.orders_url,
                "SELECT count(*) FROM outbox_deliveries WHERE message_id > %s AND status <> 'sent'",
                outbox_after,
            )[0][0]
        )


def _ts(ts: str) -> tuple[int, int]:
    seconds, _, counter = ts.partition(".")
    return int(seconds), int(counter)


@dataclass
class Tally:
    """What one fault run did, as measured in the stores and the fake Slack."""

    buyers: int
    fault: str = ""
    sent: int = 0  # buyer messages sent (first sends)
    refused: int = 0  # of those, refused by the app (4xx), so not stored
    stored: int = 0  # buyer messages in the transcript
    answered: int = 0  # buyer messages answered (handled, with the bot's reply stored)
    answered_client: int = 0  # answers the buyers got
    kept: int = 0  # messages whose first send got no answer (kept, lost, refused)
    kept_replayed: int = 0  # kept messages answered late (chat.replayed events)
    turns_run_twice: int = 0
    turns_not_run: int = 0
    turns_out_of_order: int = 0
    turns_unknown: int = 0  # turns the engine recorded that no stored message names
    inquiries_expected: int = 0
    inquiries_stored: int = 0
    inquiries_duplicated: int = 0
    notifications_expected: int = 0
    notifications_delivered: int = 0
    notifications_duplicated: int = 0
    threads_out_of_order: int = 0
    deliveries_not_sent: int = 0
    recover_s: float = 0.0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def losses(self) -> list[str]:
        """Everything that should be zero and is not (empty: nothing lost nor doubled)."""
        problems = []
        if self.errors:
            problems.append(f"buyers failed: {self.errors[:3]}")
        if self.stored != self.sent - self.refused:
            problems.append(
                f"{self.sent} messages sent, {self.refused} refused, {self.stored} stored"
            )
        if self.answered != self.stored:
            problems.append(f"{self.stored - self.answered} stored messages not answered")
        for name in (
            "turns_run_twice",
            "turns_not_run",
            "turns_out_of_order",
            "turns_unknown",
            "inquiries_duplicated",
            "notifications_duplicated",
            "threads_out_of_order",
            "deliveries_not_sent",
        ):
            if getattr(self, name):
                problems.append(f"{name}: {getattr(self, name)}")
        if self.inquiries_stored != self.inquiries_expected:
            problems.append(
                f"inquiries: {self.inquiries_expected} expected, {self.inquiries_stored} stored"
            )
        if self.notifications_delivered != self.notifications_expected:
            problems.append(
                f"notifications: {self.notifications_expected} expected, "
                f"{self.notifications_delivered} delivered"
            )
        return problems


class Background:
    """Run a coroutine factory in a thread's own event loop (buyers while the test acts)."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self._factory())
        except BaseException as exc:  # re-raised in join
            self._error = exc

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError(f"buyers still running after {timeout:.0f}s")
        if self._error is not None:
            raise self._error


@contextlib.contextmanager
def fault_stack(work: Path, kb_index: Path, **overrides: object) -> Iterator[FaultStack]:
    """Throwaway servers and the stack on them (``overrides``: settings), started; everything
    stopped afterwards."""
    with throwaway_servers() as (postgres, redis):
        stack = FaultStack(work, kb_index, postgres, redis, **overrides)
        try:
            stack.start()
            yield stack
        finally:
            stack.close()
