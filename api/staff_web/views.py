"""The staff web pages: sign-in, sign-out and the sales manager's dashboard (server-rendered,
Jinja2 with autoescape; api/staff_web/security.py says how cookies and CSRF work)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.deps import Services
from api.staff_web import security
from api.staff_web.tables import TABLES, csv_text, dashboard_tables
from sales import kpi
from sales.kpi.period import BANDS, Filters, Period, PeriodError
from sales.staff import roles, users
from sales.staff.users import Session

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
VENDOR = HERE.parent / "static" / "vendor"
STATIC_FILES = {
    "dashboard.js": (HERE / "static" / "dashboard.js", "text/javascript"),
    "dashboard.css": (HERE / "static" / "dashboard.css", "text/css"),
    "live.js": (HERE / "static" / "live.js", "text/javascript"),
    "chart.umd.js": (VENDOR / "chartjs" / "chart.umd.js", "text/javascript"),
}
DEFAULT_DAYS = 28
REFUSED = (
    "Wrong email or password, or sign-in is paused for this account after too many failed "
    f"attempts: try again in {int(users.LOCKOUT_WINDOW.total_seconds() // 60)} minutes."
)
CSRF_REFUSED = (
    "This form has expired or did not come from this site. Reload the page and try again."
)
MAX_FORM_BYTES = 8 * 1024

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,  # every template, whatever its name
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

router = APIRouter(prefix="/staff", include_in_schema=False)


def _services(request: Request) -> Services:
    return request.app.state.services


def _page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(f"staff/{name}").render(**context)
    response = HTMLResponse(html, status_code=status_code)
    security.harden(response)
    return response


async def _form(request: Request) -> dict[str, str] | None:
    """A urlencoded form's fields (the last of a repeated name); None when not such a form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return None
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return None
    return dict(pairs)


async def current_session(request: Request) -> Session | None:
    token = request.cookies.get(security.SESSION_COOKIE)
    if not token:
        return None
    async with _services(request).db.session() as db:
        return await users.session_for(db, token)


def _to_login() -> Response:
    return security.harden(RedirectResponse("/staff/login", status_code=303))


# -- sign-in and sign-out ------------------------------------------------------------------


def _login_page(
    request: Request, *, error: str | None = None, email: str = "", status_code: int = 200
) -> HTMLResponse:
    token = request.cookies.get(security.LOGIN_CSRF_COOKIE) or security.new_token()
    response = _page(
        "login.html", status_code, csrf_token=token, error=error, email=email, session=None
    )
    security.set_cookie(response, request, security.LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    if await current_session(request) is not None:
        return security.harden(RedirectResponse("/staff/", status_code=303))
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    if form is None or not security.same(
        form.get("csrf_token"), request.cookies.get(security.LOGIN_CSRF_COOKIE)
    ):
        return _login_page(request, error=CSRF_REFUSED, status_code=403)
    email = form.get("email", "").strip()[:320]
    password = form.get("password", "")
    services = _services(request)
    ttl = timedelta(hours=services.settings.staff_session_hours)
    async with services.db.session() as db:
        old = request.cookies.get(security.SESSION_COOKIE)
        if old:
            await users.sign_out(db, old)
        signed_in = await users.authenticate(db, email=email, password=password, ttl=ttl)
    if signed_in is None:
        log.info("staff sign-in refused")
        return _login_page(request, error=REFUSED, email=email, status_code=401)
    log.info("staff signed in", extra={"user_id": signed_in.user.id})
    response = security.harden(RedirectResponse("/staff/", status_code=303))
    security.set_cookie(
        response,
        request,
        security.SESSION_COOKIE,
        signed_in.token,
        max_age=int(ttl.total_seconds()),
    )
    security.clear_cookie(response, request, security.LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = await current_session(request)
    if session is None:
        return _to_login()
    form = await _form(request)
    if form is None or not session.csrf_ok(form.get("csrf_token")):
        return _page("error.html", 403, message=CSRF_REFUSED, session=session)
    async with _services(request).db.session() as db:
        await users.sign_out(db, request.cookies.get(security.SESSION_COOKIE))
    response = _to_login()
    security.clear_cookie(response, request, security.SESSION_COOKIE)
    return response


# -- the dashboard -------------------------------------------------------------------------


def _categories(services: Services) -> dict[str, str]:
    book = services.price_book
    if book is None:
        return {}
    return {product.sku: product.category for product in book.products}


def _default_period(today: datetime) -> Period:
    end = today.date() + timedelta(days=1)
    return Period(end - timedelta(days=DEFAULT_DAYS), end)


def _query(request: Request) -> tuple[Period, Filters]:
    """The period and filters of the dashboard's query string; PeriodError when malformed."""
    params = request.query_params
    default = _default_period(datetime.now(UTC))
    period = Period.parse(
        params.get("from") or default.start.isoformat(), params.get("to") or default.end.isoformat()
    )
    filters = Filters.parse(
        market=params.get("market"),
        language=params.get("language"),
        category=params.get("category"),
        business_type=params.get("business_type"),
        band=params.get("band"),
    )
    return period, filters


async def _figures(services: Services, period: Period, filters: Filters) -> dict[str, Any]:
    async with services.db.session() as db:
        return await kpi.compute(
            db,
            period,
            filters,
            categories=_categories(services),
            handoff_sla_s=services.settings.handoff_timeout_s,
        )


@router.get("/")
async def dashboard(request: Request) -> Response:
    session = await current_session(request)
    if session is None:
        return _to_login()
    services = _services(request)
    form = {k: request.query_params.get(k, "") for k in ("from", "to", *Filters().as_dict())}
    categories = sorted(set(_categories(services).values()))
    common: dict[str, Any] = {
        "session": session,
        "role_scopes": sorted(roles.scopes_of(session.role)),
        "bands": BANDS,
        "categories": categories,
        "form": form,
    }
    try:
        period, filters = _query(request)
    except PeriodError as exc:
        return _page("dashboard.html", 422, error=str(exc), figures=None, tables=[], **common)
    form.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    figures = await _figures(services, period, filters)
    query = urlencode({k: v for k, v in form.items() if v})
    tables = dashboard_tables(figures)
    charts = {t.name: asdict(t.chart) for t in tables if t.chart is not None}
    return _page(
        "dashboard.html",
        error=None,
        figures=figures,
        tables=tables,
        charts=charts,
        csv_query=query,
        **common,
    )


@router.get("/kpi.csv")
async def kpi_csv(request: Request) -> Response:
    """One of the dashboard's tables as CSV (cells that a spreadsheet would run as a formula
    are made inert)."""
    session = await current_session(request)
    if session is None:
        return _to_login()
    name = request.query_params.get("table", "")
    if name not in TABLES:
        return _page("error.html", 404, message="No such table.", session=session)
    try:
        period, filters = _query(request)
    except PeriodError as exc:
        return _page("error.html", 422, message=str(exc), session=session)
    figures = await _figures(_services(request), period, filters)
    table = next(t for t in dashboard_tables(figures) if t.name == name)
    filename = f"{name}_{period.start.isoformat()}_{period.end.isoformat()}.csv"
    response = Response(
        csv_text(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    return security.harden(response)


@router.get("/static/{name}")
async def static(name: str) -> Response:
    found = STATIC_FILES.get(name)
    if found is None or not found[0].exists():
        return Response("not found", status_code=404, media_type="text/plain")
    path, media_type = found
    response = FileResponse(path, media_type=media_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


async def ensure_first_admin(services: Services) -> None:
    """At start: the first admin from STAFF_ADMIN_EMAIL / STAFF_ADMIN_PASSWORD when no staff
    user exists (a failure is logged, never stops the app: the dashboard is not its core)."""
    settings = services.settings
    password = settings.staff_admin_password
    if not settings.staff_admin_email or password is None:
        return
    try:
        async with services.db.session() as db:
            await users.ensure_first_admin(
                db, email=settings.staff_admin_email, password=password.get_secret_value()
            )
    except ValueError as exc:  # a short password, a bad address (never the password itself)
        log.error("first staff admin not created", extra={"reason": str(exc)})
    except Exception as exc:
        log.error("first staff admin not created", extra={"reason": type(exc).__name__})
