"""End to end: a buyer's conversation through the chat API against the real engine, the
inquiry found through the staff API; engine restarts lose nothing; WebSocket push."""

from __future__ import annotations

import json
import re

import pytest
from websockets.sync.client import connect

from .chat import Buyer
from .conftest import RunningStack

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"RFQ-\d{4}-\d{6}")


def _complete_rfq(buyer: Buyer, product: str, quantity: str, email: str) -> str:
    assert "product" in buyer.reply("I need a quotation").lower()
    assert "how many" in buyer.reply(product).lower()
    assert "email" in buyer.reply(quantity).lower()
    summary = buyer.reply(email)
    assert "Shall I submit" in summary
    confirm = next(b for b in buyer.last_buttons() if b["payload"] == "/affirm")
    done = buyer.reply(payload=confirm["payload"])
    match = REFERENCE.search(done)
    assert match, done
    return match.group(0)


def test_a_conversation_creates_an_inquiry_the_staff_api_returns(
    running_stack: RunningStack,
) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        assert "welcome" in buyer.reply("Hello").lower()
        reference = _complete_rfq(buyer, "PNL-6060-40W", "5k pcs", "jana.weber@nordlicht.example")

        record = client.get(f"/api/inquiries/{reference}", headers=running_stack.staff_headers())
        assert record.status_code == 200
        inquiry = record.json()
        assert inquiry["session_id"] == buyer.session_id
        assert inquiry["buyer"]["email"] == "jana.weber@nordlicht.example"
        assert inquiry["items"][0]["quantity"] == 5000
        assert inquiry["items"][0]["unit"] == "pcs"
        assert inquiry["items"][0]["sku"] == "PNL-6060-40W"

        listed = client.get("/api/inquiries", headers=running_stack.staff_headers()).json()
        assert reference in [i["reference"] for i in listed["items"]]

        transcript = client.get(
            f"/api/chat/sessions/{buyer.session_id}/messages", headers=buyer.headers
        ).json()
        roles = [m["role"] for m in transcript["messages"]]
        assert roles[0] == "buyer" and "bot" in roles
        assert [m["seq"] for m in transcript["messages"]] == list(
            range(1, len(transcript["messages"]) + 1)
        )
        assert any(m["text"] == "Yes, submit" for m in transcript["messages"])  # button title


def test_invalid_answers_are_asked_again(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply("I want a quote")
        buyer.reply("100W floodlight")
        again = buyer.reply("lots of them").lower()
        assert "how many" in again or "quantity" in again
        buyer.reply("800 pieces")
        bad_email = buyer.reply("jana.weber@").lower()
        assert "email" in bad_email


def test_engine_restart_loses_no_conversation(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply("I need a quotation")
        buyer.reply("HB-UFO-150W")
        running_stack.stack.stop_engine()
        down = buyer.say("2000 pcs")
        assert down.status_code == 503
        assert "person" in down.json()["detail"]
        transcript = client.get(
            f"/api/chat/sessions/{buyer.session_id}/messages", headers=buyer.headers
        ).json()["messages"]
        assert transcript[-1] == {**transcript[-1], "role": "buyer", "text": "2000 pcs"}

        running_stack.stack.start_engine()
        running_stack.stack.wait_healthy(timeout=300)
        # the form is where it stood: the quantity question is still pending
        assert "email" in buyer.reply("2000 pcs").lower()
        buyer.reply("buyer@lichtwerk.example")
        done = buyer.reply(payload="/affirm")
        assert REFERENCE.search(done)


def test_websocket_pushes_every_new_message(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        url = (
            f"ws://127.0.0.1:{running_stack.settings.app_port}/api/chat/sessions/"
            f"{buyer.session_id}/ws?token={buyer.token}"
        )
        with connect(url, open_timeout=10) as ws:
            buyer.reply("hi")
            pushed = [json.loads(ws.recv(timeout=10)) for _ in range(2)]
            assert [(e["role"], e["type"]) for e in pushed] == [
                ("buyer", "message"),
                ("bot", "message"),
            ]
            ws.send(json.dumps({"type": "message", "text": "what can you do?"}))
            seen = [json.loads(ws.recv(timeout=30)) for _ in range(2)]
            assert seen[0]["text"] == "what can you do?"
            assert seen[1]["role"] == "bot" and "quotation" in seen[1]["text"]


def test_websocket_with_a_wrong_token_is_closed(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        url = (
            f"ws://127.0.0.1:{running_stack.settings.app_port}/api/chat/sessions/"
            f"{buyer.session_id}/ws?token=wrong"
        )
        with (
            pytest.raises(Exception),  # noqa: B017 - refused at the handshake or closed at once
            connect(url, open_timeout=10) as ws,
        ):
            ws.recv(timeout=5)
