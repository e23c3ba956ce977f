"""Dependencies shared by the routers: the per-process services on app.state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, WebSocket

from api.broker import Broker
from api.chat.engine import EngineClient
from api.chat.gateway import ChatGateway
from api.chat.sockets import SocketSlots
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


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_ws_services(websocket: WebSocket) -> Services:
    return websocket.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
