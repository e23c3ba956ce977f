"""The Slack integration assembled: Bolt app, request handler, outbox worker, and the
handoff timer. Built at start-up when ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` are set."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from api.chat.gateway import ChatGateway
from api.engine import EngineClient
from api.quote_pdf_view import link_signer
from api.settings import Settings
from api.slack.approvals import QuoteApprovals
from api.slack.approvers import Approvers
from api.slack.client import build_client
from api.slack.delivery import CHANNEL, SlackDelivery
from api.slack.desk import Desk
from api.slack.listeners import Context, register
from sales.db import Database
from sales.outbox_worker import OutboxWorker, RetryPolicy

log = logging.getLogger("api.slack")


@dataclass
class SlackIntegration:
    bolt: AsyncApp
    handler: AsyncSlackRequestHandler
    client: AsyncWebClient
    engine: EngineClient
    worker: OutboxWorker | None
    # the approver list, also checked for decisions through the staff API
    approvers: Approvers | None = None

    async def handle(self, request: Request) -> Response:
        return await self.handler.handle(request)

    def start(self) -> None:
        if self.worker is not None:
            self.worker.start()

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
        await self.engine.close()


def secrets_of(settings: Settings) -> list[str]:
    return [
        s.get_secret_value()
        for s in (settings.slack_bot_token, settings.slack_signing_secret)
        if s is not None
    ]


def build_slack(
    settings: Settings, *, db: Database, gateway: ChatGateway, kb: Callable[[], Any | None]
) -> SlackIntegration | None:
    """``kb`` gives the knowledge base loaded now (it may be loaded or replaced later)."""
    if not settings.slack_enabled:
        log.info("Slack disabled (SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET unset)")
        return None
    assert settings.slack_signing_secret is not None
    client = build_client(settings)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        name="exportdesk",
        logger=logging.getLogger("api.slack.bolt"),
    )
    engine = EngineClient(
        settings.engine_urls,
        settings.rasa_auth_token.get_secret_value(),
        channel_token=settings.engine_channel_token.get_secret_value(),
        timeout_s=settings.engine_timeout_s,
    )
    desk = Desk(db=db, client=client, gateway=gateway, engine=engine)
    approvers = Approvers(
        client, user_ids=settings.slack_approver_ids, group=settings.slack_approver_group
    )
    approvals = QuoteApprovals(
        db=db,
        client=client,
        gateway=gateway,
        approvers=approvers,
        pdf_link=link_signer(settings),
    )
    register(bolt, Context(db=db, desk=desk, approvals=approvals, kb=kb))
    worker = None
    if settings.slack_sales_channel:
        delivery = SlackDelivery(db, client, settings.slack_sales_channel)
        worker = OutboxWorker(
            db,
            delivery.handlers(),
            channel=CHANNEL,
            policy=RetryPolicy(
                max_attempts=settings.outbox_max_attempts,
                base_s=settings.outbox_backoff_base_s,
                max_s=settings.outbox_backoff_max_s,
            ),
            poll_s=settings.outbox_poll_s,
            secrets=secrets_of(settings),
        )
    else:
        log.warning("SLACK_SALES_CHANNEL unset: nothing is posted to Slack")
    return SlackIntegration(
        bolt=bolt,
        handler=AsyncSlackRequestHandler(bolt),
        client=client,
        engine=engine,
        worker=worker,
        approvers=approvers,
    )


def configure_handoff(settings: Settings, gateway: ChatGateway) -> None:
    """sales.handoff gets the office hours, the timeout, and a push to the buyer's sockets."""
    from collections.abc import Sequence

    from sales import handoff
    from sales.models import ChatMessage
    from sales.office_hours import OfficeHours

    async def push(session_id: str, mode: str | None, messages: Sequence[ChatMessage]) -> None:
        if mode is not None:  # with the session's language (the widget's texts follow it)
            await gateway.publish_state(session_id, mode)
        await gateway.publish(session_id, list(messages))

    handoff.configure(
        handoff.HandoffConfig(
            hours=OfficeHours.parse(settings.office_hours, settings.office_tz),
            timeout_s=settings.handoff_timeout_s,
            publisher=push,
            staffed=settings.slack_enabled and bool(settings.slack_sales_channel),
            company=settings.company_name,
        )
    )
