"""The one input channel the engine opens: the app's chat gateway, with a shared secret.

Rasa's stock REST channel takes a message for any sender id from anyone who reaches the port,
around the gateway's checks (typed "/intent{...}", button payloads, rate limits). This channel
speaks the same body but behind a bearer token: a request without ``Authorization: Bearer
<ENGINE_CHANNEL_TOKEN>`` gets 401, one with another token 403, and neither reaches the message
processor (no tracker is created or changed). The token comes from the environment only (the
launcher passes it; `rasa run` refuses to start without it) and is never logged.

Route: ``POST /webhooks/app/webhook`` with ``{"sender", "message", "metadata", "message_id",
"replay"}``, answered with the bot's messages as Rasa's REST channel does; the input channel
recorded on the tracker is always ``app`` (the caller does not choose it).

A turn runs once per ``message_id`` (the app names each buyer message; issue 14, finding 5):
the same id again while the turn runs waits for that turn and gets its answer; with ``replay``
(the app sends a message it may have sent before: its answer timed out, the app died, the
engine was down) the conversation's tracker is read first, and a turn already recorded there is
answered with the bot messages it produced instead of running again. A conversation's turns all
go to one engine process (api/engine.py, worker_for), so the in-flight table is per process.

A turn that cannot run to its end is answered 503 and left unrecorded (issue 14, found by the
fault tests), never 200 with what was said so far: the lock store unreachable (Redis down), or
a custom action's call failing (the app, which serves the actions, killed or unreachable).
Rasa's processor logs a failed action call and goes on without its events, recording a turn
that never ran its action (the RFQ's details lost, the confirmation unanswered); here a failed
call ends the turn before Rasa saves it, so the app keeps the buyer's message and its replay
runs the turn again once the part is back (the actions are idempotent: the RFQ is stored once
by its key).

The conversation store never falls back to memory (bot/channels/store_guard.py): a turn whose
store fails ends unrecorded with 503, and ``GET /`` (the app's readiness check of the engine)
answers 503 while the store does not answer.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from .store_guard import refuse_memory_fallback, store_answers

log = logging.getLogger(__name__)

TOKEN_ENV = "ENGINE_CHANNEL_TOKEN"
MAX_MESSAGE_ID = 128
TURN_FAILED = {"detail": "the turn could not run to its end and was not recorded; send it again"}
STORE_DOWN = {"detail": "the conversation store does not answer"}
STORE_CHECK_S = 5.0


class TurnFailed(Exception):
    """The turn did not run to its end; Rasa saved nothing of it."""


class ActionCallFailed(BaseException):
    """A custom action's call failed. A BaseException, so that Rasa's processor, which turns
    any Exception of an action into "events lost, go on", lets it through and the turn ends
    unsaved; the channel turns it into :class:`TurnFailed`."""


def fail_turns_on_failed_action_calls() -> None:
    """Make a failed call of a custom action end the turn (once per process)."""
    if getattr(RemoteAction.run, "ends_the_turn", False):
        return
    run = RemoteAction.run

    async def run_or_end_the_turn(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        try:
            return await run(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # the action declined (a form's validation): Rasa's own way on
        except Exception as exc:
            raise ActionCallFailed(f"{self.name()}: {type(exc).__name__}") from exc

    run_or_end_the_turn.ends_the_turn = True  # type: ignore[attr-defined]
    RemoteAction.run = run_or_end_the_turn


def recorded_answer(events: list[Any], sender: str, message_id: str) -> list[dict[str, Any]] | None:
    """The bot messages of the turn ``message_id`` in a tracker's events, as the channel would
    have sent them; None when no such turn was recorded."""
    answer: list[dict[str, Any]] | None = None
    for event in events:
        if isinstance(event, UserUttered):
            if answer is not None:
                break  # the next turn
            if event.message_id == message_id:
                answer = []
        elif answer is not None and isinstance(event, BotUttered):
            data = {k: v for k, v in (event.data or {}).items() if v is not None}
            answer.append({"recipient_id": sender, "text": event.text, **data})
    return answer


def bearer(request: Request) -> str | None:
    """The bearer credential of ``request``, or None."""
    header = request.headers.get("Authorization") or ""
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()


def token_matches(given: str, expected: str) -> bool:
    """Constant-time comparison; any credential (not ASCII either) is compared, never an error."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )


class AppInput(InputChannel):
    """The app's channel: Rasa's REST body behind the shared secret."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError(f"{TOKEN_ENV} is empty")
        self._token = token
        # (sender, message_id) -> the answer of the turn running now
        self._running: dict[tuple[str, str], asyncio.Future[list[dict[str, Any]]]] = {}
        self._tasks: set[asyncio.Future[None]] = set()

    @classmethod
    def name(cls) -> str:
        return "app"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        token = os.environ.get(TOKEN_ENV, "")
        if not token:
            raise RuntimeError(f"{TOKEN_ENV} is not set: the engine's channel has no secret")
        fail_turns_on_failed_action_calls()
        refuse_memory_fallback()
        return cls(token)

    def refusal(self, request: Request) -> HTTPResponse | None:
        """401 without a bearer token, 403 with a wrong one, None when it is the secret."""
        given = bearer(request)
        if given is None:
            return response.json(
                {"detail": "missing bearer token"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not token_matches(given, self._token):
            return response.json({"detail": "invalid token"}, status=403)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` and ``POST /webhook``, both behind the secret."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            refused = self.refusal(request)
            if refused is not None:
                return refused
            if not await self._store_answers(request):
                return response.json(STORE_DOWN, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refused = self.refusal(request)
            if refused is not None:
                return refused
            try:
                body = request.json
            except Exception:  # Sanic's error for a body that is not JSON
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("sender"), str):
                return response.json({"detail": "a JSON object with a sender"}, status=400)
            message_id = body.get("message_id")
            if message_id is not None and (
                not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID
            ):
                return response.json({"detail": "message_id: a short string"}, status=400)
            if message_id is None:
                try:
                    return response.json(await self._run(on_new_message, body, None))
                except TurnFailed:
                    return response.json(TURN_FAILED, status=503)
            key = (body["sender"], message_id)
            future = self._running.get(key)
            if future is None:  # else: the same turn, sent again while it runs: its answer
                future = asyncio.get_running_loop().create_future()
                self._running[key] = future
                replay = body.get("replay") is True
                task = asyncio.ensure_future(
                    self._complete(request, on_new_message, body, key, replay, future)
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            # a caller that gives up (its timeout, its crash) does not cut the turn short: it
            # runs to its end and is recorded, and the caller's retry gets its answer
            try:
                return response.json(await asyncio.shield(future))
            except TurnFailed:
                return response.json(TURN_FAILED, status=503)

        return webhook

    async def _complete(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        body: dict[str, Any],
        key: tuple[str, str],
        replay: bool,
        future: asyncio.Future[list[dict[str, Any]]],
    ) -> None:
        """Run the turn ``key`` (or find it recorded) and resolve ``future`` with its answer."""
        try:
            answer = await self._recorded(request, *key) if replay else None
            if answer is None:
                answer = await self._run(on_new_message, body, key[1])
            future.set_result(answer)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no warning when no caller waits any more
            if not isinstance(exc, Exception):
                raise
        finally:
            del self._running[key]

    async def _store_answers(self, request: Request) -> bool:
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return False  # no model loaded yet
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(None, store_answers, agent.tracker_store), STORE_CHECK_S
            )
        except asyncio.TimeoutError:  # Python 3.10: not yet the built-in TimeoutError
            return False

    async def _recorded(
        self, request: Request, sender: str, message_id: str
    ) -> list[dict[str, Any]] | None:
        store = request.app.ctx.agent.tracker_store
        try:
            tracker = await store.retrieve_full_tracker(sender)
        except Exception as exc:  # the store failed: neither read nor run the turn now
            raise TurnFailed(type(exc).__name__) from exc
        if tracker is None:
            return None
        answer = recorded_answer(list(tracker.events), sender, message_id)
        if answer is not None:
            log.info("turn already recorded, answered from the tracker")
        return answer

    async def _run(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        body: dict[str, Any],
        message_id: str | None,
    ) -> list[dict[str, Any]]:
        text = body.get("message")
        metadata = body.get("metadata")
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    text if isinstance(text, str) else None,
                    collector,
                    body["sender"],
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else None,
                    message_id=message_id,
                )
            )
        except ActionCallFailed as exc:
            log.warning("a custom action's call failed, the turn is not recorded: %s", exc)
            raise TurnFailed(str(exc)) from None
        except Exception as exc:  # the lock store, the tracker store: nothing was saved
            log.exception("the turn failed and is not recorded")
            raise TurnFailed(type(exc).__name__) from exc
        return list(collector.messages)
