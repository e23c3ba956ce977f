"""Staff sign-in on the web: cookies, CSRF, generic refusals, lockout, sign-out."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.main import create_app
from api.settings import Settings
from api.staff_web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from api.staff_web.views import REFUSED
from sales.db import Database
from sales.models import StaffUser, utcnow
from sales.staff import users
from tests.api.staff_web.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, LOCAL, csrf_of, sign_in


def test_the_dashboard_wants_a_signed_in_user(web: TestClient) -> None:
    response = web.get("/staff/")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login"


def test_sign_in_sets_a_hardened_session_cookie_and_shows_the_dashboard(web: TestClient) -> None:
    login = web.get("/staff/login")
    assert login.status_code == 200
    assert "default-src 'none'" in login.headers["content-security-policy"]
    response = web.post(
        "/staff/login",
        data={"email": " manager@lumora.EXAMPLE ", "password": ADMIN_PASSWORD,
              "csrf_token": csrf_of(login.text)},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/staff/"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes
    assert "samesite=lax" in cookie.lower() and "path=/staff" in cookie.lower()
    assert "secure" not in attributes  # plain http on loopback only
    page = web.get("/staff/")
    assert page.status_code == 200
    assert "manager@lumora.example (admin)" in page.text


def test_cookies_are_secure_anywhere_but_loopback_http(web_settings: Settings) -> None:
    app = create_app(web_settings)
    for base in ("https://sales.lumora.example", "http://sales.lumora.example"):
        with TestClient(app, base_url=base, follow_redirects=False) as client:
            login = client.get("/staff/login")
            assert "secure" in login.headers["set-cookie"].lower()
            assert LOGIN_CSRF_COOKIE in login.headers["set-cookie"]


def test_wrong_password_and_unknown_email_get_the_same_answer(web: TestClient) -> None:
    wrong = sign_in(web, password="not the password at all")
    unknown = sign_in(web, email="nobody@lumora.example", password="not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert REFUSED in wrong.text and REFUSED in unknown.text
    assert wrong.text.replace(ADMIN_EMAIL, "X") == unknown.text.replace(
        "nobody@lumora.example", "X"
    )
    assert SESSION_COOKIE not in web.cookies


def test_sign_in_without_the_forms_csrf_token_is_refused(web: TestClient) -> None:
    web.get("/staff/login")
    for token in (None, "", "forged-token"):
        data = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        response = web.post("/staff/login", data=data)
        assert response.status_code == 403
        assert SESSION_COOKIE not in web.cookies
    # a JSON body is no form
    response = web.post("/staff/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 403


def test_five_failures_lock_the_account_even_against_the_right_password(
    web: TestClient, web_settings: Settings
) -> None:
    for _ in range(users.LOCKOUT_ATTEMPTS):
        assert sign_in(web, password="wrong password, again").status_code == 401
    locked = sign_in(web)
    assert locked.status_code == 401 and REFUSED in locked.text
    # the lock ends LOCKOUT_WINDOW later
    import asyncio

    async def unlock() -> None:
        db = Database(web_settings.database_url)
        async with db.session() as session:
            await session.execute(
                update(StaffUser).values(locked_until=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        await db.dispose()

    asyncio.run(unlock())
    assert sign_in(web).status_code == 303


def test_sign_out_needs_the_sessions_csrf_token_and_ends_the_session(web: TestClient) -> None:
    assert sign_in(web).status_code == 303
    token = web.cookies[SESSION_COOKIE]
    page = web.get("/staff/")
    csrf = csrf_of(page.text)
    refused = web.post("/staff/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert web.get("/staff/").status_code == 200  # still signed in
    done = web.post("/staff/logout", data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/staff/login"
    assert web.get("/staff/").status_code == 303
    # the old cookie, kept by someone, is dead: the session row is gone
    web.cookies.set(SESSION_COOKIE, token, domain="127.0.0.1", path="/staff")
    assert web.get("/staff/").status_code == 303


def test_another_sites_form_cannot_sign_out(web: TestClient) -> None:
    """A cross-site POST carries no CSRF token of the session: refused."""
    assert sign_in(web).status_code == 303
    response = web.post("/staff/logout", data={})
    assert response.status_code == 403
    assert web.get("/staff/").status_code == 200


def test_the_first_admin_is_made_once_and_the_setting_is_no_back_door(
    web_settings: Settings,
) -> None:
    with TestClient(create_app(web_settings), base_url=LOCAL, follow_redirects=False) as client:
        assert sign_in(client).status_code == 303
    changed = web_settings.model_copy(
        update={"staff_admin_password": type(web_settings.staff_admin_password)("a new one, 12+")}
    )
    with TestClient(create_app(changed), base_url=LOCAL, follow_redirects=False) as client:
        assert sign_in(client, password="a new one, 12+").status_code == 401
        assert sign_in(client).status_code == 303


@pytest.mark.parametrize("path", ["/staff/static/dashboard.js", "/staff/static/chart.umd.js"])
def test_the_dashboards_scripts_are_served_by_the_app(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert web.get("/staff/static/../main.py").status_code == 404


def test_a_too_short_admin_password_is_logged_not_fatal(
    web_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    short = web_settings.model_copy(
        update={"staff_admin_password": type(web_settings.staff_admin_password)("short-pw")}
    )
    app = create_app(short)  # sets the root logger's handlers: caplog's goes on the module's
    logger = logging.getLogger("api.staff_web.views")
    logger.addHandler(caplog.handler)
    try:
        with TestClient(app, base_url=LOCAL) as client:
            assert client.get("/staff/login").status_code == 200  # the app runs
            assert sign_in(client, password="short-pw").status_code == 401
    finally:
        logger.removeHandler(caplog.handler)
    reasons = [getattr(r, "reason", "") for r in caplog.records if "first staff admin" in r.msg]
    assert reasons and "12 characters" in reasons[0] and "short-pw" not in reasons[0]
