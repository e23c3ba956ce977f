"""Buyers' PDF links on the app: GET /q/{reference}.pdf, the staff API's link, restarts."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from pypdf import PdfReader

from api.main import create_app
from api.settings import Settings
from sales.quotes import links as quote_links
from sales.quotes.links import make_link
from tests.api.staff.test_staff_quotes import AUTH, make_quote

from .conftest import STAFF_TOKEN

SECRET = "link-secret-for-tests-0123456789"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def _parts(link: str) -> tuple[str, str, str]:
    url = urlsplit(link)
    query = parse_qs(url.query)
    return url.path, query["exp"][0], query["sig"][0]


# -- the route --------------------------------------------------------------------------------


@pytest.fixture
def link_settings(settings: Settings) -> Settings:
    settings.quote_link_secret = SecretStr(SECRET)
    settings.public_base_url = "https://sales.lumora.example"
    return settings


@pytest.fixture
def buyer_client(link_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(link_settings)) as test_client:
        yield test_client


def _path(link: str) -> str:
    url = urlsplit(link)
    return f"{url.path}?{url.query}"


def test_a_valid_link_serves_the_pdf_without_other_auth(
    buyer_client: TestClient, link_settings: Settings
) -> None:
    ref = make_quote(link_settings)
    link = make_link("http://testserver", ref, timedelta(hours=1), secret=SECRET)
    response = buyer_client.get(_path(link))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert ref in text


def test_bad_and_expired_links_are_403(buyer_client: TestClient, link_settings: Settings) -> None:
    ref = make_quote(link_settings)
    _, exp, sig = _parts(make_link("http://x", ref, timedelta(hours=1), secret=SECRET))
    assert buyer_client.get(f"/q/{ref}.pdf").status_code == 403
    tampered = buyer_client.get(f"/q/{ref}.pdf?exp={int(exp) + 3600}&sig={sig}")
    assert tampered.status_code == 403 and tampered.json() == {"detail": "invalid quotation link"}
    other = buyer_client.get(f"/q/Q-2026-000777.pdf?exp={exp}&sig={sig}")
    assert other.status_code == 403  # a signature is for one quote only
    past = datetime.now(UTC) - timedelta(days=1)
    _, old_exp, old_sig = _parts(
        make_link("http://x", ref, timedelta(hours=1), secret=SECRET, now=past)
    )
    expired = buyer_client.get(f"/q/{ref}.pdf?exp={old_exp}&sig={old_sig}")
    assert expired.status_code == 403 and "expired" in expired.json()["detail"]
    staff_token = buyer_client.get(
        f"/q/{ref}.pdf", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
    )
    assert staff_token.status_code == 403  # the signature is the only permission


def test_unknown_or_unreleased_quote_is_404(
    buyer_client: TestClient, link_settings: Settings
) -> None:
    link = make_link("http://x", "Q-2026-000999", timedelta(hours=1), secret=SECRET)
    assert buyer_client.get(_path(link)).status_code == 404
    pending = make_quote(link_settings, in_policy=False)  # not for the buyer's eyes yet
    link = make_link("http://x", pending, timedelta(hours=1), secret=SECRET)
    response = buyer_client.get(_path(link))
    assert response.status_code == 404 and response.json() == {"detail": f"no quotation {pending}"}


def test_staff_get_a_link_for_the_buyer(buyer_client: TestClient, link_settings: Settings) -> None:
    ref = make_quote(link_settings)
    response = buyer_client.post(f"/api/quotes/{ref}/link", headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body["url"].startswith(f"https://sales.lumora.example/q/{ref}.pdf?exp=")
    _, exp, _sig = _parts(body["url"])
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert int(exp) == int(expires.timestamp())
    assert expires - datetime.now(UTC) > timedelta(days=29)
    assert buyer_client.get(_path(body["url"])).status_code == 200
    pending = make_quote(link_settings, in_policy=False)
    assert buyer_client.post(f"/api/quotes/{pending}/link", headers=AUTH).status_code == 409
    assert buyer_client.post(f"/api/quotes/{ref}/link").status_code == 401


def test_links_survive_a_restart_with_the_same_secret(link_settings: Settings) -> None:
    ref = make_quote(link_settings)
    link = quote_links.make_link("http://x", ref, timedelta(hours=1), secret=SECRET)
    for _ in range(2):  # two app instances (or one restarted) sharing QUOTE_LINK_SECRET
        with TestClient(create_app(link_settings)) as instance:
            assert instance.get(_path(link)).status_code == 200
    other = link_settings.model_copy(update={"quote_link_secret": SecretStr("rotated")})
    with TestClient(create_app(other)) as instance:
        assert instance.get(_path(link)).status_code == 403
