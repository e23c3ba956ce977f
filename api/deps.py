"""Dependencies shared by the routers: the per-process services on app.state."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, WebSocket
from fastapi.security import HTTPBearer
from starlette.requests import HTTPConnection

from api.broker import Broker
from api.chat.clients import ClientLimits
from api.chat.gateway import ChatGateway
from api.chat.sockets import SocketSlots
from api.engine import EngineClient
from api.settings import Settings
from sales.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    engine: EngineClient
    broker: Broker
    gateway: ChatGateway
    sockets: SocketSlots
    kb: Any | None = None  # knowledge.index.KnowledgeBase once loaded
    kb_error: str | None = None
    slack: Any | None = None  # api.slack.app.SlackIntegration when configured
    price_book: Any | None = None  # sales.pricing.PriceBook once loaded
    client_limits: ClientLimits | None = None  # per client address (api/chat/clients.py)


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_ws_services(websocket: WebSocket) -> Services:
    return websocket.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def bearer_token(request: HTTPConnection) -> str | None:
    """The request's bearer token; None when missing, of another scheme, or not ASCII (no token
    we issue has other characters, and a header can carry any byte)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or not token.isascii():
        return None
    return token


def token_matches(token: str | None, allowed: Iterable[str]) -> bool:
    """Whether ``token`` is one of ``allowed`` (constant-time, on bytes: any text is safe)."""
    if not token:
        return False
    given = token.encode()
    return any(hmac.compare_digest(given, candidate.encode()) for candidate in allowed)


class BearerToken(HTTPBearer):
    """A route's bearer token (None when missing): ``bearer_token``, declared in OpenAPI as a
    security scheme. The route decides what a missing or wrong token means (401)."""

    def __init__(self, scheme_name: str, description: str) -> None:
        super().__init__(scheme_name=scheme_name, description=description, auto_error=False)

    async def __call__(self, request: Request) -> str | None:  # type: ignore[override]
        return bearer_token(request)


staff_bearer = BearerToken(
    "staffToken",
    "A staff identity's token from STAFF_API_TOKENS: entries `name:scope1+scope2:token` with "
    "the scopes `read` (inquiries, quotes, PDFs, knowledge search), `approve` (approve or reject "
    "quotes; once SLACK_APPROVERS / SLACK_APPROVER_GROUP is set, only identities named by an "
    "approver's Slack user id) and `admin` (erase a buyer's personal data); a plain token is "
    "read+approve. 401: no known token; 403: the identity lacks the scope (or is not an "
    "approver). Decisions are recorded under the identity's name.",
)
chat_bearer = BearerToken(
    "chatSessionToken", "the chat session's token, from POST /api/chat/sessions"
)
