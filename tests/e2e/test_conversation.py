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


# (words of the question, the answer), the first match wins: combined questions first
ANSWERS = [
    ("address the quotation", "Jana Weber, Nordlicht Handels GmbH, jana.weber@nordlicht.example"),
    ("incoterm", "CIF, L/C at sight, yes please, samples first"),
    ("payment", "L/C at sight"),
    ("samples", "yes"),
    ("kind of business", "distributor"),
    ("certification", "CE and RoHS"),
    ("where should the goods go", "Hamburg, Germany"),
    ("by when", "15 March 2027"),
]


def _answer_until_summary(buyer: Buyer, reply: str, limit: int = 12) -> str:
    """Answer each question from ANSWERS until the summary shows."""
    for _ in range(limit):
        if "Shall I send it" in reply:
            return reply
        question = reply.lower()
        answer = next((a for key, a in ANSWERS if key in question), None)
        assert answer is not None, f"unexpected question: {reply}"
        reply = buyer.reply(answer)
    raise AssertionError(f"no summary after {limit} answers: {reply}")


def _confirm(buyer: Buyer) -> str:
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
        first = buyer.reply(
            "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, "
            "by 15 March 2027"
        )
        summary = _answer_until_summary(buyer, first)
        assert "5,000 pcs x PNL-6060-40W" in summary
        summary = buyer.reply("actually 8,000 pieces")
        assert "8,000 pcs x PNL-6060-40W" in summary
        reference = _confirm(buyer)

        record = client.get(f"/api/inquiries/{reference}", headers=running_stack.staff_headers())
        assert record.status_code == 200
        inquiry = record.json()
        assert inquiry["session_id"] == buyer.session_id
        assert inquiry["buyer"] == {
            "company": "Nordlicht Handels GmbH",
            "contact_name": "Jana Weber",
            "email": "jana.weber@nordlicht.example",
            "phone": None,
            "country": None,
            "business_type": "distributor",
        }
        (item,) = inquiry["items"]
        assert (item["sku"], item["quantity"], item["unit"]) == ("PNL-6060-40W", 8000, "pcs")
        assert item["certifications"] == ["CE", "ROHS"]
        assert inquiry["destination"] == {"country": "DE", "place": "Hamburg"}
        assert (inquiry["incoterm"], inquiry["required_by"]) == ("CIF", "2027-03-15")
        assert (inquiry["payment_terms"], inquiry["sample_requested"]) == ("LC", True)
        assert 0 <= inquiry["lead_score"] <= 100

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
        assert any(m["text"] == "Confirm and send" for m in transcript["messages"])  # the title


def test_invalid_answers_get_a_reason_and_the_question_again(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply("I want a quote")
        assert "how many" in buyer.reply("100W floodlight").lower()
        again = buyer.reply("lots of them").lower()
        assert "couldn't read" in again and "how many" in again
        below_moq = buyer.reply("20 pcs").lower()
        assert "minimum order quantity" in below_moq
        assert "where should the goods go" in buyer.reply("800 pieces").lower()
        assert "hamburg" in buyer.reply("Atlantis").lower()  # the reason and the example again


def test_engine_restart_loses_no_conversation(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply("I need a quotation")
        buyer.reply("HB-UFO-150W")
        running_stack.stack.stop_engine()
        down = buyer.say("200 pcs")
        assert down.status_code == 503
        assert "person" in down.json()["detail"]
        transcript = client.get(
            f"/api/chat/sessions/{buyer.session_id}/messages", headers=buyer.headers
        ).json()["messages"]
        assert transcript[-1] == {**transcript[-1], "role": "buyer", "text": "200 pcs"}

        running_stack.stack.start_engine()
        running_stack.stack.wait_healthy(timeout=300)
        # the form is where it stood: the quantity question is still pending
        reply = buyer.reply("200 pcs")
        assert "where should the goods go" in reply.lower()
        _answer_until_summary(buyer, reply)
        assert REFERENCE.search(_confirm(buyer))


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
