from __future__ import annotations

from fastapi.testclient import TestClient

from sales.rfq.state import BUYER_SLOTS, DRAFT_SLOTS

from .conftest import ACTION_TOKEN


def _call(action: str) -> dict:  # type: ignore[type-arg]
    return {
        "next_action": action,
        "sender_id": "s1",
        "version": "3.6.21",
        "tracker": {
            "sender_id": "s1",
            "slots": {},
            "latest_message": {"text": "", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
        "domain": {"slots": {}, "responses": {}, "intents": [], "entities": [], "forms": {}},
    }


def test_action_calls_without_the_token_are_refused(client: TestClient) -> None:
    assert client.post("/webhook", json=_call("action_explain_why")).status_code == 401
    wrong = client.post(
        "/webhook", json=_call("action_explain_why"), headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 401


def test_action_call_runs_the_action(client: TestClient) -> None:
    response = client.post(
        "/webhook",
        json=_call("action_discard_rfq"),
        headers={"Authorization": f"Bearer {ACTION_TOKEN}"},
    )
    assert response.status_code == 200
    reset = {e["name"] for e in response.json()["events"] if e["value"] is None}
    assert set(DRAFT_SLOTS) <= reset  # the draft is cleared
    assert not reset & set(BUYER_SLOTS)  # the buyer's own details stay for a next RFQ


def test_unknown_action_is_404(client: TestClient) -> None:
    response = client.post(
        "/webhook", json=_call("action_nope"), headers={"Authorization": f"Bearer {ACTION_TOKEN}"}
    )
    assert response.status_code == 404


def test_a_non_ascii_action_token_is_401_not_a_server_error(client: TestClient) -> None:
    for value in ("Bearer tökén".encode(), b"Bearer \xff\xfe", f"Bearer {ACTION_TOKEN}é".encode()):
        response = client.post(
            "/webhook", json=_call("action_explain_why"), headers={"Authorization": value}
        )
        assert response.status_code == 401
        assert response.json() == {"detail": "missing or wrong action server token"}
