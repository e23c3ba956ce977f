"""schemathesis against /openapi.json, in-process (the app's ASGI application, no server): every
operation, with requests generated from the document, must answer no 5xx other than the
documented ones, only documented statuses and content types, and bodies that match their schema.

The engine is not running (nothing listens on its port), so a message that needs it gets the
documented 503. Each generated request is sent three ways: without credentials, with valid
credentials and the generated identifiers, and with valid credentials and identifiers that exist
(the chat session, a seeded inquiry and quote). Bounded and deterministic: derandomized, a few
examples per operation, no shrinking."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from api.quote_pdf_view import link_signer
from api.settings import Settings
from sales import inquiries, quotes
from sales.db import Database
from sales.pricing import load_price_book

from ..sales.quotes.test_service import DEMO_BOOK, OUT_OF_POLICY, TODAY, rfq

# a few examples per operation in the suite; OPENAPI_FUZZ_EXAMPLES=200 for a deeper run by hand
MAX_EXAMPLES = int(os.environ.get("OPENAPI_FUZZ_EXAMPLES", "8"))
ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdef"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# statuses each operation must have answered at least once in a run: the generated requests
# reach the handlers, not only the token checks
REACHED: dict[str, set[int]] = {
    "GET /health": {503},  # the engine is down
    "POST /api/chat/sessions": {201, 422},
    "POST /api/chat/sessions/{session_id}/messages": {401, 404, 422, 503},
    "GET /api/chat/sessions/{session_id}/messages": {200, 401, 404},
    "GET /api/inquiries": {200, 401},
    "GET /api/inquiries/{reference}": {200, 401, 404},
    "GET /api/quotes/{reference}": {200, 401, 404},
    "GET /api/quotes/{reference}/pdf": {200, 401, 404},
    "POST /api/quotes/{reference}/approve": {200, 401, 404, 409},
    "POST /api/quotes/{reference}/reject": {401, 404, 409},
    "POST /api/quotes/{reference}/link": {200, 401, 404},
    "GET /q/{reference}.pdf": {200, 403},
    "GET /api/kb/search": {200, 401, 422},
    "GET /api/kb/gaps": {200, 401},
    "POST /api/privacy/erase": {200, 401, 422},
}


@dataclass(frozen=True)
class Known:
    """What exists in the database the fuzzed app runs on."""

    inquiry: str
    quote: str  # sent to the buyer
    pending_inquiry: str
    pending_quote: str  # waits for a staff decision


def _seed(database_url: str) -> Known:
    """An inquiry with a quote sent to the buyer, and one whose quote waits for approval."""

    async def go() -> Known:
        db = Database(database_url)
        refs: list[str] = []
        try:
            for draft in (rfq(), rfq(**OUT_OF_POLICY)):
                async with db.session() as session:
                    inquiry, _ = await inquiries.create(session, draft=draft)
                async with db.session() as session:
                    outcome = await quotes.quote_inquiry(
                        session,
                        reference=inquiry.reference,
                        book=load_price_book(DEMO_BOOK),
                        today=TODAY,
                    )
                refs += [inquiry.reference, outcome.reference]
        finally:
            await db.dispose()
        return Known(*refs)

    return asyncio.run(go())


@pytest.fixture
def fuzz_settings(settings: Settings, tmp_path: Path, kb_index: Path) -> Settings:
    """The API tests' settings (SQLite, the engine down), with an identity holding every scope,
    the demo knowledge base, a tracker store of its own, and limits high enough that the
    generated requests reach the handlers rather than the rate limits."""
    return settings.model_copy(
        update={
            "staff_api_tokens": SecretStr(f"fuzz:read+approve+admin:{ADMIN_TOKEN}"),
            "tracker_store_url": f"sqlite:///{tmp_path / 'tracker.db'}",
            "kb_index_dir": kb_index,
            "chat_rate_burst": 10_000,
            "chat_client_sessions_burst": 10_000,
            "chat_client_messages_burst": 10_000,
            "engine_timeout_s": 2.0,
        }
    )


@pytest.fixture
def known(fuzz_settings: Settings) -> Known:
    return _seed(fuzz_settings.database_url)


@pytest.fixture
def api_schema(fuzz_settings: Settings, known: Known) -> Iterator[Any]:
    app = create_app(fuzz_settings)
    # a 503 is the app's documented answer when the engine, the knowledge index or the tracker
    # store is down (status_code_conformance checks that the operation lists it); any other
    # 5xx is a server error
    config = schemathesis.Config.from_dict(
        {"checks": {"not_a_server_error": {"expected-statuses": ["2XX", "3XX", "4XX", "503"]}}}
    )
    # starts the app's lifespan
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    try:
        yield loaded
    finally:
        asgi.shutdown_lifespans()


def _variants(case: Any, known: Known, session: tuple[str, str]) -> Iterator[None]:
    """Sends the case as generated without credentials, then (where the operation takes any)
    with valid credentials, then with identifiers that exist."""
    session_id, session_token = session
    path = case.operation.path
    staff = path.startswith(("/api/inquiries", "/api/quotes", "/api/kb", "/api/privacy"))
    chat = path.startswith("/api/chat/sessions/")
    token = ADMIN_TOKEN if staff else session_token if chat else None
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    yield
    if token is None:
        return
    case.headers["Authorization"] = f"Bearer {token}"
    yield
    params = case.path_parameters or {}
    if "session_id" in params:
        params["session_id"] = session_id
    elif "reference" in params:
        params["reference"] = known.inquiry if path.startswith("/api/inquiries") else known.quote
    else:
        return
    yield


def _probes(
    operation: Any, known: Known, session: tuple[str, str], settings: Settings
) -> list[Any]:
    """Requests that reach what random ones rarely do: a buyer's message (the engine is down),
    a staff decision on the seeded quote, a signed buyer link."""
    staff = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    chat = {"Authorization": f"Bearer {session[1]}"}
    quote = {"reference": known.quote}
    link = parse_qs(urlsplit(link_signer(settings).link(known.quote)).query)
    probes: dict[str, list[dict[str, Any]]] = {
        "POST /api/chat/sessions/{session_id}/messages": [
            {"path_parameters": {"session_id": session[0]}, "headers": chat,
             "body": {"text": "Do you ship LED panels to Hamburg?", "client_message_id": "m-1"}},
        ],
        "POST /api/quotes/{reference}/approve": [
            {"path_parameters": {"reference": known.pending_quote}, "headers": staff,
             "body": {"note": "fine"}},
        ],
        "POST /api/quotes/{reference}/reject": [
            {"path_parameters": quote, "headers": staff, "body": {"note": "no"}},
        ],
        "GET /q/{reference}.pdf": [
            {"path_parameters": quote, "query": {k: v[0] for k, v in link.items()}},
        ],
        "GET /api/kb/search": [
            {"headers": staff, "query": {"q": "IP rating", "market": "DE", "k": 3}},
        ],
        "POST /api/privacy/erase": [
            {"headers": staff, "body": {"email": "nobody@example.com"}},
        ],
    }  # fmt: skip
    return [operation.Case(**kwargs) for kwargs in probes.get(operation.label, [])]


def test_every_operation_answers_as_documented(
    api_schema: Any, known: Known, fuzz_settings: Settings
) -> None:
    with asgi.get_client(api_schema.app) as client:
        body = client.post("/api/chat/sessions", json={"locale": "en"}).json()
    session = (body["session_id"], body["token"])

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14
    failures: list[str] = []
    seen: dict[str, set[int]] = {}
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is shown
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def run(case: Any) -> None:
            for _ in _variants(case, known, session):
                response = case.call_and_validate(checks=CHECKS)
                seen.setdefault(case.operation.label, set()).add(response.status_code)

        try:
            run()
            for probe in _probes(operation, known, session, fuzz_settings):
                response = probe.call_and_validate(checks=CHECKS)
                seen.setdefault(operation.label, set()).add(response.status_code)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert set(seen) == {operation.label for operation in operations}
    for label, statuses in REACHED.items():  # the requests got past the doors
        assert statuses <= seen[label], (label, sorted(seen[label]))
