"""The rep in Slack sees the buyer's language (new inquiry, handoff thread); the buyer hears a
rep's quote decision in the chat session's language."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from api.slack.blocks import language_label
from api.slack.ids import REJECT_NOTE_ACTION, ActionId, BlockId, ViewId
from i18n import t
from sales import conversations, handoff, inquiries
from sales.db import Database
from tests.fakes.slack import FakeSlack

from .conftest import SlackPoster, block_actions_body, view_submission_body
from .test_approvals import _approval_post, _button, _pending_quote
from .test_delivery import draft, drain, worker


def _fields(blocks: list[dict]) -> dict[str, str]:  # type: ignore[type-arg]
    found = {}
    for block in blocks:
        for item in block.get("fields") or []:
            name, _, value = item["text"].partition("\n")
            found[name.strip("*")] = value
    return found


def test_language_labels() -> None:
    assert language_label("es") == "Spanish (es)"
    assert language_label("zh-CN") == "Chinese (zh)"
    assert language_label("pt_BR") == "Portuguese (pt)"
    assert language_label(None) == "–"


async def test_the_new_inquiry_shows_the_buyers_language(
    database: Database, fake_slack: FakeSlack
) -> None:
    async with database.session() as db:
        await inquiries.create(db, draft=replace(draft(), language="es"))
    await drain(worker(database, fake_slack), database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    assert _fields(call.args["blocks"])["Language"] == "Spanish (es)"


async def test_the_handoff_thread_shows_the_buyers_language(
    database: Database, fake_slack: FakeSlack
) -> None:
    async with database.session() as db:
        session, _ = await conversations.create_session(db, locale="fr-FR")
    async with database.session() as db:
        asked = await handoff.request_handoff(db, session_id=session.id, reason="buyer_asked")
    assert asked.messages[0].text.startswith("J'ai demandé à un collègue")
    await drain(worker(database, fake_slack), database)
    (call,) = fake_slack.calls_of("chat.postMessage")
    assert _fields(call.args["blocks"])["Language"] == "French (fr)"


def test_a_spanish_buyer_hears_the_approval_in_spanish_with_the_pdf_link(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    _, quote_ref, session_id, headers = _pending_quote(slack_app, locale="es")
    call, ts = _approval_post(fake_slack, quote_ref)
    slack.form(
        block_actions_body(
            user="U0BOSS0001",
            action_id=ActionId.APPROVE_QUOTE.value,
            value=_button(call, ActionId.APPROVE_QUOTE),
            message_ts=ts,
        )
    )
    fake_slack.wait_for(lambda: fake_slack.calls_of("chat.update"))
    messages = slack_app.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()[
        "messages"
    ]
    (told,) = [m for m in messages if quote_ref in m["text"]]
    approved, offer, pdf = told["text"].split("\n")
    assert approved == t("quotes.approved", "es")
    assert offer.startswith(f"Su cotización {quote_ref}: USD 59.000,00 CIF Hamburg")
    assert "El plazo de producción es de unos 25 días." in offer
    assert pdf.startswith("Cotización en PDF: http") and f"/q/{quote_ref}.pdf?" in pdf


def test_a_german_buyer_hears_the_rejection_in_german(
    slack_app: TestClient, slack: SlackPoster, fake_slack: FakeSlack
) -> None:
    inquiry_ref, quote_ref, session_id, headers = _pending_quote(slack_app, locale="de-DE")
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
    note = {
        BlockId.REJECT_NOTE.value: {
            REJECT_NOTE_ACTION: {"type": "plain_text_input", "value": "Marge zu gering"}
        }
    }
    slack.form(
        view_submission_body(
            user="U0BOSS0001",
            callback_id=ViewId.REJECT_QUOTE.value,
            private_metadata=opened.args["view"]["private_metadata"],
            values=note,
        )
    )
    fake_slack.wait_for(lambda: fake_slack.calls_of("chat.update"))
    messages = slack_app.get(f"/api/chat/sessions/{session_id}/messages", headers=headers).json()[
        "messages"
    ]
    told = [m["text"] for m in messages if m["role"] == "system"]
    assert told == [t("quotes.rejected_by_rep", "de", inquiry=inquiry_ref)]
    assert told[0].startswith("Unser Vertriebsteam hat das Angebot zu Ihrer Anfrage")
