"""The RFQ's end in the buyer's language: summary, "why?", submission, acceptance, PDF."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.submit_rfq import (
    ActionAcceptQuote,
    ActionExplainWhy,
    ActionQuotePdf,
    ActionRfqSummary,
    ActionSubmitRfq,
)
from sales import conversations

from .conftest import tracker
from .test_submit_rfq import SLOTS


async def test_summary_in_chinese_with_translated_buttons_and_canonical_payloads(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionRfqSummary().run(
        dispatcher, tracker(slots={**SLOTS, "language": "zh"}, form=False), {}
    )
    (message,) = dispatcher.messages
    assert message["text"].startswith("您的询价单如下：\n1. PNL-6060-40W")
    assert "- 要求交期：2027年3月15日" in message["text"]
    assert message["text"].endswith("\n\n需要我把这份询价单发送给我们的销售团队吗？")
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [
        ("确认并发送", "/affirm"),
        ("修改内容", "/rfq_edit"),
        ("取消", "/stop"),
    ]


async def test_english_summary_is_unchanged(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    await ActionRfqSummary().run(dispatcher, tracker(slots=SLOTS, form=False), {})
    (message,) = dispatcher.messages
    assert message["text"].startswith("Here is your request for quotation:\n1. 5,000 pcs x ")
    assert message["text"].endswith("\n\nShall I send it to our sales team?")
    assert message["buttons"][0] == {"title": "Confirm and send", "payload": "/affirm"}


async def test_why_in_portuguese_and_the_default(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    action = ActionExplainWhy()
    await action.run(
        dispatcher, tracker(slots={"requested_slot": "incoterm", "language": "pt"}), {}
    )
    await action.run(dispatcher, tracker(slots={"requested_slot": None, "language": "pt"}), {})
    await action.run(dispatcher, tracker(slots={"requested_slot": "email"}), {})
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0] == (
        "Pergunto porque o Incoterm define quais custos e riscos a cotação inclui "
        "(FOB, CIF, DDP...)."
    )
    assert texts[1] == "Só pergunto o que é necessário para uma cotação."
    assert texts[2] == ("I ask because we send the quotation there; we never share your address.")


async def test_submission_accept_and_pdf_in_german(rt) -> None:  # type: ignore[no-untyped-def]
    async with rt.db.session() as db:
        session, _ = await conversations.create_session(db)
    slots = {**SLOTS, "language": "de"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitRfq().run(
        dispatcher,
        tracker(text="/affirm", intent="affirm", slots=slots, sender=session.id, form=False),
        {},
    )
    saved = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    first, quote = dispatcher.messages[0], dispatcher.messages[-1]
    reference = saved["last_inquiry"]
    assert first["text"] == (
        f"Vielen Dank! Ihre Anfrage ist unter {reference} registriert. Bitte geben Sie "
        f"{reference} bei allen Rückfragen an."
    )
    assert quote["text"].startswith("Ihr Angebot ")  # the quote's own text, in German
    assert "\nPDF: https://quotes.example/q/" in quote["text"]
    assert [(b["title"], b["payload"]) for b in quote["buttons"]] == [
        ("Angebot annehmen", "/accept_quote"),
        ("Mit einem Mitarbeiter sprechen", "/request_human"),
    ]

    quoted = tracker(slots={"last_quote": saved["last_quote"], "language": "de"}, sender=session.id)
    pdf = CollectingDispatcher()
    await ActionQuotePdf().run(pdf, quoted, {})
    assert pdf.messages[0]["text"].startswith(f"Hier ist das PDF zu {saved['last_quote']}: https")

    accepted, again = CollectingDispatcher(), CollectingDispatcher()
    await ActionAcceptQuote().run(accepted, quoted, {})
    await ActionAcceptQuote().run(again, quoted, {})
    assert accepted.messages[0]["text"].startswith("Vielen Dank für Ihren Auftrag! Angebot ")
    assert again.messages[0]["text"] == (
        f"Angebot {saved['last_quote']} ist bereits angenommen; unser Vertriebsteam meldet sich "
        "mit der Proformarechnung bei Ihnen."
    )


async def test_nothing_to_accept_or_submit_in_french(rt) -> None:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    french = tracker(slots={"language": "fr"})
    await ActionAcceptQuote().run(dispatcher, french, {})
    await ActionSubmitRfq().run(dispatcher, french, {})
    await ActionQuotePdf().run(dispatcher, french, {})
    assert [m["text"] for m in dispatcher.messages] == [
        "Il n'y a aucun devis à accepter dans cette conversation.",
        "Il n'y a pas encore de demande complète à envoyer. Dites-moi ce dont vous avez besoin "
        "et je la préparerai.",
        "Il n'y a pas encore de devis dans cette conversation ; dès qu'il sera prêt, je vous en "
        "donnerai le PDF.",
    ]
