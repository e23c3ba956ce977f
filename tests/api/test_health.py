"""/health is readiness (the engine, the knowledge index, the database); /health/live is
liveness: it answers while the process serves, even with the engine down."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_liveness_answers_while_readiness_says_the_engine_is_down(client: TestClient) -> None:
    assert client.get("/health").status_code == 503  # nothing listens on the engine's port
    live = client.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
