"""The buyer chat API (CONTRACTS.md): sessions, messages, transcript, WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Query,
    Request,
    Security,
    WebSocket,
    status,
)
from fastapi.websockets import WebSocketDisconnect
from pydantic import ValidationError

from api.chat.gateway import (
    Busy,
    EngineDown,
    InvalidMessage,
    MessageTooLong,
    RateLimited,
    message_event,
)
from api.chat.ratelimit import RateLimiter, retry_after
from api.chat.schemas import MessageIn, MessageOut, SessionIn, SessionOut, TurnOut
from api.deps import Services, ServicesDep, chat_bearer, get_ws_services
from api.errors import error_responses
from api.logs import session_id_var
from sales import conversations
from sales.models import ChatMessage, ChatSession

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["buyer chat"])


def _out(message: ChatMessage) -> MessageOut:
    return MessageOut.model_validate(message_event(message))


async def _session(services: Services, session_id: str, token: str | None) -> ChatSession:
    session_id_var.set(session_id)
    if token is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    async with services.db.session() as db:
        try:
            return await conversations.authenticate(db, session_id, token)
        except conversations.SessionNotFound:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown chat session") from None
        except conversations.BadToken:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "wrong token for this session"
            ) from None


async def authorized_session(
    session_id: str,
    services: ServicesDep,
    token: Annotated[str | None, Security(chat_bearer)],
) -> ChatSession:
    return await _session(services, session_id, token)


SessionDep = Annotated[ChatSession, Depends(authorized_session)]


# what every route taking the session's token can answer
_SESSION_ERRORS = {401: "missing or wrong token", 404: "unknown chat session"}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def _with_retry_after(
    responses: dict[int | str, dict[str, Any]], *codes: int
) -> dict[int | str, dict[str, Any]]:
    for code in codes:
        responses[code] = {**responses[code], "headers": _RETRY_AFTER}
    return responses


def _too_many(detail: str, wait_s: float) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, detail, headers={"Retry-After": retry_after(wait_s)}
    )


def _client_wait_s(services: Services, conn: Request | WebSocket, bucket: str) -> float:
    """Take a token from this client's bucket (``sessions`` or ``messages``): 0.0, or the
    seconds to wait."""
    limits = services.client_limits
    if limits is None:
        return 0.0
    limiter: RateLimiter = getattr(limits, bucket)
    client = limits.resolver.client(conn.client.host if conn.client else None, conn.headers)
    wait_s = limiter.wait_s(client)
    if wait_s:
        log.warning("client over its limit", extra={"limit": bucket})
    return wait_s


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses=_with_retry_after(
        error_responses(413, 422, descriptions={429: "too many sessions created by this client"}),
        429,
    ),
)
async def create_session(
    request: Request, services: ServicesDep, body: SessionIn | None = None
) -> SessionOut:
    wait_s = _client_wait_s(services, request, "sessions")
    if wait_s:
        raise _too_many("too many new chats from this address; please wait a moment", wait_s)
    body = body or SessionIn()
    async with services.db.session() as db:
        session, token = await conversations.create_session(
            db, locale=body.locale, page_url=body.page_url
        )
    session_id_var.set(session.id)
    log.info("chat session created", extra={"locale": body.locale})
    return SessionOut(session_id=session.id, token=token)


@router.post(
    "/sessions/{session_id}/messages",
    response_model=TurnOut,
    responses=_with_retry_after(
        error_responses(
            422,
            descriptions={
                **_SESSION_ERRORS,
                413: "text over 2,000 characters, or a body over 64 KiB",
                429: "too many messages on this session or from this client",
                503: "engine down (the message is kept and a person follows up), or too many "
                "turns in flight (the message was not kept: send it again after Retry-After)",
            },
        ),
        429,
        503,
    ),
)
async def post_message(
    request: Request, body: MessageIn, session: SessionDep, services: ServicesDep
) -> TurnOut:
    wait_s = _client_wait_s(services, request, "messages")
    if wait_s:
        raise _too_many("too many messages from this address; please wait a moment", wait_s)
    try:
        turn = await services.gateway.handle(
            session,
            text=body.text,
            payload=body.payload,
            client_message_id=body.client_message_id,
        )
    except MessageTooLong as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(exc)) from None
    except InvalidMessage as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    except RateLimited as exc:
        raise _too_many(str(exc), exc.retry_after_s) from None
    except Busy as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            str(exc),
            headers={"Retry-After": retry_after(exc.retry_after_s)},
        ) from None
    except EngineDown as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None
    return TurnOut(
        messages=[_out(m) for m in turn.messages], mode=turn.mode, language=turn.language
    )


@router.get(
    "/sessions/{session_id}/messages",
    response_model=TurnOut,
    responses=error_responses(422, descriptions=_SESSION_ERRORS),
)
async def transcript(
    session: SessionDep, services: ServicesDep, after: Annotated[int, Query(ge=0)] = 0
) -> TurnOut:
    async with services.db.session() as db:
        messages = await conversations.messages_after(db, session.id, after)
    return TurnOut(
        messages=[_out(m) for m in messages], mode=session.mode, language=session.language
    )


@router.websocket("/sessions/{session_id}/ws")
async def websocket(
    websocket: WebSocket,
    session_id: str,
    services: Annotated[Services, Depends(get_ws_services)],
    token: str | None = None,
) -> None:
    """Close codes: 4403 other site, 4401 token, 4404 session, 4429 too many sockets on the
    session, 1003 a binary frame, 1009 a frame over CHAT_WS_MAX_FRAME_BYTES. A frame that is
    not JSON or not a message gets an ``{"type": "error", "detail": ...}`` frame back."""
    origin = (websocket.headers.get("origin") or "").rstrip("/")
    if origin and not _origin_allowed(origin, websocket, services):
        await websocket.accept()
        await websocket.close(code=4403, reason="origin not allowed")
        return
    try:
        session = await _session(services, session_id, token)
    except HTTPException as exc:
        # accept first so that the browser sees the reason (4401, 4404), not a bare 1006
        await websocket.accept()
        await websocket.close(code=4000 + exc.status_code, reason=str(exc.detail))
        return
    await websocket.accept()
    with services.sockets.slot(session.id) as admitted:
        if not admitted:
            limit = services.sockets.per_session
            log.warning("too many sockets on one chat session", extra={"limit": limit})
            await websocket.close(
                code=4429, reason=f"too many open connections to this chat (at most {limit})"
            )
            return
        async with services.broker.subscribe(session.id) as events:

            async def push() -> None:
                async for event in events:
                    await websocket.send_json(event)

            pusher = asyncio.create_task(push())
            try:
                await _receive_frames(websocket, services, session)
            except (WebSocketDisconnect, RuntimeError):
                pass
            finally:
                pusher.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pusher


async def _receive_frames(websocket: WebSocket, services: Services, session: ChatSession) -> None:
    max_bytes = services.settings.chat_ws_max_frame_bytes
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        text = frame.get("text")
        if text is None:
            await websocket.close(code=1003, reason="only text frames (JSON) are accepted")
            return
        if len(text) > max_bytes or len(text.encode()) > max_bytes:
            await websocket.close(code=1009, reason=f"frame over {max_bytes} bytes")
            return
        try:
            incoming = json.loads(text)
        except ValueError:
            await websocket.send_json({"type": "error", "detail": "the frame is not valid JSON"})
            continue
        await _ws_message(websocket, services, session, incoming)


def _origin_allowed(origin: str, websocket: WebSocket, services: Services) -> bool:
    """The app's own pages and the configured widget sites may open the socket."""
    host = websocket.headers.get("host", "")
    own = {f"http://{host}", f"https://{host}"}
    return origin in own or origin in services.settings.widget_origin_list


async def _ws_message(
    websocket: WebSocket, services: Services, session: ChatSession, incoming: object
) -> None:
    """A message sent over the socket; replies arrive through the broker like any other."""
    if not isinstance(incoming, dict) or incoming.get("type") != "message":
        await websocket.send_json({"type": "error", "detail": 'expected {"type": "message", ...}'})
        return
    wait_s = _client_wait_s(services, websocket, "messages")
    if wait_s:
        await websocket.send_json(
            {
                "type": "error",
                "detail": "too many messages from this address; please wait a moment",
                "retry_after": int(retry_after(wait_s)),
            }
        )
        return
    try:
        body = MessageIn.model_validate(
            {k: v for k, v in incoming.items() if k in ("text", "payload", "client_message_id")}
        )
        await services.gateway.handle(
            session,
            text=body.text,
            payload=body.payload,
            client_message_id=body.client_message_id,
        )
    except ValidationError as exc:
        await websocket.send_json({"type": "error", "detail": exc.errors()[0]["msg"]})
    except (RateLimited, Busy) as exc:
        await websocket.send_json(
            {
                "type": "error",
                "detail": str(exc),
                "retry_after": int(retry_after(exc.retry_after_s)),
            }
        )
    except (InvalidMessage, EngineDown) as exc:
        await websocket.send_json({"type": "error", "detail": str(exc)})
