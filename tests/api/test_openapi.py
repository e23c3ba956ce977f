"""/openapi.json describes what the API really does: bearer security on the staff and chat
routes, every error status a route can answer, each with the real body {"detail": string}."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import api_settings

ERROR = {"$ref": "#/components/schemas/ErrorOut"}

# the error statuses each route can answer
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("post", "/api/chat/sessions"): {"413", "422", "429"},
    ("post", "/api/chat/sessions/{session_id}/messages"): {
        "401", "404", "413", "422", "429", "503",
    },
    ("get", "/api/chat/sessions/{session_id}/messages"): {"401", "404", "422"},
    ("get", "/api/inquiries"): {"401", "403", "422"},
    ("get", "/api/inquiries/{reference}"): {"401", "403", "404"},
    ("get", "/api/quotes/{reference}"): {"401", "403", "404"},
    ("get", "/api/quotes/{reference}/pdf"): {"401", "403", "404", "503"},
    ("post", "/api/quotes/{reference}/approve"): {"401", "403", "404", "409", "413", "422"},
    ("post", "/api/quotes/{reference}/reject"): {"401", "403", "404", "409", "413", "422"},
    ("post", "/api/quotes/{reference}/link"): {"401", "403", "404", "409"},
    ("get", "/api/kb/search"): {"401", "403", "422", "503"},
    ("get", "/api/kb/gaps"): {"401", "403", "422"},
    ("post", "/api/privacy/erase"): {"401", "403", "413", "422", "503"},
    ("get", "/q/{reference}.pdf"): {"403", "404", "503"},
}  # fmt: skip


@pytest.fixture(scope="module")
def spec(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document as the app with the API tests' settings serves it, read once for the module
    (it follows from the routes and the settings, not from the data)."""
    work = tmp_path_factory.mktemp("openapi")
    shutil.copyfile(_sqlite_template, work / "orders.db")
    with TestClient(create_app(api_settings(f"sqlite:///{work / 'orders.db'}", work))) as client:
        document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def test_the_error_body_is_detail_as_a_string(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["ErrorOut"]["properties"]["detail"]["type"] == "string"
    assert schemas["ErrorOut"]["required"] == ["detail"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


@pytest.mark.parametrize(("method", "path"), list(EXPECTED))
def test_each_route_lists_its_error_statuses_with_the_error_body(
    spec: dict[str, Any], method: str, path: str
) -> None:
    responses = spec["paths"][path][method]["responses"]
    errors = {code for code in responses if code[0] in "45"}
    assert errors == EXPECTED[(method, path)]
    for code in errors:
        assert responses[code]["content"]["application/json"]["schema"] == ERROR, code
        assert responses[code]["description"]


def test_bearer_schemes_are_declared_on_the_staff_and_chat_routes(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert {k: v for k, v in schemes["staffToken"].items() if k != "description"} == {
        "type": "http", "scheme": "bearer",
    }  # fmt: skip
    # who may do what: the scopes and the approver list are described on the scheme
    description = schemes["staffToken"]["description"]
    for words in ("STAFF_API_TOKENS", "name:scope1+scope2:token", "`read`", "`approve`",
                  "`admin`", "SLACK_APPROVERS", "403"):  # fmt: skip
        assert words in description, words
    assert schemes["chatSessionToken"]["type"] == "http"
    assert schemes["chatSessionToken"]["scheme"] == "bearer"
    for method, path in EXPECTED:
        security = spec["paths"][path][method].get("security")
        if path.startswith(("/api/inquiries", "/api/quotes", "/api/kb", "/api/privacy")):
            assert security == [{"staffToken": []}], path
        elif path.startswith("/api/chat/sessions/"):
            assert security == [{"chatSessionToken": []}], path
        else:  # creating a session, a signed PDF link
            assert not security, path
    assert "/webhook" not in spec["paths"] and "/slack/events" not in spec["paths"]


def test_the_routes_answer_what_the_document_says(client: TestClient, spec: dict[str, Any]) -> None:
    """A spot check that the declared bodies are the real ones."""
    for response in (
        client.get("/api/inquiries"),
        client.get("/api/inquiries?limit=0", headers={"Authorization": "Bearer x"}),
        client.post("/api/chat/sessions", json={"locale": 5}),
    ):
        assert set(response.json()) == {"detail"}
        assert isinstance(response.json()["detail"], str)


def test_health_documents_its_503_with_the_health_body(
    client: TestClient, spec: dict[str, Any]
) -> None:
    """Found by schemathesis: /health answers 503 when a part is down (the engine, here), which
    the document left out."""
    responses = spec["paths"]["/health"]["get"]["responses"]
    health = {"$ref": "#/components/schemas/HealthOut"}
    for code in ("200", "503"):
        assert responses[code]["content"]["application/json"]["schema"] == health, code
    response = client.get("/health")
    assert response.status_code == 503
    schema = spec["components"]["schemas"]["HealthOut"]
    assert set(schema["required"]) <= set(response.json()) <= set(schema["properties"])
