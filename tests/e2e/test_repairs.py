"""End to end, the real engine: declines never cancel, a discard waits for a confirmation, an
answer the form cannot read is asked at most twice, changes typed at the summary."""

from __future__ import annotations

import re

import pytest

from .chat import Buyer
from .conftest import RunningStack
from .test_conversation import REFERENCE, _answer_until_summary, _confirm

pytestmark = pytest.mark.e2e

DISCARDED = "discarded this request"
OPENING = (
    "We need 5,000 pcs of 600x600 40W panels for Hamburg, CIF, with CE and RoHS, by 15 March "
    "2027, T/T, no samples"
)


def _to_contact_question(buyer: Buyer) -> str:
    reply = buyer.reply(OPENING)
    for _ in range(4):
        if "address the quotation" in reply:
            return reply
        if "kind of business" in reply.lower():
            reply = buyer.reply("distributor")
            continue
        raise AssertionError(f"unexpected question: {reply}")
    raise AssertionError(reply)


def test_skip_and_no_to_the_contact_question_keep_the_request(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        _to_contact_question(buyer)
        first = buyer.reply("skip")
        assert DISCARDED not in first
        assert "we send the quotation there" in first or "whom to contact" in first, first
        second = buyer.reply("no")
        assert DISCARDED not in second
        assert "Shall I send it" in second, second  # the summary: on without the contact
        assert any(
            b["payload"] == "/request_human" for m in buyer.transcript[-4:] for b in m["buttons"]
        )
        reference = _confirm(buyer)
        record = client.get(
            f"/api/inquiries/{reference}", headers=running_stack.staff_headers()
        ).json()
        assert record["buyer"]["contact_name"] is None and record["buyer"]["company"] is None
        assert "Not given" in record["notes"]


def test_declining_only_the_phone_asks_for_the_rest(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        _to_contact_question(buyer)
        reply = buyer.reply("no phone number, thanks")
        assert DISCARDED not in reply
        assert "address the quotation" in reply and "phone" not in reply  # the rest, again
        summary = buyer.reply(
            "Jana Weber, Nordlicht Handels GmbH, jana.weber@nordlicht.example, distributor"
        )
        assert "Shall I send it" in summary
        record = client.get(
            f"/api/inquiries/{_confirm(buyer)}", headers=running_stack.staff_headers()
        ).json()
        assert record["buyer"]["company"] == "Nordlicht Handels GmbH"
        assert record["buyer"]["contact_name"] == "Jana Weber"


def test_cancel_asks_first_and_no_keeps_everything(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        _to_contact_question(buyer)
        asked = buyer.reply("cancel")
        assert "discard this request" in asked and DISCARDED not in asked
        assert [b["payload"] for b in buyer.last_buttons()] == ["/affirm", "/deny"]
        kept = buyer.reply(payload="/deny")
        assert "stays as it is" in kept and "address the quotation" in kept
        summary = buyer.reply(
            "Jana Weber, Nordlicht Handels GmbH, jana.weber@nordlicht.example, distributor"
        )
        assert "5,000 pcs x PNL-6060-40W" in summary
        assert REFERENCE.search(buyer.reply(payload="/affirm"))


def test_cancel_confirmed_discards(running_stack: RunningStack) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        buyer.reply(OPENING)
        buyer.reply("cancel the request")
        assert DISCARDED in buyer.reply(payload="/affirm")
        fresh = buyer.reply("I need a quote")
        assert "5,000" not in fresh  # nothing of the discarded request is left


def test_the_summary_takes_changes_and_its_cancel_button_asks_first(
    running_stack: RunningStack,
) -> None:
    with running_stack.client() as client:
        buyer = Buyer(client).start()
        summary = _answer_until_summary(buyer, buyer.reply(OPENING))
        assert "CIF" in summary
        changed = buyer.reply("bitte FOB Ningbo statt CIF")
        assert re.search(r"Incoterm: FOB", changed), changed
        cancel = next(b for b in buyer.last_buttons() if b["payload"] == "/stop")
        asked = buyer.reply(payload=cancel["payload"])
        assert "discard this request" in asked
        back = buyer.reply("no, keep it")
        assert "Shall I send it" in back and "Incoterm: FOB" in back
