"""The FastAPI app: chat gateway, action webhook, staff API, health, widget and demo page."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response

import actions.runtime
from api import errors, housekeeping, logs
from api.broker import create_broker
from api.chat import views as chat_views
from api.chat.clients import ClientLimits, ClientResolver, TurnSlots, parse_networks
from api.chat.gateway import ChatGateway
from api.chat.ratelimit import RateLimiter
from api.chat.replay import replay_kept
from api.chat.sockets import SocketSlots
from api.chat.turn_records import TurnRecords
from api.deps import Services
from api.engine import EngineClient
from api.health import router as health_router
from api.limits import BodySizeLimit
from api.mail.app import build_mail, build_reply_watcher
from api.mail.inbound import router as mail_inbound_router
from api.mail.views import router as mail_router
from api.quote_pdf_view import link_signer
from api.quote_pdf_view import router as quote_pdf_router
from api.settings import Settings, get_settings
from api.slack.app import build_slack, configure_handoff
from api.staff.inquiries import router as inquiries_router
from api.staff.kb import router as kb_router
from api.staff.kpi import router as kpi_router
from api.staff.privacy import router as privacy_router
from api.staff.quotes import router as quotes_router
from api.staff_web import live as staff_live
from api.staff_web.inquiries import router as staff_web_inquiries_router
from api.staff_web.views import ensure_first_admin
from api.staff_web.views import router as staff_web_router
from api.webhook import build_executor
from api.webhook import router as webhook_router
from api.widget import WidgetMissing, widget_script
from i18n import detect as language_detector
from sales.db import Database
from sales.kpi.rollups import store_price_book
from sales.normalizers import cities
from sales.outbox_worker import OutboxWorker, RetryPolicy
from sales.pricing import PriceBook, load_price_book
from sales.replay import GiveUp

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


def _load_knowledge(settings: Settings) -> tuple[object | None, str | None]:
    try:
        from knowledge.index import KnowledgeBase

        return KnowledgeBase.load(settings.kb_index_dir), None
    except Exception as exc:  # the app runs without it; /health says so
        log.error("knowledge index not loaded", extra={"reason": f"{type(exc).__name__}: {exc}"})
        return None, f"{type(exc).__name__}"


def _load_price_book(settings: Settings) -> PriceBook | None:
    try:
        return load_price_book(settings.price_book_path)
    except Exception as exc:  # the app runs without it; quote PDFs answer 503
        log.error("price book not loaded", extra={"reason": f"{type(exc).__name__}: {exc}"})
        return None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    secrets = frozenset(
        {
            settings.action_server_token.get_secret_value(),
            settings.rasa_auth_token.get_secret_value(),
            settings.engine_channel_token.get_secret_value(),
            settings.quote_link_secret.get_secret_value(),
            *settings.staff_tokens,
            *(
                s.get_secret_value()
                for s in (settings.slack_bot_token, settings.slack_signing_secret)
                if s
            ),
            *settings.smtp_secrets,
        }
    )
    if settings.staff_admin_password is not None:
        secrets = secrets | {settings.staff_admin_password.get_secret_value()}
    logs.configure(settings.log_level, secrets)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        engine = EngineClient(
            settings.engine_urls,
            settings.rasa_auth_token.get_secret_value(),
            channel_token=settings.engine_channel_token.get_secret_value(),
            timeout_s=settings.engine_timeout_s,
        )
        broker = await create_broker(settings.redis_url)
        gateway = ChatGateway(
            db=db,
            engine=engine,
            broker=broker,
            limiter=RateLimiter(settings.chat_rate_per_minute, settings.chat_rate_burst),
            max_text=settings.chat_max_text,
            turns=TurnSlots(settings.chat_max_turns_in_flight),
            records=TurnRecords(settings.tracker_store_url),
            give_up=GiveUp(settings.chat_replay_max_attempts, settings.chat_replay_give_up_s),
        )
        kb, kb_error = _load_knowledge(settings)
        # the language detector's models (about 0.6 s) and the world's cities (about 2 s) load
        # here, not on a buyer's first message
        language_detector.warm()
        cities.warm()
        services = Services(
            settings=settings,
            db=db,
            engine=engine,
            broker=broker,
            gateway=gateway,
            sockets=SocketSlots(settings.chat_ws_per_session),
            kb=kb,
            kb_error=kb_error,
            price_book=_load_price_book(settings),
            client_limits=ClientLimits(
                ClientResolver(
                    settings.trusted_proxy_header, parse_networks(settings.trusted_proxies)
                ),
                sessions_per_minute=settings.chat_client_sessions_per_minute,
                sessions_burst=settings.chat_client_sessions_burst,
                messages_per_minute=settings.chat_client_messages_per_minute,
                messages_burst=settings.chat_client_messages_burst,
            ),
        )
        configure_handoff(settings, gateway)
        services.slack = build_slack(settings, db=db, gateway=gateway, kb=lambda: services.kb)
        mail = build_mail(settings, db=db, price_book=services.price_book)
        app.state.mail = mail
        periodic = housekeeping.jobs(
            db,
            handoff_timeout_s=settings.handoff_timeout_s,
            retention_days=settings.retention_days,
            retention_interval_s=settings.retention_interval_s,
            tracker_url=settings.tracker_store_url,
        )
        reply_watcher = build_reply_watcher(settings, db=db)
        app.state.reply_watcher = reply_watcher
        periodic.append(
            housekeeping.Periodic(
                "chat-replay",
                settings.chat_replay_interval_s,
                lambda: replay_kept(gateway, db, older_than_s=settings.engine_timeout_s + 5),
            )
        )
        book = services.price_book
        categories = {p.sku: p.category for p in book.products} if book else {}
        periodic.append(
            housekeeping.weekly_digest(
                db, categories=categories, handoff_sla_s=settings.handoff_timeout_s
            )
        )
        app.state.services = services
        await ensure_first_admin(services)  # STAFF_ADMIN_EMAIL, when no staff user exists
        app.state.executor = build_executor()
        actions.runtime.configure(
            actions.runtime.Runtime(
                db=db,
                kb=kb,
                broker=broker,
                price_book=services.price_book,
                pdf_link=link_signer(settings),
            )
        )
        log.info(
            "app started", extra={"engine": settings.engine_url, "redis": bool(settings.redis_url)}
        )
        # the staff pages' live updates: inquiry and quote events to the pages' event streams
        live = OutboxWorker(
            db,
            staff_live.handlers(broker),
            channel=staff_live.CHANNEL,
            policy=RetryPolicy(max_attempts=3, base_s=1, max_s=5),
            poll_s=settings.outbox_poll_s,
        )
        workers = [live]
        starts = [live.start]
        if services.slack is not None:
            workers += [services.slack.worker] if services.slack.worker is not None else []
            starts.append(services.slack.start)
        if mail is not None:
            workers.append(mail.worker)
            starts.append(mail.start)

        async def start_up() -> None:
            # the dashboard's kept category figures follow the book this instance loaded
            await store_price_book(db, categories)
            # every channel subscribed before any worker fans an event out
            for worker in workers:
                await worker.subscribe()
            for start in starts:
                start()

        # done before serving when the database answers (no write of these beside the first
        # requests); when it does not, retried behind while the app answers 503 saying so
        waiting: asyncio.Task[None] | None = None
        try:
            await start_up()
        except Exception as exc:
            log.warning("start-up waits for the database", extra={"error": type(exc).__name__})
            waiting = asyncio.create_task(
                housekeeping.until_done("start-up", start_up), name="start-up"
            )
        for job in periodic:
            job.start()
        if reply_watcher is not None:
            reply_watcher.start()
        try:
            yield
        finally:
            if waiting is not None:
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiting
            if reply_watcher is not None:
                await reply_watcher.stop()
            for job in periodic:
                await job.stop()
            if services.slack is not None:
                await services.slack.stop()
            if mail is not None:
                await mail.stop()
            await live.stop()
            actions.runtime.reset()
            await broker.close()
            await engine.close()
            if gateway.records is not None:
                await gateway.records.close()
            await db.dispose()

    app = FastAPI(
        title="exportdesk",
        version="0.1.0",
        summary="Conversational sales assistant for cross-border B2B trade",
        lifespan=lifespan,
    )

    errors.install(app)

    if settings.widget_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.widget_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.chat_max_body_bytes, exempt_prefixes=("/webhook",)
    )
    app.add_middleware(logs.AccessLog)  # outermost: logs every answer, a refused body's too

    app.include_router(health_router)
    app.include_router(chat_views.router)
    app.include_router(inquiries_router)
    app.include_router(quotes_router)
    app.include_router(quote_pdf_router)
    app.include_router(kb_router)
    app.include_router(privacy_router)
    app.include_router(staff_web_router)
    app.include_router(staff_web_inquiries_router)
    app.include_router(staff_live.router)
    app.include_router(kpi_router)
    app.include_router(webhook_router)
    app.include_router(mail_router)
    app.include_router(mail_inbound_router)

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        """Slack's one request URL: events, interactivity, slash commands (signed)."""
        slack = request.app.state.services.slack
        if slack is None:
            raise HTTPException(404, "Slack is not configured")
        return await slack.handle(request)

    @app.get("/", include_in_schema=False)
    async def demo_page() -> FileResponse:
        return FileResponse(STATIC / "demo.html", media_type="text/html")

    @app.get("/widget.js", include_in_schema=False)
    async def widget(request: Request) -> Response:
        try:
            script = widget_script()
        except WidgetMissing as exc:
            raise HTTPException(404, "widget not available") from exc
        headers = {"ETag": script.etag, "Cache-Control": "public, max-age=300"}
        if request.headers.get("if-none-match") == script.etag:
            return Response(status_code=304, headers=headers)
        return Response(script.body, media_type="text/javascript", headers=headers)

    return app
