"""Cookies, CSRF and headers of the staff web pages.

- The session cookie (``exportdesk_staff``) holds a random token; the database keeps its
  SHA-256 (sales/staff/users.py), so signing out ends it. HttpOnly, SameSite=Lax, Path=/staff,
  and Secure unless the page was reached over plain http on a loopback address (a developer's
  ``make run``): anywhere else the browser sends it over TLS only.
- CSRF: every form carries a ``csrf_token`` field. Signed in, it must equal the session's
  synchronizer token (stored with the session). The sign-in form, before there is a session,
  uses a double-submit cookie (``exportdesk_staff_csrf``: a random value the form repeats).
  SameSite=Lax keeps the session cookie off cross-site POSTs as well.
- Every page is sent with a strict Content-Security-Policy (scripts and styles from the app
  only, no inline script), no framing, no caching, no referrer.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "exportdesk_staff"
LOGIN_CSRF_COOKIE = "exportdesk_staff_csrf"
COOKIE_PATH = "/staff"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secure_cookies(request: Request) -> bool:
    """Secure cookies unless this is plain http to a loopback address."""
    return not (request.url.scheme == "http" and _loopback(request.url.hostname))


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(
        name, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure_cookies(request)
    )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same(given: str | None, expected: str | None) -> bool:
    """Constant-time equality of two tokens; False when either is missing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def harden(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
