"""Quote approvals in Slack: only approvers decide, two racing reps get one decision, Reject
asks for a note in a modal, the buyer hears of it, the message shows who decided and when."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.slack.ids import REJECT_NOTE_ACTION, ActionId, BlockId, QuoteRef, ViewId
from sales import conversations, inquiries, outbox
from sales.inquiries import BuyerDraft, InquiryDraft, ItemDraft
from sales.models import Quote, QuoteLine, utcnow
from tests.fakes.slack import FakeSlack

from .conftest import SlackPoster, block_actions_body, view_submission_body


def _pending_quote(client: TestClient, locale: str = "en") -> tuple[str, str, str, dict[str, str]]:
    """A chat, its inquiry, and a quote waiting for approval (as sales.quotes writes one)."""
    body = client.post("/api/chat/sessions", json={"locale": locale}).json()
    session_id, headers = body["session_id"], {"Authorization": f"Bearer {body['token']}"}
    db = client.app.state.services.db  # type: ignore[attr-defined]

    async def create() -> tuple[str, str]:
        async with db.session() as session:
            inquiry, _ = await inquiries.create(
                session,
                draft=InquiryDraft(
                    items=(
                        ItemDraft(
                            description="LED panel", sku="PNL-6060-40W", quantity=Decimal(5000)
                        ),
                    ),
                    buyer=BuyerDraft(
                        company="Nordlicht GmbH", email="jana@nordlicht.example", country="DE"
                    ),
                    session_id=session_id,
                    language="en",
                ),
            )
            reference = f"Q-2026-{inquiry.id:06d}"
            line = QuoteLine(
                position=1, sku="PNL-6060-40W", quantity=Decimal(5000), unit="pcs",
                unit_price=Decimal("11.80"), amount=Decimal("59000"), lead_time_days=25,
            )  # fmt: skip
            reasons = [{"code": "margin", "message": "margin 8.5 % below 12 %"}]
            session.add(
                Quote(
                    reference=reference, inquiry_id=inquiry.id, status="pending_approval",
                    currency="USD", incoterm="CIF", place="Hamburg", payment_terms="TT30",
                    valid_until=date.today() + timedelta(days=30), margin_pct=Decimal("8.5"),
                    total=Decimal("59000"), policy_reasons=reasons, needs_negotiation=True,
                    pricing={}, lines=[line],
                )
            )  # fmt: skip
            outbox.enqueue(
                session,
                topic="quote.pending_approval",
                payload={"reference": reference, "inquiry": inquiry.reference},
                ordering_key=inquiry.reference,
                dedupe_key=f"quote.pending_approval:{reference}",
            )
            await session.commit()
            return inquiry.reference, reference

    inquiry_ref, quote_ref = client.portal.call(create)  # type: ignore[union-attr]
    return inquiry_ref, quote_ref, session_id, headers


def _approval_post(fake: FakeSlack, quote_ref: str) -> tuple[Any, str]:
    call = fake.wait_for(
        lambda: next(
            (
                c
                for c in fake.calls_of("chat.postMessage")
                if f"Quote {quote_ref}" in c.args["text"]
            ),
            None,
        )
    )
    ts = next(ts for (_, ts), m in fake.messages.items() if f"Quote {quote_ref}" in m["text"])
    return call, ts


def _button(call: Any, action: ActionId) -> str:
    return next(
        e["value"]
        for b in call.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action.value
    )


def _quote_status(client: TestClient, reference: str) -> str:
    db = client.app.state.services.db  # type: ignore[attr-defined]

    async def read() -> str:
        async with db.session() as session:
            return (
                await session.execute(select(Quote.status).where(Quote.reference == reference))
            ).scalar_one()

    return client.portal.call(read)  # type: ignore[union-attr]


def test_two_approvers_race_one_decision_the_buyer_is_told_the_message_updated(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    _, quote_ref, session_id, headers = _pending_quote(slack_app)
    call, ts = _approval_post(fake_slack, quote_ref)
    assert "margin 8.5 % below 12 %" in json.dumps(call.args["blocks"])
    value = _button(call, ActionId.APPROVE_QUOTE)

    # not an approver: refused, nothing changes
    slack.form(
        block_actions_body(
            user="U0REP00001", action_id=ActionId.APPROVE_QUOTE.value, value=value, message_ts=ts
        )
    )
    (refused,) = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.postEphemeral"))
    assert refused.args["user"] == "U0REP00001" and "Only approvers" in refused.args["text"]
    assert _quote_status(slack_app, quote_ref) == "pending_approval"

    # two approvers click at once
    responses: list[int] = []

    def click(user: str) -> None:
        body = block_actions_body(
            user=user, action_id=ActionId.APPROVE_QUOTE.value, value=value, message_ts=ts
        )
        responses.append(slack.form(body).status_code)

    threads = [threading.Thread(target=click, args=(u,)) for u in ("U0BOSS0001", "U0REP00002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert responses == [200, 200]
    updates = fake_slack.wait_for(lambda: fake_slack.calls_of("chat.update"))
    notes = fake_slack.wait_for(
        lambda: (
            len(fake_slack.calls_of("chat.postEphemeral")) >= 2
            and fake_slack.calls_of("chat.postEphemeral")
        )
    )
    assert "Nothing changed" in notes[1].args["text"]
    loser = notes[1].args["user"]
    winner = {"U0BOSS0001", "U0REP00002"} - {loser}
    assert _quote_status(slack_app, quote_ref) == "sent"
    (clicked,) = fake_slack.wait_for(
        lambda: [u for u in fake_slack.calls_of("chat.update") if u.args["ts"] == ts]
    )
    shown = json.dumps(clicked.args["blocks"])
    assert f"<@{winner.pop()}>" in shown and "approved" in shown.lower() and "<!date^" in shown
    assert all(ActionId.APPROVE_QUOTE.value not in json.dumps(u.args["blocks"]) for u in updates)

    messages = slack_app.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()[
        "messages"
    ]
    told = [m for m in messages if quote_ref in m["text"]]
    assert len(told) == 1 and told[0]["role"] == "bot"


def test_reject_asks_for_a_note_in_a_modal(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    inquiry_ref, quote_ref, session_id, headers = _pending_quote(slack_app)
    call, ts = _approval_post(fake_slack, quote_ref)
    slack.form(
        block_actions_body(
            user="U0BOSS0001",
            action_id=ActionId.REJECT_QUOTE.value,
            value=_button(call, ActionId.REJECT_QUOTE),
            message_ts=ts,
        )
    )
    (opened,) = fake_slack.wait_for(lambda: fake_slack.calls_of("views.open"))
    view = opened.args["view"]
    assert view["callback_id"] == ViewId.REJECT_QUOTE.value
    metadata = QuoteRef.decode(view["private_metadata"])
    assert isinstance(metadata, QuoteRef) and metadata.quote == quote_ref and metadata.ts == ts

    def submit(note: str) -> Any:
        values = {
            BlockId.REJECT_NOTE.value: {
                REJECT_NOTE_ACTION: {"type": "plain_text_input", "value": note}
            }
        }
        return slack.form(
            view_submission_body(
                user="U0BOSS0001",
                callback_id=ViewId.REJECT_QUOTE.value,
                private_metadata=view["private_metadata"],
                values=values,
            )
        )

    empty = submit("  ")
    assert empty.json()["response_action"] == "errors"
    assert _quote_status(slack_app, quote_ref) == "pending_approval"

    done = submit("Margin too thin; call the buyer")
    assert done.status_code == 200
    (update,) = fake_slack.wait_for(
        lambda: [u for u in fake_slack.calls_of("chat.update") if u.args["ts"] == ts]
    )
    assert "Margin too thin" in json.dumps(update.args["blocks"])
    assert _quote_status(slack_app, quote_ref) == "rejected"
    messages = slack_app.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()[
        "messages"
    ]
    assert any(inquiry_ref in m["text"] and m["role"] == "system" for m in messages)


def test_view_quote_opens_a_modal(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    _, quote_ref, _, _ = _pending_quote(slack_app)
    call, ts = _approval_post(fake_slack, quote_ref)
    slack.form(
        block_actions_body(
            user="U0REP00001",
            action_id=ActionId.VIEW_QUOTE.value,
            value=_button(call, ActionId.VIEW_QUOTE),
            message_ts=ts,
        )
    )
    (opened,) = fake_slack.wait_for(lambda: fake_slack.calls_of("views.open"))
    assert "USD 11.80" in json.dumps(opened.args["view"]) and opened.args["view"]["type"] == "modal"
    assert utcnow()
    assert conversations
